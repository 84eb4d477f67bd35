"""MUM on other detectors (RetinaNet, FCOS, Cascade R-CNN) and inside mmdet's SoftTeacher.

Each config's detector is shrunk (tests/tiny_detectors.py: every type, loss and stride kept) and
trained two iterations on real tiny demo batches (8 classes, images of 128-150 px) with the
config's own MUM settings (NG = NT = 4, largest_stride 128 for P3-P7: the mixed student batch is
padded to 4 x 128 = 512 px a side). The config's necks, P6 / P7 from stride-2 convs included,
are checked for exact unmixing at every level. Tiny tensors run single-threaded: on a loaded
2-core machine that is several times faster than two contending threads.
"""
import os.path as osp

import pytest
import torch
from conftest import REPO
from demo_batches import small_batches
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from tiny_detectors import shrink_detector

from mum.datasets.demo_data import DEMO_CLASSES
from mum.engine.hooks import EMATeacherHook
from mum.models.data_preprocessors import TILE_SOURCE_KEY
from mum.models.necks import TileUnmixMixin, unmixing_if_mixed
from mum.ops.tiles import mix_tiles, sample_tile_permutation

RETINANET = 'mum/retinanet_r50_fpn_coco-standard_1pct_fold1.py'
FCOS = 'mum/fcos_r50_fpn_coco-standard_1pct_fold1.py'
CASCADE = 'mum/cascade-rcnn_r50_fpn_coco-standard_1pct_fold1.py'
SOFT_TEACHER = 'mum/soft-teacher_faster-rcnn_r50-caffe_fpn_coco-10pct_mum.py'
# the loss terms each MUMTeacher config trains on pseudo-labels: classification only
UNSUP_TERMS = {
    RETINANET: {'unsup_loss_cls'},
    FCOS: {'unsup_loss_cls'},
    CASCADE: {'unsup_loss_rpn_cls', 'unsup_s0.loss_cls', 'unsup_s1.loss_cls',
              'unsup_s2.loss_cls'},
}
NUM_CLASSES = len(DEMO_CLASSES)  # the demo data's


def _config(name: str) -> Config:
    return Config.fromfile(osp.join(REPO, 'configs', name))


@pytest.fixture(scope='module')
def two_batches(demo_workspace):
    """Two real multi-branch batches of the demo data: 1 labeled + 4 unlabeled images each."""
    return small_batches('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'), 2)


def _tiny_model(name: str):
    """The config's teacher-student model with a tiny detector and pseudo-labels that flow."""
    model_cfg = _config(name).model
    shrink_detector(model_cfg.detector, num_classes=NUM_CLASSES)
    model_cfg.data_preprocessor.seed = 0
    test_cfg = model_cfg.detector.test_cfg
    if 'score_thr' in test_cfg:  # one-stage heads start at p = 0.01 (prior-prob bias)
        test_cfg.score_thr = 0.0
    train_cfg = model_cfg.semi_train_cfg
    if model_cfg.type == 'MUMTeacher':
        train_cfg.cls_pseudo_thr = 0.001  # a random teacher is never "confident"
    else:  # SoftTeacher's thresholds
        train_cfg.update(pseudo_label_initial_score_thr=0.01, rpn_pseudo_thr=0.01,
                         cls_pseudo_thr=0.01, jitter_times=2)
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    model.init_weights()
    EMATeacherHook().ema_update(model, keep=0.0)  # the teacher starts as the student
    return model


def _count_unmixing(neck) -> list:
    """Records, on the instance, every feature map the neck unmixes."""
    calls = []
    unmix = neck._unmix

    def recording_unmix(features):
        calls.append(features.shape)
        return unmix(features)

    neck._unmix = recording_unmix
    return calls


