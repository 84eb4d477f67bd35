"""MUM on DINO (configs/mum/demo_dino_mum.py): the ChannelMapper's levels unmixed exactly, the
encoder's masks and positions those of the unmixed images, one teacher-student step, and the loss
terms trained on pseudo-labels.

The model is the demo config's with the transformer shortened (1 encoder and 2 decoder layers,
10 queries; mmdet's DINO decoder keeps 256 dims), EfficientNet-Lite0 from scratch, trained on
real tiny demo batches of 1 labeled + 4 unlabeled images.
"""
import copy
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from conftest import REPO
from demo_batches import small_batches
from mmdet.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from mum.engine.hooks import EMATeacherHook
from mum.models.data_preprocessors import TILE_SOURCE_KEY, TILE_UNITS_KEY
from mum.models.necks import unmixing_if_mixed
from mum.ops.tiles import mix_tiles, sample_tile_permutation, unmix_tiles

CONFIG = 'mum/demo_dino_mum.py'
NUM_TILES = 4
DECODER_LAYERS = 2
QUERIES = 10


def _model_cfg(**semi_train_cfg):
    init_default_scope('mmdet')  # an earlier test may have left another default scope
    cfg = Config.fromfile(osp.join(REPO, 'configs', CONFIG)).model
    detector = cfg.detector
    detector.backbone.init_cfg = None
    detector.update(num_queries=QUERIES, encoder=dict(num_layers=1),
                    decoder=dict(num_layers=DECODER_LAYERS), test_cfg=dict(max_per_img=QUERIES))
    detector.dn_cfg.group_cfg.num_dn_queries = QUERIES
    cfg.data_preprocessor.seed = 0
    # a young teacher's sigmoid scores start near the focal prior 0.01: let its boxes through
    cfg.semi_train_cfg.update(dict(dict(cls_pseudo_thr=0.001, burn_in_iters=0), **semi_train_cfg))
    return cfg


def _tiny_model(**semi_train_cfg):
    torch.manual_seed(0)
    model = MODELS.build(_model_cfg(**semi_train_cfg))
    model.init_weights()
    EMATeacherHook().ema_update(model, keep=0.0)  # the teacher starts as the student
    return model


@pytest.fixture(scope='module')
def batch(demo_workspace):
    """A real multi-branch batch of the demo data: 1 labeled + 4 unlabeled images."""
    return small_batches(CONFIG, osp.join(demo_workspace, 'data', 'demo'), 1)[0]


