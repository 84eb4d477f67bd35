"""ImageClassifier with MUM: mixed in the preprocessor, unmixed after a backbone stage (Table 6)."""
import pytest
import torch
from mmdet.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.structures import BaseDataElement

import mum  # noqa: F401
from mum.models.data_preprocessors import TILE_SOURCE_KEY, TILE_UNITS_KEY
from mum.ops.tiles import unmix_tiles

TINY_RESNET = dict(type='ResNet', depth=18, base_channels=8, out_indices=(3, ),
                   norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False, init_cfg=None)


def _classifier(**changes):
    init_default_scope('mmdet')
    cfg = dict(type='ImageClassifier', backbone=TINY_RESNET, num_classes=5, in_channels=64,
               unmix_after='layer1',
               data_preprocessor=dict(type='MUMImgDataPreprocessor', mean=[120.0] * 3,
                                      std=[60.0] * 3, group_size=4, num_tiles=4,
                                      largest_stride=4, seed=0))
    cfg.update(changes)
    return MODELS.build(cfg)


def _batch(num_images=8, size=32):
    generator = torch.Generator().manual_seed(0)
    return dict(
        inputs=[torch.randint(0, 256, (3, size, size), generator=generator, dtype=torch.uint8)
                for _ in range(num_images)],
        data_samples=[BaseDataElement(gt_label=torch.tensor(i % 5)) for i in range(num_images)])


def test_the_stage_output_is_unmixed_before_the_next_stage():
    model = _classifier()
    data = model.data_preprocessor(_batch(), training=True)
    samples = data['data_samples']
    source, units = samples[0].metainfo[TILE_SOURCE_KEY], samples[0].metainfo[TILE_UNITS_KEY]
    assert units == (8, 8)  # 32 px in units of the stride-4 grid
    raw, seen = [], []
    model.backbone.layer1.register_forward_hook(lambda m, args, out: raw.append(out))
    model.backbone.layer2.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    losses = model.loss(data['inputs'], samples)
    assert torch.isfinite(losses['loss_cls'])
    torch.testing.assert_close(seen[0], unmix_tiles(raw[0], source, units))
    assert not torch.equal(seen[0], raw[0])
    model.loss(data['inputs'], [BaseDataElement(gt_label=s.gt_label) for s in samples])
    torch.testing.assert_close(seen[1], raw[1])  # the hook is gone once the loss is computed


def test_prediction_is_not_mixed_and_gives_probabilities():
    model = _classifier().eval()
    data = model.data_preprocessor(_batch(), training=False)
    assert all(TILE_SOURCE_KEY not in s.metainfo for s in data['data_samples'])
    with torch.no_grad():
        samples = model.predict(data['inputs'], data['data_samples'])
    scores = torch.stack([s.pred_score for s in samples])
    assert scores.shape == (8, 5)
    torch.testing.assert_close(scores.sum(dim=1), torch.ones(8))


def test_a_mixed_batch_needs_a_stage_to_unmix_after():
    model = _classifier(unmix_after=None)
    data = model.data_preprocessor(_batch(), training=True)
    with pytest.raises(ValueError, match='unmix_after is None'):
        model.loss(data['inputs'], data['data_samples'])


def test_an_unknown_stage_is_refused_by_name():
    with pytest.raises(ValueError, match="'layer9' is not a submodule of ResNet"):
        _classifier(unmix_after='layer9')