def _train_two_iterations(model, batches, rename_sup_to=None):
    """Two real training steps (preprocess, losses, backward, SGD, EMA); their log_vars."""
    MessageHub.get_current_instance().update_info('iter', 10)
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.student.parameters(), lr=0.001))
    student_unmixed = _count_unmixing(model.student.neck)
    teacher_unmixed = _count_unmixing(model.teacher.neck)
    all_log_vars = []
    for batch in batches:
        if rename_sup_to:  # SoftTeacher reads one labeled branch named 'sup'
            batch = {key: dict(value) for key, value in batch.items()}
            for part in batch.values():
                part[rename_sup_to] = part.pop('sup_weak')
                del part['sup_strong']
        all_log_vars.append(model.train_step(batch, optim_wrapper))
        EMATeacherHook().ema_update(model, keep=0.9)
    # the unsup student forward unmixed every output level (5) of its neck, at each iteration;
    # the batch was padded to NT = 4 cells a side at the top level (stride largest_stride)
    assert len(student_unmixed) == 2 * 5, student_unmixed
    assert all(shape[-2:] == (4, 4) for shape in student_unmixed[4::5]), student_unmixed
    assert not teacher_unmixed  # the teacher's weak view is never mixed
    return all_log_vars


@pytest.mark.parametrize('name', [RETINANET, FCOS, CASCADE])
def test_mum_teacher_trains_on_another_detector(name, two_batches):
    model = _tiny_model(name)
    for log_vars in _train_two_iterations(model, two_batches):
        assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values()), log_vars
        unsup_terms = {k for k in log_vars if k.startswith('unsup_') and 'loss' in k}
        assert unsup_terms == UNSUP_TERMS[name]  # no box regression, no centerness
        assert log_vars['unsup_pseudo_boxes_per_img'] > 0
        assert any(k.startswith('sup_loss') and 'cls' in k for k in log_vars), sorted(log_vars)


def test_soft_teacher_with_mum_trains_and_unmixes(two_batches):
    model = _tiny_model(SOFT_TEACHER)
    assert type(model).__name__ == 'MUMSoftTeacher'
    for log_vars in _train_two_iterations(model, two_batches, rename_sup_to='sup'):
        assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values()), log_vars
        # SoftTeacher's own pseudo-label terms, box regression included (its design, unchanged)
        assert {'unsup_loss_rpn_cls', 'unsup_loss_cls', 'unsup_loss_bbox'} <= set(log_vars)
        assert {'sup_loss_cls', 'sup_loss_bbox'} <= set(log_vars)


def test_unmixing_if_mixed_arms_only_for_a_mixed_batch():
    model = MODELS.build(dict(type='UnmixNeck', neck=dict(
        type='FPN', in_channels=[4, 8], out_channels=4, num_outs=2)))

    class Sample:
        def __init__(self, metainfo):
            self.metainfo = metainfo

    with unmixing_if_mixed(model, [Sample({})]):
        assert model.tile_source is None
    source = torch.zeros(1, 2, 2, dtype=torch.long)
    with unmixing_if_mixed(model, [Sample({TILE_SOURCE_KEY: source, 'mum_tile_units': (2, 2)})]):
        assert model.tile_source is source and model.tile_units == (2, 2)
    assert model.tile_source is None


def test_configs_use_the_real_loss_names_and_mmdet_models():
    cascade = _config(CASCADE).model
    assert cascade.semi_train_cfg.unsup_loss_keys == ('loss_rpn_cls', 's*.loss_cls')
    assert cascade.data_preprocessor.largest_stride == 64
    for name in (RETINANET, FCOS):
        model = _config(name).model
        assert model.semi_train_cfg.unsup_loss_keys == ('loss_cls', )
        assert model.data_preprocessor.largest_stride == 128
        assert model.detector.neck.neck.num_outs == 5  # P3-P7
    # our FCOS model base is mmdet's FCOS config's model, verbatim
    fcos = get_config('mmdet::fcos/fcos_r50-caffe_fpn_gn-head_1x_coco.py').model.to_dict()
    ours = Config.fromfile(
        osp.join(REPO, 'configs/_base_/models/fcos_r50-caffe_fpn_gn-head.py')).model.to_dict()
    assert ours == fcos
    # the SoftTeacher config keeps mmdet's SoftTeacher settings and only adds MUM's pieces
    soft = _config(SOFT_TEACHER).model
    mmdet_soft = get_config(
        'mmdet::soft_teacher/soft-teacher_faster-rcnn_r50-caffe_fpn_180k_semi-0.1-coco.py').model
    assert soft.semi_train_cfg == mmdet_soft.semi_train_cfg
    assert soft.detector.neck.neck == mmdet_soft.detector.neck
    assert (soft.data_preprocessor.data_preprocessor ==
            mmdet_soft.data_preprocessor.data_preprocessor)


