"""Mixing image tiles and unmixing feature tiles (MUM), as pure tensor functions.

Vocabulary used throughout:

* ``B`` images form groups of ``group_size`` (NG) consecutive images; when ``B`` is not a
  multiple of NG, the last ``B % NG`` images form one smaller group that is mixed among itself
  (a group of one is left as it is).
* The image plane is cut into ``num_tiles`` x ``num_tiles`` (NT x NT) tiles. Tile borders lie on
  a grid of ``units`` = (rows, cols) equal cells; tile ``t`` of NT spans units
  ``[floor(t * U / NT), floor((t + 1) * U / NT))``. With ``U == NT`` every tile is one unit.
  The image is padded so that one unit is a multiple of the largest stride of the network
  (see :func:`tile_exact_size`); then every feature level of stride ``s`` splits into the same
  ``units`` grid with ``unit_px / s`` cells per unit, and tile borders fall exactly on
  feature-cell borders at every level.
* A permutation ``source`` of shape (B, NT, NT), int64: mixed image ``b`` shows, at tile
  ``(i, j)``, tile ``(i, j)`` of input image ``source[b, i, j]``. ``source[:, i, j]`` permutes
  the batch within groups. Unmixing applies :func:`invert_tile_permutation` of it.

Tiles never move spatially, so one permutation serves the image and every feature level.
Mixing and unmixing are one ``torch.gather`` along the batch axis with a stride-0 (broadcast)
index of shape (B, 1, U_rows, 1, U_cols, 1): no Python loop over tiles or images and no index
tensor of the data's size.
"""
import math
from typing import Optional, Tuple

import torch
from torch import Tensor


def tile_exact_size(height: int, width: int, num_tiles: int,
                    unit_px: int) -> Tuple[int, int]:
    """Smallest padded size whose tile grid is exact at every stride dividing ``unit_px``.

    Args:
        height (int): Height of the batch tensor before padding.
        width (int): Width of the batch tensor before padding.
        num_tiles (int): NT, tiles per side.
        unit_px (int): Side of one grid unit in pixels: the largest stride of the network
            (64 for an FPN with a stride-64 P6) or a multiple of it.

    Returns:
        tuple[int, int]: (padded_height, padded_width): multiples of ``unit_px`` and at least
        ``num_tiles * unit_px``, so that every tile holds at least one unit.
    """
    padded = [max(math.ceil(side / unit_px), num_tiles) * unit_px for side in (height, width)]
    return padded[0], padded[1]


def sample_tile_permutation(batch_size: int,
                            group_size: int,
                            num_tiles: int,
                            generator: Optional[torch.Generator] = None,
                            device: Optional[torch.device] = None) -> Tensor:
    """Draws, per group and per tile position, a random permutation of the group's images.

    Args:
        batch_size (int): B, the number of images in the batch.
        group_size (int): NG, images mixed together; the last ``B % NG`` images form a smaller
            group mixed among themselves. NG = 1 gives the identity.
        num_tiles (int): NT, tiles per side. NT = 1 gives the identity.
        generator (torch.Generator, optional): Source of randomness (CPU generator).
        device (torch.device, optional): Device of the returned tensor.

    Returns:
        Tensor: ``source`` of shape (B, NT, NT), int64: mixed image ``b`` takes tile (i, j)
        from input image ``source[b, i, j]``, an image of the same group.
    """
    _check_positive(batch_size=batch_size, group_size=group_size, num_tiles=num_tiles)
    if num_tiles == 1:  # one tile per side would only reorder whole images: mix nothing
        source = torch.arange(batch_size).view(-1, 1, 1)
        return source.to(device) if device is not None else source
    group_of_image = torch.div(torch.arange(batch_size), group_size, rounding_mode='floor')
    noise = torch.rand((batch_size, num_tiles, num_tiles), generator=generator)
    # Group ids are sorted and noise is in [0, 1): sorting id + noise permutes within groups.
    source = torch.argsort(group_of_image.view(-1, 1, 1) + noise, dim=0)
    return source.to(device) if device is not None else source


