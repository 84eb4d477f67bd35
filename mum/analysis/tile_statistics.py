"""How many MUM tiles an object spans (the paper's NO statistic, Appendix B / Table 8).

MUM pads a batch to :func:`mum.ops.tiles.tile_exact_size` and cuts it into NT x NT tiles whose
borders lie on a grid of ``unit_px``-pixel units (:func:`mum.ops.tiles.tile_index_of_units`).
An object whose box crosses a tile border is split between images once the tiles are mixed;
NO is the mean number of tiles an object's box overlaps. The functions here compute the
tile borders in pixels, count the tiles each box overlaps, and average per COCO size bucket,
with the image geometry (resize, flip) read from a dataset pipeline.
"""
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmcv.image import rescale_size

from mum.ops.tiles import tile_exact_size, tile_index_of_units

SIZE_BUCKETS = ('small', 'medium', 'large')
# COCO's area thresholds (small < 32^2 <= medium < 96^2 <= large), here on box areas in pixels.
SIZE_THRESHOLDS = (32**2, 96**2)
ALL_SIZES = 'all'


def tile_pixel_edges(size: int, num_tiles: int, unit_px: int) -> np.ndarray:
    """Pixel borders of the NT tiles along one side of a tile-exact padded batch.

    Args:
        size (int): Padded side length, a multiple of ``unit_px`` of at least NT units
            (a side of :func:`mum.ops.tiles.tile_exact_size`).
        num_tiles (int): NT, tiles along the side.
        unit_px (int): Pixels per grid unit (the preprocessor's ``largest_stride``).

    Returns:
        np.ndarray: (NT + 1,) int64, increasing; tile ``t`` spans ``[edges[t], edges[t + 1])``.
    """
    if size % unit_px or size // unit_px < num_tiles:
        raise ValueError(f'A side of {size} px is not a tile-exact size for NT={num_tiles} and '
                         f'{unit_px}-px units; pad it with tile_exact_size first.')
    num_units = size // unit_px
    tile_of_unit = tile_index_of_units(num_units, num_tiles).numpy()
    first_unit = np.searchsorted(tile_of_unit, np.arange(num_tiles), side='left')
    return np.append(first_unit, num_units).astype(np.int64) * unit_px


@dataclass(frozen=True)
class TileGrid:
    """Tile borders of one padded image; see :func:`tile_grid`.

    Attributes:
        padded_shape (tuple[int, int]): (height, width) after MUM's tile-exact padding.
        row_edges (np.ndarray): (NT + 1,) pixel borders of the tile rows.
        col_edges (np.ndarray): (NT + 1,) pixel borders of the tile columns.
    """
    padded_shape: Tuple[int, int]
    row_edges: np.ndarray
    col_edges: np.ndarray


def tile_grid(height: int, width: int, num_tiles: int, unit_px: int) -> TileGrid:
    """The tile grid MUM lays on an image (or batch) of ``height`` x ``width`` pixels.

    Args:
        height (int): Height before MUM's padding (the batch's padded height).
        width (int): Width before MUM's padding.
        num_tiles (int): NT, tiles per side.
        unit_px (int): Pixels per grid unit (the preprocessor's ``largest_stride``).

    Returns:
        TileGrid: The padded shape and the tile borders in pixels.
    """
    padded_h, padded_w = tile_exact_size(height, width, num_tiles, unit_px)
    return TileGrid((padded_h, padded_w), tile_pixel_edges(padded_h, num_tiles, unit_px),
                    tile_pixel_edges(padded_w, num_tiles, unit_px))


