"""The BCCD configs (configs/bccd/): the demo's detector, the fold options of their header, the
converter's classes, and two training iterations on the real images where BCCD is at hand
(tests/conftest.py's bccd_data_root; skipped otherwise). test_all_configs.py trains each of them
one iteration on tiny fake data as it does every config."""
import copy
import json
import math
import os.path as osp
import re

import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from test_all_configs import REPO, leaf_datasets, no_runner_bookkeeping  # noqa: F401

BCCD_DIR = osp.join(REPO, 'configs', 'bccd')
SEMI_CONFIGS = ('bccd_unbiased_teacher.py', 'bccd_mum.py')
FOLD_CONFIGS = ('bccd_supervised.py', *SEMI_CONFIGS)
CONFIGS = (*FOLD_CONFIGS, 'bccd_oracle.py')
DEMO_CONFIG = osp.join(REPO, 'configs', 'unbiased_teacher', 'demo_unbiased_teacher.py')
# the fold options as the header of bccd_unbiased_teacher.py writes them, k for the fold
HEADER_OPTION = re.compile(r'^#\s+(train_dataloader\.dataset\.datasets\.\d\.ann_file)=(\S+)$')


def load(name: str) -> Config:
    return Config.fromfile(osp.join(BCCD_DIR, name))


def test_bccd_detector_is_the_demo_detector_with_three_classes():
    demo = Config.fromfile(DEMO_CONFIG).model.detector.to_dict()
    bccd = load('bccd_unbiased_teacher.py').model.detector.to_dict()
    assert bccd['roi_head']['bbox_head'].pop('num_classes') == 3
    demo['roi_head']['bbox_head'].pop('num_classes')
    assert bccd == demo


def test_configs_differ_in_their_switch_only():
    unbiased_teacher, supervised, mum, oracle = (load(name) for name in (
        'bccd_unbiased_teacher.py', 'bccd_supervised.py', 'bccd_mum.py', 'bccd_oracle.py'))
    assert unbiased_teacher.model.semi_train_cfg.unsup_weight > 0
    assert supervised.model.semi_train_cfg.unsup_weight == 0
    assert mum.model.data_preprocessor.type == 'MUMDataPreprocessor'
    assert mum.model.data_preprocessor.largest_stride == 32
    assert [d.ann_file for d in oracle.train_dataloader.dataset.datasets] == [
        'annotations/bccd_train.json'] * 2
    assert oracle.model == supervised.model


@pytest.mark.parametrize('name', FOLD_CONFIGS)
def test_header_fold_options_select_the_fold(name):
    with open(osp.join(BCCD_DIR, 'bccd_unbiased_teacher.py'), encoding='utf-8') as file:
        options = dict(match.groups() for match in map(HEADER_OPTION.match, file) if match)
    assert len(options) == 2
    cfg = load(name)
    for fold in (3, 0):
        changed = copy.deepcopy(cfg)
        changed.merge_from_dict({key: value.replace('seedk@', f'seed{fold}@')
                                 for key, value in options.items()})
        assert [d.ann_file for d in changed.train_dataloader.dataset.datasets] == [
            f'annotations/bccd_train.seed{fold}@10.json',
            f'annotations/bccd_train.seed{fold}@10-unlabeled.json']
    assert changed.to_dict() == cfg.to_dict()  # fold 0 is the default


def test_classes_are_the_converted_categories(bccd_data_root):
    for split in ('train', 'val'):
        with open(osp.join(bccd_data_root, 'annotations', f'bccd_{split}.json')) as file:
            names = [category['name'] for category in json.load(file)['categories']]
        assert list(load('bccd_unbiased_teacher.py').metainfo['classes']) == names


def on_bccd(name: str, data_root: str, work_dir: str) -> Config:
    """The config ``name`` reading BCCD from ``data_root``, with no worker processes, checkpoint
    or TensorBoard, writing into ``work_dir``."""
    cfg = load(name)
    for dataset in [*leaf_datasets(cfg.train_dataloader.dataset), cfg.val_dataloader.dataset,
                    cfg.test_dataloader.dataset]:
        dataset.update(data_root=data_root, serialize_data=False)
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].update(num_workers=0, persistent_workers=False)
    for split in ('val', 'test'):
        cfg[f'{split}_evaluator'].ann_file = osp.join(
            data_root, cfg[f'{split}_dataloader'].dataset.ann_file)
    cfg.default_hooks.checkpoint = None  # its save_best also needs a training run
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.work_dir = work_dir
    return cfg


def first_val_image_ids(data_root: str) -> list:
    """The ids of the first 4 images of bccd_val.json."""
    with open(osp.join(data_root, 'annotations', 'bccd_val.json')) as file:
        return [image['id'] for image in json.load(file)['images'][:4]]


@pytest.mark.parametrize('name', CONFIGS)
def test_trains_two_iterations_on_bccd(name, bccd_data_root, no_runner_bookkeeping,  # noqa: F811
                                       tmp_path):
    """The real model, pipelines and images; 2 labeled + 4 unlabeled images (one MUM group);
    burn-in 1, so the second iteration trains on pseudo-labels; the val loop is built only."""
    cfg = on_bccd(name, bccd_data_root, str(tmp_path))
    cfg.train_dataloader.batch_size = 6
    cfg.train_dataloader.sampler.update(batch_size=6, source_ratio=[2, 4])
    cfg.model.semi_train_cfg.burn_in_iters = 1
    cfg.train_cfg.update(max_iters=2, val_begin=3)
    cfg.default_hooks.logger.interval = 1

    runner = Runner.from_cfg(cfg)
    runner.train()

    scalars = runner.message_hub.log_scalars
    assert math.isfinite(scalars['train/loss'].current())
    unsup_terms = [key for key in scalars if key.startswith('train/unsup_') and 'loss' in key]
    assert bool(unsup_terms) == (name in SEMI_CONFIGS), sorted(scalars)
    assert len(runner.train_dataloader.dataset.datasets[0]) == (205 if name == 'bccd_oracle.py'
                                                                else 20)


def test_scores_real_val_images(bccd_data_root, no_runner_bookkeeping,  # noqa: F811
                                tmp_path):
    """The val loop on BCCD val's first 4 images (BloodImage_00000 among them: image id 0),
    scored by the evaluator against bccd_val.json; the model is untrained, so only the metric's
    presence and range are checked."""
    cfg = on_bccd('bccd_unbiased_teacher.py', bccd_data_root, str(tmp_path))
    cfg.val_dataloader.batch_size = 4
    cfg.val_dataloader.dataset.indices = 4

    runner = Runner.from_cfg(cfg)
    runner.val()

    assert first_val_image_ids(bccd_data_root) == [0, 2, 14, 17]
    scalars = runner.message_hub.log_scalars
    assert 0 <= scalars['val/teacher/coco/bbox_mAP_50'].current() <= 1, sorted(scalars)