@pytest.mark.parametrize('name', [RETINANET, FCOS, CASCADE])
def test_real_neck_puts_every_tile_back_at_every_level(name):
    """The config's own neck (channels shrunk) on backbone maps constant within each tile.

    Away from tile borders the unmixed outputs of the mixed batch equal the plain neck's outputs
    of the original batch at every level. Margin: 1 cell on each side of every tile border, at
    every level. Why it suffices: the laterals (1x1 convs) and the top-down nearest upsampling
    are exact, since tile borders fall on cell borders of every level up to largest_stride;
    FPN's 3x3 stride-1 output convs reach 1 cell across a border. A 3x3 stride-2 extra conv
    (P6, P7) computes output cell j from input cells 2j-1..2j+1, and a tile starting at output
    cell a starts at input cell 2a: with at most 1 contaminated input cell at each tile edge,
    output cell a is the only one reaching across the start (cell 2a-1) and cell b-1 (input
    2b-3..2b-1, all inside) stays clean at the end, so the margin stays 1 at P6 and P7 (from C5
    'on_input': 1 at the start, 0 at the end). 2048 px gives P7 4 cells per tile, 2 clean.
    """
    cfg = _config(name).model
    neck_cfg = cfg.detector.neck.neck
    largest_stride = cfg.data_preprocessor.largest_stride
    in_channels = [4, 8, 16, 32]
    neck_cfg.update(in_channels=in_channels, out_channels=8)
    torch.manual_seed(0)
    plain = MODELS.build(neck_cfg)
    neck = MODELS.build(dict(type='UnmixNeck', neck=neck_cfg))
    neck.load_state_dict(plain.state_dict())
    num_tiles, cells_per_tile_at_top = 4, 4
    side = num_tiles * cells_per_tile_at_top * largest_stride  # 2048 (P7) or 1024 (P6)
    units = (side // largest_stride, ) * 2
    source = sample_tile_permutation(4, 4, num_tiles, torch.Generator().manual_seed(1))
    original = []
    for channels, stride in zip(in_channels, (4, 8, 16, 32)):
        cells = side // stride // num_tiles
        tiles = torch.randn(4, channels, num_tiles, num_tiles)
        original.append(tiles.repeat_interleave(cells, 2).repeat_interleave(cells, 3))
    mixed = [mix_tiles(level, source, units) for level in original]
    with torch.no_grad():
        with unmixing_if_mixed(neck, [_Sample(source, units)]):
            unmixed_outputs = neck(mixed)
        expected_outputs = plain(original)
    assert isinstance(neck, TileUnmixMixin) and len(unmixed_outputs) == 5
    top_stride = side // unmixed_outputs[-1].shape[-1]
    assert top_stride == largest_stride  # the neck's largest output stride is largest_stride
    for level, (ours, theirs) in enumerate(zip(unmixed_outputs, expected_outputs)):
        cells = ours.shape[-1] // num_tiles
        interior = torch.zeros(cells, dtype=torch.bool)
        interior[1:cells - 1] = True
        mask = interior.repeat(num_tiles)
        assert mask.sum() >= 2 * num_tiles, level
        ours_inside = ours[:, :, mask][..., mask]
        theirs_inside = theirs[:, :, mask][..., mask]
        assert torch.allclose(ours_inside, theirs_inside, atol=1e-5), level
        assert not torch.allclose(ours, theirs, atol=1e-5), level  # borders do differ


class _Sample:
    """A data sample's metainfo as MUMDataPreprocessor leaves it on a mixed batch."""

    def __init__(self, source, units):
        self.metainfo = {TILE_SOURCE_KEY: source, 'mum_tile_units': units}