def tiles_spanned(boxes: np.ndarray, grid: TileGrid) -> np.ndarray:
    """Number of tiles each box overlaps (a border touched but not crossed does not count).

    Args:
        boxes (np.ndarray): (N, 4) boxes (x1, y1, x2, y2) in pixels of the unpadded image.
        grid (TileGrid): The image's tile grid.

    Returns:
        np.ndarray: (N,) int64, at least 1.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)

    def spanned(edges, low, high):
        inner = edges[1:-1]
        first = np.searchsorted(inner, low, side='right')  # inner borders at or left of low
        last = np.searchsorted(inner, high, side='left')  # inner borders strictly left of high
        return np.maximum(last - first + 1, 1)

    return (spanned(grid.col_edges, boxes[:, 0], boxes[:, 2]) *
            spanned(grid.row_edges, boxes[:, 1], boxes[:, 3])).astype(np.int64)


def size_buckets(areas: np.ndarray) -> np.ndarray:
    """COCO size bucket of each area: 0 small (< 32^2), 1 medium (< 96^2), 2 large.

    Args:
        areas (np.ndarray): (N,) box areas in pixels.

    Returns:
        np.ndarray: (N,) int64 indices into :data:`SIZE_BUCKETS`.
    """
    return np.searchsorted(np.asarray(SIZE_THRESHOLDS), np.asarray(areas), side='right')


@dataclass(frozen=True)
class ImageView:
    """One geometric variant of an image: resized by ``scale`` (x, y), maybe flipped.

    Attributes:
        scale (tuple[float, float]): Horizontal and vertical resize factors.
        shape (tuple[int, int]): (height, width) after resizing.
        flip (bool): Horizontal flip.
        weight (float): Probability of this view.
    """
    scale: Tuple[float, float]
    shape: Tuple[int, int]
    flip: bool
    weight: float


@dataclass(frozen=True)
class PipelineGeometry:
    """The resize and horizontal-flip settings of a pipeline, as probabilities.

    Attributes:
        resizes (list): ``(scale, keep_ratio, probability)`` per possible resize target;
            ``scale`` is mmcv's (w, h) tuple, a float factor, or None for no resize.
        flip_prob (float): Probability of a horizontal flip.
        description (str): What was read from the pipeline, for reports.
    """
    resizes: List[Tuple[object, bool, float]]
    flip_prob: float
    description: str

    def views(self, height: int, width: int) -> List[ImageView]:
        """Every (resize, flip) variant of an image of ``height`` x ``width``, with weights.

        Args:
            height (int): Original image height.
            width (int): Original image width.

        Returns:
            list[ImageView]: Views whose weights sum to 1.
        """
        views = []
        flips = [(False, 1.0 - self.flip_prob), (True, self.flip_prob)]
        for scale, keep_ratio, prob in self.resizes:
            new_w, new_h = _resized_size(width, height, scale, keep_ratio)
            for flip, flip_weight in flips:
                if flip_weight > 0:
                    views.append(ImageView((new_w / width, new_h / height), (new_h, new_w), flip,
                                           prob * flip_weight))
        return views


def _resized_size(width: int, height: int, scale, keep_ratio: bool) -> Tuple[int, int]:
    """(w, h) after mmcv/mmdet's Resize with ``scale`` and ``keep_ratio``."""
    if scale is None:
        return width, height
    if isinstance(scale, (int, float)):
        return int(width * float(scale) + 0.5), int(height * float(scale) + 0.5)
    if keep_ratio:
        return rescale_size((width, height), tuple(scale))
    return int(scale[0]), int(scale[1])


