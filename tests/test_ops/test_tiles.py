"""Exactness and invariants of the tile mixing functions (mum/ops/tiles.py)."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mum.ops.tiles import (invert_tile_permutation, mix_tiles, sample_tile_permutation,
                           tile_exact_size, tile_index_of_units, unmix_tiles)

STRIDES = (4, 8, 16, 32)  # FPN P2..P5; P6 is a stride-2 subsample of P5 (stride 64)


def _units(height, width, unit_px):
    return height // unit_px, width // unit_px


@settings(max_examples=60, deadline=None)
@given(batch=st.integers(1, 9), group=st.integers(1, 5), tiles=st.integers(1, 5),
       height=st.integers(1, 40), width=st.integers(1, 40), channels=st.integers(1, 3),
       dtype=st.sampled_from([torch.float32, torch.float16, torch.bfloat16]),
       seed=st.integers(0, 2**31 - 1))
def test_unmix_of_mix_is_identity(batch, group, tiles, height, width, channels, dtype, seed):
    unit_px = 4
    padded_h, padded_w = tile_exact_size(height, width, tiles, unit_px)
    x = torch.randn(batch, channels, padded_h, padded_w).to(dtype)
    source = sample_tile_permutation(batch, group, tiles, torch.Generator().manual_seed(seed))
    units = _units(padded_h, padded_w, unit_px)
    mixed = mix_tiles(x, source, units)
    assert mixed.dtype == dtype and mixed.shape == x.shape
    assert torch.equal(unmix_tiles(mixed, source, units), x)


@settings(max_examples=40, deadline=None)
@given(batch=st.integers(1, 10), group=st.integers(1, 6), tiles=st.integers(1, 6),
       seed=st.integers(0, 2**31 - 1))
def test_permutation_stays_within_groups(batch, group, tiles, seed):
    source = sample_tile_permutation(batch, group, tiles, torch.Generator().manual_seed(seed))
    assert source.shape == (batch, tiles, tiles) and source.dtype == torch.int64
    group_of = torch.arange(batch) // group
    # every tile position holds a permutation of the batch ...
    assert torch.equal(source.sort(dim=0).values,
                       torch.arange(batch).view(-1, 1, 1).expand_as(source))
    # ... that never crosses a group; the last B % NG images form their own smaller group
    assert torch.equal(group_of[source], group_of.view(-1, 1, 1).expand_as(source))
    inverse = invert_tile_permutation(source)
    assert torch.equal(torch.gather(source, 0, inverse),
                       torch.arange(batch).view(-1, 1, 1).expand_as(source))


def test_one_image_groups_and_one_tile_are_identity():
    x = torch.randn(6, 2, 64, 64)
    for group, tiles in ((1, 4), (4, 1)):
        source = sample_tile_permutation(6, group, tiles, torch.Generator().manual_seed(0))
        assert torch.equal(mix_tiles(x, source, (tiles, tiles)), x)


def test_remainder_group_of_one_is_left_alone():
    x = torch.randn(5, 1, 32, 32)
    source = sample_tile_permutation(5, 4, 4, torch.Generator().manual_seed(3))
    mixed = mix_tiles(x, source, (4, 4))
    assert torch.equal(mixed[4], x[4])  # image 4 forms a group of one
    assert not torch.equal(mixed[:4], x[:4])


def test_mixed_tile_comes_from_the_drawn_image():
    x = torch.arange(4).float().view(4, 1, 1, 1).expand(4, 1, 24, 36).contiguous()
    source = sample_tile_permutation(4, 4, 3, torch.Generator().manual_seed(1))
    mixed = mix_tiles(x, source, (3, 3))
    for b in range(4):
        for i in range(3):
            for j in range(3):
                tile = mixed[b, 0, 8 * i:8 * (i + 1), 12 * j:12 * (j + 1)]
                assert torch.all(tile == source[b, i, j])


def test_uneven_unit_grid_splits_tiles_on_unit_borders():
    assert tile_index_of_units(13, 4).tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert tile_exact_size(800, 1333, 4, 64) == (832, 1344)
    assert tile_exact_size(100, 90, 4, 64) == (256, 256)  # at least NT units per side


def _per_pixel_pyramid(images, weight):
    """A 1x1 conv then stride-aligned average pooling to every FPN stride, plus P6."""
    pixels = F.conv2d(images, weight)
    levels = [F.avg_pool2d(pixels, stride, stride) for stride in STRIDES]
    return levels + [F.max_pool2d(levels[-1], 1, stride=2)]


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 6), group=st.integers(1, 4), tiles=st.sampled_from([1, 2, 3, 4]),
       height=st.integers(16, 300), width=st.integers(16, 300), seed=st.integers(0, 2**31 - 1))
def test_unmixed_features_equal_original_features_bit_exactly(batch, group, tiles, height, width,
                                                              seed):
    """Tile borders fall on feature-cell borders at every level up to stride 64."""
    generator = torch.Generator().manual_seed(seed)
    padded_h, padded_w = tile_exact_size(height, width, tiles, 64)
    images = torch.randn(batch, 3, padded_h, padded_w, generator=generator)
    weight = torch.randn(5, 3, 1, 1, generator=generator)
    units = _units(padded_h, padded_w, 64)
    source = sample_tile_permutation(batch, group, tiles, generator)
    from_mixed = _per_pixel_pyramid(mix_tiles(images, source, units), weight)
    from_original = _per_pixel_pyramid(images, weight)
    for level, (mixed_level, original_level) in enumerate(zip(from_mixed, from_original)):
        assert torch.equal(unmix_tiles(mixed_level, source, units), original_level), level


def test_size_not_divisible_is_one_clear_error():
    source = sample_tile_permutation(2, 2, 4)
    with pytest.raises(ValueError, match='A 30x64 map cannot be cut exactly into a 4x4 unit'):
        unmix_tiles(torch.zeros(2, 1, 30, 64), source, (4, 4))
    with pytest.raises(ValueError, match=r'shape \(2, 4, 4\) but the tensor holds 3 images'):
        mix_tiles(torch.zeros(3, 1, 32, 32), source, (4, 4))
    with pytest.raises(ValueError, match='group_size must be a positive integer, got 0'):
        sample_tile_permutation(4, 0, 4)


def test_same_generator_seed_same_permutation():
    first = sample_tile_permutation(8, 4, 4, torch.Generator().manual_seed(7))
    second = sample_tile_permutation(8, 4, 4, torch.Generator().manual_seed(7))
    third = sample_tile_permutation(8, 4, 4, torch.Generator().manual_seed(8))
    assert torch.equal(first, second) and not torch.equal(first, third)