def test_channel_mapper_levels_are_unmixed_exactly_at_strides_8_to_64():
    """The config's ChannelMapper (GroupNorm, the stride-64 level from a 3x3 stride-2 conv).

    With a permutation set, each of its 4 output levels is the plain neck's output on the mixed
    maps with the tiles put back: bit-exact, and mixing it again gives the plain output back.
    Without GroupNorm (whose statistics are per image, so a mixed image's differ), the unmixed
    levels equal the plain neck's on the original maps away from tile borders (1 cell at the
    stride-64 level, which a 3x3 conv reaches across; none at the 1x1 levels).
    """
    cfg = _model_cfg()
    largest_stride = cfg.data_preprocessor.largest_stride
    neck_cfg = cfg.detector.neck.neck
    in_channels = [8, 16, 32]
    neck_cfg.update(in_channels=in_channels, out_channels=32,
                    norm_cfg=dict(type='GN', num_groups=8))
    cells_per_tile_at_top = 4
    side = NUM_TILES * cells_per_tile_at_top * largest_stride
    units = (side // largest_stride, ) * 2
    source = sample_tile_permutation(4, 4, NUM_TILES, torch.Generator().manual_seed(1))
    original = []
    for channels, stride in zip(in_channels, (8, 16, 32)):
        cells = side // stride // NUM_TILES
        tiles = torch.randn(4, channels, NUM_TILES, NUM_TILES)
        original.append(tiles.repeat_interleave(cells, 2).repeat_interleave(cells, 3))
    mixed = [mix_tiles(level, source, units) for level in original]
    metainfo = [_Sample({TILE_SOURCE_KEY: source, TILE_UNITS_KEY: units})]

    for norm_cfg in (neck_cfg.norm_cfg, None):
        neck_cfg.norm_cfg = norm_cfg
        torch.manual_seed(0)
        plain = MODELS.build(neck_cfg)
        neck = MODELS.build(dict(type='UnmixNeck', neck=neck_cfg))
        neck.load_state_dict(plain.state_dict())
        with torch.no_grad():
            with unmixing_if_mixed(neck, metainfo):
                unmixed = neck(mixed)
            plain_on_mixed = plain(mixed)
            plain_on_original = plain(original)
        assert len(unmixed) == 4
        assert side // unmixed[-1].shape[-1] == largest_stride == 64
        for level, (ours, theirs) in enumerate(zip(unmixed, plain_on_mixed)):
            assert torch.equal(ours, unmix_tiles(theirs, source, units)), level
            assert torch.equal(mix_tiles(ours, source, units), theirs), level
        if norm_cfg is not None:
            continue
        for level, (ours, theirs) in enumerate(zip(unmixed, plain_on_original)):
            cells = ours.shape[-1] // NUM_TILES
            margin = 1 if level == 3 else 0
            interior = torch.zeros(cells, dtype=torch.bool)
            interior[margin:cells - margin] = True
            mask = interior.repeat(NUM_TILES)
            assert torch.allclose(ours[:, :, mask][..., mask], theirs[:, :, mask][..., mask],
                                  atol=1e-5), level
            assert not torch.allclose(ours, plain(mixed)[level], atol=1e-5), level


def test_encoder_masks_and_positions_are_those_of_the_unmixed_images(batch):
    """The student's mixed batch, unmixed in the neck, against the same batch not mixed (the
    preprocessor with p = 0) and padded to the same size."""
    model = _tiny_model()
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    mixed = data['inputs']['unsup_student']
    samples = data['data_samples']['unsup_student']
    not_mixing = copy.deepcopy(model.data_preprocessor)
    not_mixing.mix_prob = 0.0
    reference = not_mixing(copy.deepcopy(batch), training=True)
    height, width = reference['inputs']['unsup_student'].shape[-2:]
    unmixed = F.pad(reference['inputs']['unsup_student'],
                    (0, mixed.shape[-1] - width, 0, mixed.shape[-2] - height))
    unmixed_samples = reference['data_samples']['unsup_student']
    for sample in unmixed_samples:
        assert TILE_SOURCE_KEY not in sample.metainfo
        sample.set_metainfo({'batch_input_shape': tuple(mixed.shape[-2:])})
    source = samples[0].metainfo[TILE_SOURCE_KEY]
    assert torch.equal(unmix_tiles(mixed, source, samples[0].metainfo[TILE_UNITS_KEY]), unmixed)
    student = model.student
    with torch.no_grad():
        with unmixing_if_mixed(student, samples):
            encoder_inputs, decoder_inputs = student.pre_transformer(
                student.extract_feat(mixed), samples)
        expected_encoder, expected_decoder = student.pre_transformer(
            student.extract_feat(unmixed), unmixed_samples)
    assert encoder_inputs['feat_mask'].any()  # the batch has padding to mask
    for key in ('feat_mask', 'feat_pos', 'spatial_shapes', 'level_start_index', 'valid_ratios'):
        assert torch.equal(encoder_inputs[key], expected_encoder[key]), key
    assert torch.equal(decoder_inputs['memory_mask'], expected_decoder['memory_mask'])
    # the features differ (the backbone sees mixed images): the equality above is not vacuous
    assert not torch.equal(encoder_inputs['feat'], expected_encoder['feat'])


def _step(model, batch):
    MessageHub.get_current_instance().update_info('iter', 10)
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.student.parameters(), lr=0.01))
    return model.train_step(copy.deepcopy(batch), optim_wrapper)


def test_one_step_changes_the_student_and_not_the_teacher(batch):
    model = _tiny_model()
    student = {k: v.clone() for k, v in model.student.state_dict().items()}
    teacher = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    log_vars = _step(model, batch)
    assert log_vars['unsup_pseudo_boxes_per_img'] > 0
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values()), log_vars
    changed = [k for k, v in model.student.state_dict().items() if not torch.equal(v, student[k])]
    assert any(k.startswith('encoder.') for k in changed)
    assert any(k.startswith('bbox_head.') for k in changed)
    assert all(torch.equal(v, teacher[k]) for k, v in model.teacher.state_dict().items())


