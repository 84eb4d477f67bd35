"""Every MUM config's largest_stride fits its own neck and heads, as written (not shrunk).

tests/test_configs/test_all_configs.py trains each config on a shrunk model whose strides it
sets itself; here the unshrunk model config is read: the neck's output strides (derived from the
backbone's stage strides and the FPN's or ChannelMapper's levels, without building the
full-size network) and the
heads' prior strides must all divide MUM's ``largest_stride``, with the check that
SemiConfigCheckHook runs before training (``check_tile_grid``).
"""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from mum.engine.hooks.semi_config_check_hook import check_tile_grid

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# stride of backbone stage i (out_indices) of the backbones the configs use
STAGE_STRIDES = {'ResNet': (4, 8, 16, 32), 'ResNetV1d': (4, 8, 16, 32),
                 'SwinTransformer': (4, 8, 16, 32), 'EfficientNetLite0': (4, 8, 16, 32)}


def _mum_detector_configs():
    """(relative path, model config) of every config with a MUM preprocessor and a neck."""
    found = []
    for path in sorted(glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)):
        relative = osp.relpath(path, REPO)
        if '_base_' in relative.split(osp.sep):
            continue
        model = Config.fromfile(path).model
        detector = model.get('detector', model)
        if _largest_stride(model) is not None and 'neck' in detector:
            found.append(pytest.param(model, id=relative))
    return found


def _largest_stride(model):
    for preprocessor in (model.get('data_preprocessor') or {},
                         model.get('detector', {}).get('data_preprocessor') or {}):
        if 'largest_stride' in preprocessor:
            return preprocessor.largest_stride
    return None


def neck_strides(detector) -> list:
    """(name, stride) of each output level of the detector's FPN or ChannelMapper (DETRs), from
    its config: the backbone levels it takes, then one stride-2 level per extra output."""
    neck = detector.neck.neck if detector.neck.type == 'UnmixNeck' else detector.neck
    assert neck.type in ('FPN', 'ChannelMapper'), \
        f'derive the output strides of a {neck.type} neck here'
    assert detector.backbone.type in STAGE_STRIDES, detector.backbone.type
    out_indices = detector.backbone.get('out_indices', (0, 1, 2, 3))
    inputs = [STAGE_STRIDES[detector.backbone.type][i] for i in out_indices]
    start, end = neck.get('start_level', 0), neck.get('end_level', -1)
    used = inputs[start:] if end == -1 else inputs[start:end]
    num_outs = neck.get('num_outs') or len(used)
    strides = used + [used[-1] * 2**k for k in range(1, num_outs - len(used) + 1)]
    return [(f'neck output {level}', stride) for level, stride in enumerate(strides)]


def head_strides(detector) -> list:
    """(name, stride) of the heads' prior generators and RoI extractors, from the config."""
    found = []
    for name in ('rpn_head', 'bbox_head'):
        head = detector.get(name) or {}
        generator = head.get('anchor_generator') or head.get('prior_generator') or {}
        found += [(f'{name}.anchor_generator', s) for s in generator.get('strides', [])]
        found += [(f'{name}.strides', s) for s in head.get('strides', [])]  # FCOS
    extractor = (detector.get('roi_head') or {}).get('bbox_roi_extractor') or {}
    found += [('roi_head.bbox_roi_extractor', s) for s in extractor.get('featmap_strides', [])]
    return found


MUM_CONFIGS = _mum_detector_configs()


def test_the_mum_configs_are_found():
    ids = {param.id for param in MUM_CONFIGS}
    assert osp.join('configs', 'mum', 'retinanet_r50_fpn_coco-standard_1pct_fold1.py') in ids
    assert osp.join('configs', 'mum', 'coco-standard_r50_1pct_fold1.py') in ids
    assert osp.join('configs', 'mum', 'dino-4scale_r50_coco-standard_1pct_fold1.py') in ids


def test_dino_s_channel_mapper_ends_at_stride_64():
    dino = next(p.values[0] for p in MUM_CONFIGS if p.id.endswith('demo_dino_mum.py'))
    assert [s for _, s in neck_strides(dino.detector)] == [8, 16, 32, 64]


@pytest.mark.parametrize('model', MUM_CONFIGS)
def test_largest_stride_fits_the_neck_and_heads(model):
    detector = model.get('detector', model)
    necks, heads = neck_strides(detector), head_strides(detector)
    # a DETR's head has no stride: its levels are the neck's alone
    assert heads or 'encoder' in detector, 'no head stride found in the config'
    # the heads read the neck's levels: same strides, in order
    prior = [s for name, s in heads if not name.startswith('roi_head')]
    assert prior == [s for _, s in necks][:len(prior)]
    check_tile_grid(_largest_stride(model), necks + heads)


def test_a_too_small_largest_stride_is_caught():
    retinanet = next(p.values[0] for p in MUM_CONFIGS if 'retinanet' in p.id)
    detector = retinanet.get('detector', retinanet)
    with pytest.raises(ValueError, match='largest_stride=64 is not a multiple of stride 128'):
        check_tile_grid(64, neck_strides(detector) + head_strides(detector))
