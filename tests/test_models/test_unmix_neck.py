import pytest
import torch
from mmdet.registry import MODELS

import mum  # noqa: F401
from mum.models.necks import TileUnmixMixin, unmixing_tiles
from mum.ops.tiles import mix_tiles, sample_tile_permutation, tile_exact_size, unmix_tiles

FPN = dict(type='FPN', in_channels=[8, 16, 32, 64], out_channels=8, num_outs=5)


def _backbone_features(batch, height, width):
    return tuple(torch.randn(batch, c, height // s, width // s)
                 for c, s in zip((8, 16, 32, 64), (4, 8, 16, 32)))


def test_keys_and_weights_are_those_of_the_plain_neck():
    plain = MODELS.build(FPN)
    wrapped = MODELS.build(dict(type='UnmixNeck', neck=FPN))
    assert isinstance(wrapped, TileUnmixMixin) and isinstance(wrapped, type(plain))
    assert list(wrapped.state_dict()) == list(plain.state_dict())
    wrapped.load_state_dict(plain.state_dict(), strict=True)
    features = _backbone_features(2, 128, 192)
    for ours, theirs in zip(wrapped(features), plain(features)):
        assert torch.equal(ours, theirs)  # no permutation set: a pass-through


@pytest.mark.parametrize('unmix_at', ['outputs', 'inputs'])
def test_every_level_is_unmixed_with_the_batch_permutation(unmix_at):
    plain = MODELS.build(FPN)
    wrapped = MODELS.build(dict(type='UnmixNeck', neck=FPN, unmix_at=unmix_at))
    wrapped.load_state_dict(plain.state_dict())
    height, width = tile_exact_size(200, 300, 4, 64)
    units = (height // 64, width // 64)
    source = sample_tile_permutation(4, 4, 4, torch.Generator().manual_seed(0))
    features = _backbone_features(4, height, width)
    with unmixing_tiles(wrapped, source, units):
        outputs = wrapped(features)
    if unmix_at == 'outputs':
        expected = [unmix_tiles(level, source, units) for level in plain(features)]
    else:
        expected = plain(tuple(unmix_tiles(level, source, units) for level in features))
    assert len(outputs) == 5
    for ours, theirs in zip(outputs, expected):
        assert torch.equal(ours, theirs)
    assert wrapped.tile_source is None  # disarmed after the block


def test_real_fpn_puts_every_tile_back_at_every_level():
    """Backbone maps constant within each tile: away from tile borders (1 cell, the reach of
    FPN's 3x3 output convs) the unmixed FPN outputs of the mixed batch equal the FPN outputs of
    the original batch at every level, P6 included."""
    plain = MODELS.build(FPN)
    neck = MODELS.build(dict(type='UnmixNeck', neck=FPN))
    neck.load_state_dict(plain.state_dict())
    side = tile_exact_size(1000, 1000, 4, 64)[0]  # 1024: a tile spans 4 cells even at P6
    units = (side // 64, side // 64)
    source = sample_tile_permutation(4, 4, 4, torch.Generator().manual_seed(1))
    tile_values = [torch.randn(4, c, 4, 4) for c in (8, 16, 32, 64)]
    original = [v.repeat_interleave(side // s // 4, 2).repeat_interleave(side // s // 4, 3)
                for v, s in zip(tile_values, (4, 8, 16, 32))]
    mixed = [mix_tiles(level, source, units) for level in original]
    with torch.no_grad(), unmixing_tiles(neck, source, units):
        unmixed_outputs = neck(mixed)
    with torch.no_grad():
        expected_outputs = plain(original)
        still_mixed = neck(mixed)
    for level, (ours, theirs) in enumerate(zip(unmixed_outputs, expected_outputs)):
        cells = ours.shape[-1] // 4
        interior = torch.zeros(cells, dtype=torch.bool)
        interior[1:cells - 1] = True
        mask = interior.repeat(4)
        assert mask.any(), level
        inside = (slice(None), slice(None), mask.nonzero()[:, 0])
        ours_inside = ours[inside][..., mask]
        theirs_inside = theirs[inside][..., mask]
        assert torch.allclose(ours_inside, theirs_inside, atol=1e-5), level
        assert not torch.allclose(ours, still_mixed[level]), level  # it did unmix


def test_mixed_batch_without_unmix_neck_is_an_error():
    with pytest.raises(ValueError, match="wrap its neck config as dict\\(type='UnmixNeck'"):
        with unmixing_tiles(MODELS.build(FPN), torch.zeros(1, 1, 1, dtype=torch.long), (1, 1)):
            pass


def test_unknown_position_is_refused():
    with pytest.raises(ValueError, match="unmix_at must be one of"):
        MODELS.build(dict(type='UnmixNeck', neck=FPN, unmix_at='middle'))