def _terms(prefix, names):
    """DINO's loss term names per decoder layer: the last layer's, then d0..d(L-2)'s."""
    layers = ['', *(f'd{i}.' for i in range(DECODER_LAYERS - 1))]
    return {f'{prefix}{layer}{name}' for layer in layers for name in names}


@pytest.mark.parametrize('keys, expected', [
    (None, _terms('unsup_', ('loss_cls', 'loss_bbox', 'loss_iou', 'dn_loss_cls',
                             'dn_loss_bbox', 'dn_loss_iou'))
     | {'unsup_enc_loss_cls', 'unsup_enc_loss_bbox', 'unsup_enc_loss_iou'}),
    (('*loss_cls', ), _terms('unsup_', ('loss_cls', 'dn_loss_cls')) | {'unsup_enc_loss_cls'}),
], ids=['config-default', 'classification-only'])
def test_only_the_chosen_terms_train_on_pseudo_labels(batch, keys, expected):
    model = _tiny_model(**({} if keys is None else dict(unsup_loss_keys=keys)))
    log_vars = _step(model, batch)
    unsup_terms = {k for k in log_vars if k.startswith('unsup_') and 'loss' in k}
    assert unsup_terms == expected
    supervised = {k for k in log_vars if k.startswith('sup_') and 'loss' in k}
    assert supervised == {'sup_' + k[len('unsup_'):] for k in _terms('unsup_', (
        'loss_cls', 'loss_bbox', 'loss_iou', 'dn_loss_cls', 'dn_loss_bbox', 'dn_loss_iou'))
        | {'unsup_enc_loss_cls', 'unsup_enc_loss_bbox', 'unsup_enc_loss_iou'}}


@pytest.mark.parametrize('change', [
    dict(pseudo_label_source='ground_truth'),
    dict(pseudo_thr_policy=dict(type='DensityMatchingThreshold', thr_range=(0.001, 0.9),
                                interval=1)),
], ids=['oracle', 'adaptive-thresholds'])
def test_the_oracle_and_adaptive_thresholds_work_unchanged(batch, change):
    """The project's switches act on the teacher's scored boxes, whatever the detector."""
    model = _tiny_model(**change)
    # as PseudoLabelDensityHook sets it before training: 2 boxes per image of every class
    model.pseudo_thresholds.set_labeled_density(torch.full((8, ), 2.0))
    for _ in range(2):
        log_vars = _step(model, batch)
    assert log_vars['unsup_pseudo_boxes_per_img'] > 0
    if 'pseudo_label_source' in change:  # the unlabeled images' own boxes: all correct
        assert log_vars['unsup_pseudo_precision'] == 1.0
        assert log_vars['unsup_pseudo_recall'] == 1.0
    else:  # the thresholds moved off tau after their first update
        assert not torch.allclose(model.pseudo_thresholds.upper(), torch.tensor(0.001))


def test_a_batch_without_pseudo_boxes_trains_the_unlabeled_images_as_background(batch):
    model = _tiny_model(cls_pseudo_thr=0.999)
    log_vars = _step(model, batch)
    assert log_vars['unsup_pseudo_boxes_per_img'] == 0
    assert log_vars['unsup_loss_cls'] > 0  # every query is taught background
    assert log_vars['unsup_loss_bbox'] == 0


DEMO_ARMS = ('supervised/demo_dino_supervised.py', 'unbiased_teacher/demo_dino_unbiased_teacher.py',
             CONFIG)


def test_the_demo_arms_pad_every_batch_alike(batch):
    """A mixed batch is padded to NT x 64 px a side; the demo pads every batch of every arm there,
    so that DINO's GroupNorm and proposals see the same padding and only mixing differs."""
    shapes = []
    for name in DEMO_ARMS:
        init_default_scope('mmdet')
        preprocessor = MODELS.build(Config.fromfile(osp.join(REPO, 'configs', name)).model
                                    .data_preprocessor)
        data = preprocessor(copy.deepcopy(batch), training=True)
        shapes.append({branch: tuple(inputs.shape[-2:])
                       for branch, inputs in data['inputs'].items()})
    assert shapes[-1]['unsup_student'] == (NUM_TILES * 64, ) * 2  # mixed
    assert all(arm == shapes[-1] for arm in shapes), shapes


class _Sample:
    """A data sample's metainfo as MUMDataPreprocessor leaves it on a mixed batch."""

    def __init__(self, metainfo):
        self.metainfo = metainfo