def pipeline_geometry(transforms: Sequence, num_range_samples: int = 5) -> PipelineGeometry:
    """Reads the resize and horizontal flip of a built pipeline (its top-level transforms).

    Understood: mmcv/mmdet ``Resize`` (``scale`` or ``scale_factor``), ``RandomChoiceResize``
    (each scale equally likely), ``RandomResize`` (``num_range_samples`` evenly spaced scales or
    ratios over its range) and ``RandomFlip`` (its horizontal probability). Crops and other
    geometric transforms are ignored; a second resize is ignored with a note in the description.

    Args:
        transforms (Sequence): Built transforms, e.g. ``dataset.pipeline.transforms``.
        num_range_samples (int): Scales sampled over a RandomResize range. Defaults to 5.

    Returns:
        PipelineGeometry: Resize targets with probabilities and the flip probability.
    """
    from mmcv.transforms import RandomChoiceResize, RandomFlip, RandomResize, Resize

    resizes: Optional[List[Tuple[object, bool, float]]] = None
    flip_prob = 0.0
    notes = []
    for transform in transforms:
        found = None
        if isinstance(transform, RandomChoiceResize):
            keep_ratio = transform.resize_cfg.get('keep_ratio', False)
            found = [(tuple(s) if isinstance(s, (list, tuple)) else (s, s), keep_ratio,
                      1.0 / len(transform.scales)) for s in transform.scales]
            notes.append(f'RandomChoiceResize over {len(found)} scales '
                         f'{[tuple(s) for s in transform.scales]}, keep_ratio={keep_ratio}')
        elif isinstance(transform, RandomResize):
            keep_ratio = transform.resize_cfg.get('keep_ratio', False)
            found = [(s, keep_ratio, 1.0 / num_range_samples)
                     for s in _random_resize_scales(transform, num_range_samples)]
            notes.append(f'RandomResize {transform.scale} ratio_range={transform.ratio_range} '
                         f'sampled at {num_range_samples} scales, keep_ratio={keep_ratio}')
        elif isinstance(transform, Resize):
            scale = transform.scale if transform.scale is not None else (
                transform.scale_factor[0] if transform.scale_factor[0] == transform.scale_factor[1]
                else None)
            if scale is None:
                raise ValueError('A Resize with different x and y scale factors is not '
                                 'supported by the tile statistics.')
            found = [(scale, transform.keep_ratio, 1.0)]
            notes.append(f'Resize scale={scale}, keep_ratio={transform.keep_ratio}')
        elif isinstance(transform, RandomFlip):
            flip_prob = _horizontal_flip_prob(transform)
            notes.append(f'RandomFlip horizontal p={flip_prob:g}')
        if found is not None:
            if resizes is None:
                resizes = found
            else:
                notes.append('(this later resize is ignored)')
    if resizes is None:
        resizes = [(None, True, 1.0)]
        notes.append('no resize: original image sizes')
    return PipelineGeometry(resizes, flip_prob, '; '.join(notes))


def _random_resize_scales(transform, num_samples: int) -> list:
    """Evenly spaced scales over a RandomResize's range (mirrors its sampling rule)."""
    scale, ratio_range = transform.scale, transform.ratio_range
    if ratio_range is not None:
        base = scale if isinstance(scale, (int, float)) else tuple(scale)
        ratios = np.linspace(ratio_range[0], ratio_range[1], num_samples)
        if isinstance(base, (int, float)):
            return [float(base * r) for r in ratios]
        return [(int(base[0] * r), int(base[1] * r)) for r in ratios]
    low, high = (tuple(s) for s in scale)
    long_edges = np.linspace(min(max(low), max(high)), max(max(low), max(high)), num_samples)
    short_edges = np.linspace(min(min(low), min(high)), max(min(low), min(high)), num_samples)
    return [(int(lg), int(sh)) for lg, sh in zip(long_edges, short_edges)]


def _horizontal_flip_prob(transform) -> float:
    """Probability that a RandomFlip flips horizontally."""
    probs = transform.prob if isinstance(transform.prob, list) else [transform.prob]
    directions = transform.direction if isinstance(transform.direction, list) else [
        transform.direction] * len(probs)
    if len(probs) == 1 and len(directions) > 1:  # one probability shared by the directions
        probs = [probs[0] / len(directions)] * len(directions)
    return float(sum(p for p, d in zip(probs, directions) if d == 'horizontal'))