def invert_tile_permutation(source: Tensor) -> Tensor:
    """Inverse permutation per tile position.

    Args:
        source (Tensor): (B, NT, NT) int64 permutation along dim 0.

    Returns:
        Tensor: (B, NT, NT) int64 ``inverse`` with ``source[inverse[b, i, j], i, j] == b``.
    """
    return torch.argsort(source, dim=0)


def tile_index_of_units(num_units: int, num_tiles: int, device=None) -> Tensor:
    """Tile index of each grid unit along one side.

    Args:
        num_units (int): U, grid units along the side (U >= NT).
        num_tiles (int): NT, tiles along the side.
        device (torch.device, optional): Device of the result.

    Returns:
        Tensor: (U,) int64, non-decreasing, ``floor(u * NT / U)``.
    """
    return torch.div(torch.arange(num_units, device=device) * num_tiles, num_units,
                     rounding_mode='floor')


def permute_tiles(x: Tensor, source: Tensor, units: Tuple[int, int]) -> Tensor:
    """Rearranges tiles across the batch: output image b, tile (i, j) <- ``x[source[b, i, j]]``.

    Mixing is ``permute_tiles(images, source, units)``; unmixing is
    ``permute_tiles(features, invert_tile_permutation(source), units)``.

    Args:
        x (Tensor): (B, C, H, W), any dtype; H and W must be multiples of ``units``.
        source (Tensor): (B, NT, NT) int64 permutation from :func:`sample_tile_permutation`.
        units (tuple[int, int]): (U_rows, U_cols), the tile grid's units, each >= NT.

    Returns:
        Tensor: (B, C, H, W), a new contiguous tensor; ``x`` is not modified.
    """
    batch, channels, height, width = x.shape
    num_tiles = source.shape[-1]
    unit_rows, unit_cols = units
    if source.shape != (batch, num_tiles, num_tiles):
        raise ValueError(f'The tile permutation has shape {tuple(source.shape)} but the tensor '
                         f'holds {batch} images; expected ({batch}, NT, NT).')
    if height % unit_rows or width % unit_cols or unit_rows < num_tiles or unit_cols < num_tiles:
        raise ValueError(
            f'A {height}x{width} map cannot be cut exactly into a {unit_rows}x{unit_cols} unit '
            f'grid of {num_tiles}x{num_tiles} tiles: its size must be a multiple of the unit '
            f'grid (pad the batch with tile_exact_size) and the grid at least NT units per side.')
    rows = tile_index_of_units(unit_rows, num_tiles, source.device)
    cols = tile_index_of_units(unit_cols, num_tiles, source.device)
    source_of_unit = source[:, rows][:, :, cols]  # (B, U_rows, U_cols), tiny
    index = source_of_unit.to(x.device).view(batch, 1, unit_rows, 1, unit_cols, 1).expand(
        batch, channels, unit_rows, height // unit_rows, unit_cols, width // unit_cols)
    grid_view = x.reshape(batch, channels, unit_rows, height // unit_rows, unit_cols,
                          width // unit_cols)
    return torch.gather(grid_view, 0, index).view(batch, channels, height, width)


def mix_tiles(images: Tensor, source: Tensor, units: Tuple[int, int]) -> Tensor:
    """Mixes image tiles within groups (MUM's "Mix"). See :func:`permute_tiles` for shapes."""
    return permute_tiles(images, source, units)


def unmix_tiles(features: Tensor, source: Tensor, units: Tuple[int, int]) -> Tensor:
    """Puts feature tiles of a mixed batch back into their images (MUM's "UnMix").

    Args:
        features (Tensor): (B, C, h, w) feature map of the mixed batch at any stride whose
            size is a multiple of ``units``.
        source (Tensor): (B, NT, NT) permutation that mixed the images.
        units (tuple[int, int]): (U_rows, U_cols) of the mixed images' tile grid.

    Returns:
        Tensor: (B, C, h, w), feature tiles laid out like the unmixed images.
    """
    return permute_tiles(features, invert_tile_permutation(source), units)


def _check_positive(**values: int) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f'{name} must be a positive integer, got {value!r}.')
