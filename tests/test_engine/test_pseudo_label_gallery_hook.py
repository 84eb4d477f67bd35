"""PseudoLabelGalleryHook: every N iterations, weak views with pseudo-boxes beside mixed views."""
import copy
import logging
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from demo_batches import demo_config, first_batch
from mmdet.registry import MODELS
from mmengine.logging import MessageHub

from mum.analysis import visualization
from mum.analysis.tile_statistics import tile_pixel_edges
from mum.analysis.visualization import DETECTION_COLOURS
from mum.engine.hooks import PseudoLabelGalleryHook
from mum.engine.hooks.pseudo_label_gallery_hook import pseudo_label_gallery
from mum.models.data_preprocessors.tile_mixing import TILE_SOURCE_KEY, TILE_UNITS_KEY


@pytest.fixture(scope='module')
def model_and_batch(demo_workspace):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.update(burn_in_iters=0, pseudo_label_source='ground_truth')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    return model, first_batch(cfg)


def _runner(model, work_dir, iteration):
    dataset = SimpleNamespace(metainfo=dict(classes=[f'class{i}' for i in range(8)]))
    return SimpleNamespace(model=model, rank=0, iter=iteration, work_dir=str(work_dir),
                           train_dataloader=SimpleNamespace(dataset=dataset),
                           logger=logging.getLogger('test'))


def _train_step(model, batch, hook, runner):
    hook.before_train_iter(runner, 0)
    MessageHub.get_current_instance().update_info('iter', runner.iter)
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    model.loss(data['inputs'], data['data_samples'])
    hook.after_train_iter(runner, 0)
    return data


def test_gallery_is_written_at_the_interval_only(model_and_batch, tmp_path):
    model, batch = model_and_batch
    hook = PseudoLabelGalleryHook(interval=5, num_images=2)
    hook.before_run(_runner(model, tmp_path, 0))
    _train_step(model, batch, hook, _runner(model, tmp_path, 3))
    assert not (tmp_path / 'pseudo_labels').exists()
    assert model.recorded_unsup_batch is None and not model.record_unsup_batch
    _train_step(model, batch, hook, _runner(model, tmp_path, 4))
    assert (tmp_path / 'pseudo_labels' / 'iter_5.png').is_file()
    assert model.recorded_unsup_batch is None  # not kept beyond the step


def test_rows_show_weak_views_with_boxes_beside_the_mixed_views(model_and_batch, monkeypatch):
    model, batch = model_and_batch
    model.record_unsup_batch = True
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    MessageHub.get_current_instance().update_info('iter', 1)
    model.loss(data['inputs'], data['data_samples'])
    recorded, model.recorded_unsup_batch = model.recorded_unsup_batch, None
    classes = [f'class{i}' for i in range(8)]
    gallery = pseudo_label_gallery(recorded, model.data_preprocessor, classes, num_images=2)
    weak_h, weak_w = recorded['teacher_inputs'].shape[-2:]
    strong_h, strong_w = recorded['student_inputs'].shape[-2:]
    assert gallery.shape[0] >= 2 * weak_h and gallery.shape[1] == weak_w + 4 + strong_w
    left = gallery[:weak_h, :weak_w]
    # the student's view is the mixed one, with its tile borders drawn: the same gallery drawn
    # without borders differs on the inner border lines of the mixed views only
    metainfo = recorded['student_samples'][0].metainfo
    assert TILE_SOURCE_KEY in metainfo
    monkeypatch.setattr(visualization, 'draw_tile_grid', lambda image, rows, cols: image)
    no_borders = pseudo_label_gallery(recorded, model.data_preprocessor, classes, num_images=2)
    changed = (gallery != no_borders).any(axis=-1)[:strong_h, weak_w + 4:]  # first row, right
    assert not (gallery != no_borders)[:, :weak_w].any()
    num_tiles = metainfo[TILE_SOURCE_KEY].shape[-1]
    units_h, units_w = metainfo[TILE_UNITS_KEY]
    cols = tile_pixel_edges(strong_w, num_tiles, strong_w // units_w)[1:-1]
    rows = tile_pixel_edges(strong_h, num_tiles, strong_h // units_h)[1:-1]
    on_borders = np.zeros_like(changed)
    on_borders[:, cols], on_borders[rows, :] = True, True
    assert changed.any() and not (changed & ~on_borders).any()
    assert all(changed[:, c].mean() > 0.5 for c in cols)
    assert all(changed[r, :].mean() > 0.5 for r in rows)
    # every pseudo-box of the first image is drawn in its class colour on the weak view
    first = recorded['student_samples'][0].gt_instances
    assert len(first) > 0
    for box, label in zip(first.bboxes.tolist(), first.labels.tolist()):
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        colour = DETECTION_COLOURS[label % len(DETECTION_COLOURS)]
        edge_middles = [left[y1, (x1 + x2) // 2], left[(y1 + y2) // 2, x1],
                        left[min(y2, weak_h - 1), (x1 + x2) // 2],
                        left[(y1 + y2) // 2, min(x2, weak_w - 1)]]
        assert colour in [tuple(pixel) for pixel in edge_middles], box


def test_needs_a_teacher_student_model(tmp_path):
    with pytest.raises(TypeError, match='PseudoLabelGalleryHook needs a MUMTeacher model, got '
                       'Linear'):
        PseudoLabelGalleryHook().before_run(_runner(torch.nn.Linear(1, 1), tmp_path, 0))


def test_written_png_is_readable(model_and_batch, tmp_path):
    model, batch = model_and_batch
    hook = PseudoLabelGalleryHook(interval=1, num_images=1)
    _train_step(model, batch, hook, _runner(model, tmp_path, 0))
    image = cv2.imread(str(tmp_path / 'pseudo_labels' / 'iter_1.png'))
    assert image is not None and image.shape[2] == 3