class TileSpanStatistics:
    """Accumulates the weighted mean number of tiles spanned, per NT and size bucket.

    Args:
        num_tiles (Sequence[int]): The NT values to evaluate.
        unit_px (int): Pixels per grid unit (the preprocessor's ``largest_stride``).
    """

    def __init__(self, num_tiles: Sequence[int], unit_px: int) -> None:
        if not num_tiles or any(int(nt) != nt or nt < 1 for nt in num_tiles):
            raise ValueError(f'num_tiles must be positive integers, got {list(num_tiles)}.')
        if unit_px < 1:
            raise ValueError(f'unit_px must be a positive integer, got {unit_px}.')
        self.num_tiles = [int(nt) for nt in num_tiles]
        self.unit_px = int(unit_px)
        self._sum = defaultdict(float)  # (nt, bucket) -> sum of weight * tiles
        self._weight = defaultdict(float)  # (nt, bucket) -> sum of weights
        self.num_objects = 0

    def add_image(self, boxes: np.ndarray, height: int, width: int,
                  views: Sequence[ImageView]) -> None:
        """Adds one image's boxes under each of its views.

        Args:
            boxes (np.ndarray): (N, 4) boxes (x1, y1, x2, y2) in original image pixels.
            height (int): Original image height.
            width (int): Original image width.
            views (Sequence[ImageView]): From :meth:`PipelineGeometry.views`.
        """
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        if not len(boxes):
            return
        self.num_objects += len(boxes)
        for view in views:
            scaled = boxes * np.array(view.scale * 2)
            new_h, new_w = view.shape
            if view.flip:
                scaled = np.stack([new_w - scaled[:, 2], scaled[:, 1], new_w - scaled[:, 0],
                                   scaled[:, 3]], axis=1)
            areas = (scaled[:, 2] - scaled[:, 0]) * (scaled[:, 3] - scaled[:, 1])
            buckets = size_buckets(areas)
            for nt in self.num_tiles:
                counts = tiles_spanned(scaled, tile_grid(new_h, new_w, nt, self.unit_px))
                for bucket, name in enumerate(SIZE_BUCKETS):
                    selected = buckets == bucket
                    self._sum[nt, name] += view.weight * float(counts[selected].sum())
                    self._weight[nt, name] += view.weight * int(selected.sum())
                self._sum[nt, ALL_SIZES] += view.weight * float(counts.sum())
                self._weight[nt, ALL_SIZES] += view.weight * len(counts)

    def table(self) -> Dict[int, Dict[str, Tuple[float, float]]]:
        """NO per NT and bucket.

        Returns:
            dict: ``{nt: {bucket: (mean tiles spanned or nan, expected object count)}}`` for the
            buckets of :data:`SIZE_BUCKETS` and ``'all'``; the count is the weighted number of
            objects falling into the bucket (fractional when resizing moves objects across).
        """
        result = {}
        for nt in self.num_tiles:
            result[nt] = {}
            for name in (*SIZE_BUCKETS, ALL_SIZES):
                weight = self._weight[nt, name]
                mean = self._sum[nt, name] / weight if weight > 0 else math.nan
                result[nt][name] = (mean, weight)
        return result


def suggest_num_tiles(overall_no: Dict[int, float], low: float = 1.2,
                      high: float = 2.5) -> Tuple[Optional[int], List[int]]:
    """The NT whose overall NO lies in ``[low, high]``, closest to the interval's middle.

    Args:
        overall_no (dict[int, float]): NO over all objects, per NT.
        low (float): Lower end of the wanted NO. Defaults to 1.2.
        high (float): Upper end of the wanted NO. Defaults to 2.5.

    Returns:
        tuple: (suggested NT or None when none falls in the interval, every NT in it).
    """
    inside = [nt for nt, no in sorted(overall_no.items()) if low <= no <= high]
    if not inside:
        return None, []
    middle = (low + high) / 2
    return min(inside, key=lambda nt: (abs(overall_no[nt] - middle), nt)), inside
