"""Deterministic generator of a small multi-class shapes detection dataset in COCO format.

The dataset backs the README demo, a semi-supervised detector trained on a CPU for a few minutes
(docs/demo.md says why it looks like this). Every image shows 2-6 saturated objects of eight
shape classes (circle, square, triangle, ring, cross, star, crescent, arrow) of small, medium
and large size on a desaturated background made of a smooth gradient, low-contrast noise and
distractor lines and soft blobs. Most objects take their class's hue (a quick cue to learn);
a quarter take any hue, so that only their shape tells their class, and a few labeled images
hold few of them. Later objects may partly cover earlier ones; each box
is the extent of the object's visible pixels, and an object keeps its box only while enough of
it stays visible. Each annotation records how its object was drawn in ``attributes`` (``size``:
small / medium / large, ``hue``: class / any, ``covered``: no / partly), so that analyses can
split results by kind of object (tools/analysis_tools/recall_by_kind.py).

Layout under ``out_dir``::

    images/{labeled,unlabeled,val}/<image id>.jpg
    annotations/{labeled,unlabeled,val}.json   (COCO; unlabeled.json keeps its ground truth)
    manifest.json                              (generator version, parameters, files written)

The same parameters give byte-identical files: each image draws from its own numpy Generator
seeded with ``(seed, split index, image index)``, so an image also stays the same when the size
of another split changes.

This module only needs numpy and OpenCV, so tools can call it before torch or mmdet load.
"""
import dataclasses
import glob
import json
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np

DEMO_CLASSES = ('circle', 'square', 'triangle', 'ring', 'cross', 'star', 'crescent', 'arrow')
DEMO_SPLITS = ('labeled', 'unlabeled', 'val')
# Bump whenever the drawing, the parameters or their defaults change, so that existing copies are
# generated again (5: cover_labeled on by default).
GENERATOR_VERSION = 5
MANIFEST_NAME = 'manifest.json'

# Object sizes in pixels on a canvas whose long side is _REFERENCE_SIDE; scaled with image_size.
_REFERENCE_SIDE = 256
_SIZE_RANGES = ((12, 24), (28, 56), (72, 120))
_SIZE_NAMES = ('small', 'medium', 'large')
_SIZE_PROBABILITIES = (0.35, 0.4, 0.25)
# Short side over long side for the landscape and portrait canvases.
_SHORT_SIDE_RATIO = 0.75
_MAX_DISTRACTORS = 6
# Class-typical hue on OpenCV's 0-179 scale (red, orange, yellow, green, cyan, blue, violet,
# magenta), its jitter, and the share of objects painted in any hue instead.
_CLASS_HUES = (0, 16, 30, 60, 90, 115, 135, 158)
_HUE_JITTER = 5
_ANY_HUE_FRACTION = 0.25
_PLACEMENT_ATTEMPTS = 20
# Sub-pixel bits for cv2.fillPoly, so small shapes keep their outline.
_POLY_SHIFT = 4


@dataclasses.dataclass(frozen=True)
class DemoDatasetSpec:
    """Parameters of the demo dataset; the manifest records them.

    Attributes:
        seed: Seed of every random draw.
        num_labeled: Images in the labeled training split.
        num_unlabeled: Images in the unlabeled training split.
        num_val: Images in the validation split.
        image_size: Long side of each canvas in pixels; a third of the images are square, a
            third landscape and a third portrait (short side 3/4 of the long side). Object sizes
            scale with it.
        min_objects: Fewest objects drawn into one image.
        max_objects: Most objects drawn into one image.
        min_visible_fraction: An object keeps its box only if at least this fraction of its
            pixels stays uncovered by later objects.
        jpeg_quality: OpenCV JPEG quality of the written images.
        cover_labeled: If set, the labeled images' objects take their (class, size) pair in
            turn from a shuffled cycle of all 24 pairs instead of at random, so that the labeled
            split shows every class at every size once it holds 24 kept objects (a pair whose
            object failed to be placed or ended covered is handed out first in the next image,
            and again in its turn). Each size then gets a third of the labeled objects instead
            of 35 / 40 / 25 % (small / medium / large), and a labeled image depends on the
            labeled images before it. The unlabeled and validation images stay the same. On
            by default (the README demo's split since generator version 5, docs/demo.md says
            why); off, the labeled objects' pairs are drawn at random like all others.
    """

    seed: int = 0
    num_labeled: int = 16
    num_unlabeled: int = 480
    num_val: int = 120
    image_size: int = 256
    min_objects: int = 2
    max_objects: int = 6
    min_visible_fraction: float = 0.4
    jpeg_quality: int = 90
    cover_labeled: bool = True

    def __post_init__(self):
        if min(self.num_labeled, self.num_unlabeled, self.num_val) < 0:
            raise ValueError('split sizes must not be negative')
        if self.image_size < 64:
            raise ValueError(f'image_size must be at least 64, got {self.image_size}')
        if not 1 <= self.min_objects <= self.max_objects:
            raise ValueError('need 1 <= min_objects <= max_objects, got '
                             f'{self.min_objects} and {self.max_objects}')
        if not 0.0 < self.min_visible_fraction <= 1.0:
            raise ValueError('min_visible_fraction must lie in (0, 1], got '
                             f'{self.min_visible_fraction}')
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f'jpeg_quality must lie in [1, 100], got {self.jpeg_quality}')

    def split_sizes(self) -> Dict[str, int]:
        """Returns the number of images of each split, keyed by split name."""
        return dict(labeled=self.num_labeled, unlabeled=self.num_unlabeled, val=self.num_val)


def demo_dataset_paths(out_dir: str) -> Dict[str, str]:
    """Returns the absolute paths of the dataset's parts under ``out_dir``.

    Args:
        out_dir: Root folder of the dataset.

    Returns:
        A dict with ``root``, ``manifest`` and, for each split ``s`` in :data:`DEMO_SPLITS`,
        ``{s}_ann_file`` (COCO json) and ``{s}_img_dir`` (image folder).
    """
    root = osp.abspath(out_dir)
    paths = dict(root=root, manifest=osp.join(root, MANIFEST_NAME))
    for split in DEMO_SPLITS:
        paths[f'{split}_ann_file'] = osp.join(root, 'annotations', f'{split}.json')
        paths[f'{split}_img_dir'] = osp.join(root, 'images', split)
    return paths


def generate_demo_dataset(out_dir: str,
                          on_image_written: Optional[Callable[[str], None]] = None,
                          **spec_kwargs) -> Dict[str, str]:
    """Writes the demo dataset into ``out_dir``, replacing a previous copy.

    Only files this generator owns are touched: the images in ``images/<split>/``, the
    annotation files and the manifest. The manifest is removed first and written last, so an
    interrupted run leaves a folder that :func:`ensure_demo_dataset` regenerates.

    Args:
        out_dir: Root folder of the dataset; created if missing.
        on_image_written: Called with the path of every image once it is written (e.g. to
            advance a progress bar).
        **spec_kwargs: Fields of :class:`DemoDatasetSpec` (``seed``, ``num_labeled``,
            ``num_unlabeled``, ``num_val``, ``image_size``, ...); missing ones take its defaults.

    Returns:
        The paths of :func:`demo_dataset_paths`.
    """
    spec = DemoDatasetSpec(**spec_kwargs)
    paths = demo_dataset_paths(out_dir)
    if osp.exists(paths['manifest']):
        os.remove(paths['manifest'])
    os.makedirs(osp.dirname(paths['labeled_ann_file']), exist_ok=True)

    categories = [dict(id=label + 1, name=name) for label, name in enumerate(DEMO_CLASSES)]
    written_files = []
    next_image_id = 1
    next_annotation_id = 1
    for split_index, (split, num_images) in enumerate(spec.split_sizes().items()):
        img_dir = paths[f'{split}_img_dir']
        os.makedirs(img_dir, exist_ok=True)
        images, annotations = [], []
        kinds = _KindCycle(spec.seed) if split == 'labeled' and spec.cover_labeled else None
        for image_index in range(num_images):
            rng = np.random.default_rng([spec.seed, split_index, image_index])
            image, boxes = _render_image(rng, spec, kinds)
            file_name = f'{next_image_id:06d}.jpg'
            image_path = osp.join(img_dir, file_name)
            if not cv2.imwrite(image_path, image, [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality]):
                raise OSError(f'could not write {image_path}')
            height, width = image.shape[:2]
            images.append(dict(id=next_image_id, file_name=file_name, width=width, height=height))
            for label, bbox, visible_area, attributes in boxes:
                annotations.append(
                    dict(id=next_annotation_id, image_id=next_image_id, category_id=label + 1,
                         bbox=bbox, area=visible_area, iscrowd=0, attributes=attributes))
                next_annotation_id += 1
            written_files.append(osp.relpath(image_path, paths['root']))
            next_image_id += 1
            if on_image_written is not None:
                on_image_written(image_path)
        _remove_stale_images(img_dir, {image['file_name'] for image in images})
        coco = dict(
            info=dict(description=f'MUM demo shapes dataset, {split} split',
                      version=str(GENERATOR_VERSION)),
            licenses=[], images=images, annotations=annotations, categories=categories)
        _write_json(paths[f'{split}_ann_file'], coco)
        written_files.append(osp.relpath(paths[f'{split}_ann_file'], paths['root']))

    manifest = dict(generator_version=GENERATOR_VERSION, parameters=dataclasses.asdict(spec),
                    files=written_files)
    _write_json(paths['manifest'], manifest)
    return paths


def ensure_demo_dataset(out_dir: str,
                        on_image_written: Optional[Callable[[str], None]] = None,
                        **spec_kwargs) -> Dict[str, str]:
    """Generates the demo dataset unless ``out_dir`` already holds a complete, matching copy.

    A copy matches when its manifest names the current generator version and the same
    parameters, and every file the manifest lists exists. Otherwise the dataset is generated
    again with :func:`generate_demo_dataset`.

    Args:
        out_dir: Root folder of the dataset.
        on_image_written: Passed on to :func:`generate_demo_dataset` when generating.
        **spec_kwargs: Fields of :class:`DemoDatasetSpec`; missing ones take its defaults.

    Returns:
        The paths of :func:`demo_dataset_paths`.
    """
    spec = DemoDatasetSpec(**spec_kwargs)
    paths = demo_dataset_paths(out_dir)
    if _manifest_matches(paths, spec):
        return paths
    return generate_demo_dataset(
        out_dir, on_image_written=on_image_written, **dataclasses.asdict(spec))


def read_complete_manifest(out_dir: str) -> Optional[dict]:
    """The manifest of a complete copy in ``out_dir`` made by this generator version, else None.

    Args:
        out_dir: Root folder of the dataset.

    Returns:
        The manifest (``generator_version``, ``parameters``, ``files``) when it names the current
        generator version and every file it lists exists; otherwise None.
    """
    paths = demo_dataset_paths(out_dir)
    try:
        with open(paths['manifest'], encoding='utf-8') as manifest_file:
            manifest = json.load(manifest_file)
    except (OSError, ValueError):
        return None
    if manifest.get('generator_version') != GENERATOR_VERSION:
        return None
    files = manifest.get('files', [])
    if not all(osp.isfile(osp.join(paths['root'], name)) for name in files):
        return None
    return manifest


def _manifest_matches(paths: Dict[str, str], spec: DemoDatasetSpec) -> bool:
    """Whether the manifest under ``paths['root']`` describes a complete copy of ``spec``."""
    manifest = read_complete_manifest(paths['root'])
    if manifest is None:
        return False
    return manifest.get('parameters') == dataclasses.asdict(spec)


def _write_json(path: str, content: dict) -> None:
    """Writes ``content`` with sorted keys and fixed separators: equal content, equal bytes."""
    with open(path, 'w', encoding='utf-8') as json_file:
        json.dump(content, json_file, sort_keys=True, separators=(',', ':'))
        json_file.write('\n')


def _remove_stale_images(img_dir: str, kept_file_names: set) -> None:
    """Deletes JPEG images in ``img_dir`` left over from an earlier, different generation."""
    for path in glob.glob(osp.join(img_dir, '*.jpg')):
        if osp.basename(path) not in kept_file_names:
            os.remove(path)


class _KindCycle:
    """The (label, size index) pairs that cover_labeled hands out in turn, retrying lost ones.

    The 24 pairs are shuffled once (from ``seed``), so that neither a class nor a size keeps to
    particular images, and repeated in that order; a pair whose object was not kept is handed
    out again before the cycle goes on.
    """

    def __init__(self, seed: int):
        pairs = [(label, size_index) for label in range(len(DEMO_CLASSES))
                 for size_index in range(len(_SIZE_NAMES))]
        # numpy pads seeds with zeros: [seed, 3] is the stream of image 0 of a fourth split,
        # which does not exist
        order = np.random.default_rng([seed, len(DEMO_SPLITS)]).permutation(len(pairs))
        self._cycle = [pairs[index] for index in order]
        self._next = 0
        self._retry: List[Tuple[int, int]] = []

    def take(self) -> Tuple[int, int]:
        """Returns the next pair: the oldest lost one, else the cycle's next."""
        if self._retry:
            return self._retry.pop(0)
        pair = self._cycle[self._next]
        self._next = (self._next + 1) % len(self._cycle)
        return pair

    def give_back(self, pairs: List[Tuple[int, int]]) -> None:
        """Queues the pairs of objects that were not kept, to be handed out first."""
        self._retry.extend(pairs)


def _render_image(
        rng: np.random.Generator,
        spec: DemoDatasetSpec,
        kinds: Optional[_KindCycle] = None
) -> Tuple[np.ndarray, List[Tuple[int, List[int], int, dict]]]:
    """Draws one image and its boxes.

    Args:
        rng: The image's own random generator.
        spec: Dataset parameters.
        kinds: Where each object's (label, size index) comes from when set; None draws them
            at random from ``rng``. Pairs of objects not kept are given back to it.

    Returns:
        The BGR uint8 image and one ``(label, [x, y, w, h], visible pixel count, attributes)``
        per object that stays visible enough; labels index :data:`DEMO_CLASSES`, attributes
        are the annotation's ``attributes`` (``size``, ``hue``, ``covered``).
    """
    long_side = spec.image_size
    short_side = int(round(long_side * _SHORT_SIDE_RATIO))
    width, height = [(long_side, long_side), (long_side, short_side),
                     (short_side, long_side)][rng.integers(3)]
    canvas = _render_background(rng, height, width)

    # instance_map holds, per pixel, 1 + the index of the object on top there (0: background).
    instance_map = np.zeros((height, width), np.int32)
    labels, full_areas, drawn_as = [], [], []
    lost_kinds = []
    num_objects = int(rng.integers(spec.min_objects, spec.max_objects + 1))
    size_scale = long_side / _REFERENCE_SIDE
    for _ in range(num_objects):
        if kinds is None:
            label = int(rng.integers(len(DEMO_CLASSES)))
            size_index = rng.choice(len(_SIZE_RANGES), p=_SIZE_PROBABILITIES)
        else:
            label, size_index = kinds.take()
        size_low, size_high = _SIZE_RANGES[size_index]
        size = rng.uniform(size_low, size_high) * size_scale
        outlines, holes = _shape_polygons(rng, DEMO_CLASSES[label], size)
        mask = _place_object(rng, outlines, holes, instance_map, full_areas, spec)
        if mask is None:
            lost_kinds.append((label, size_index))
            continue
        class_hue = _paint_object(rng, canvas, mask, label)
        drawn_as.append(dict(size=_SIZE_NAMES[size_index], hue='class' if class_hue else 'any'))
        labels.append(label)
        full_areas.append(int(mask.sum()))
        instance_map[mask] = len(labels)

    boxes = []
    visible_areas = np.bincount(instance_map.ravel(), minlength=len(labels) + 1)
    for index, (label, full_area) in enumerate(zip(labels, full_areas)):
        visible_area = int(visible_areas[index + 1])
        if visible_area < spec.min_visible_fraction * full_area:
            lost_kinds.append((label, _SIZE_NAMES.index(drawn_as[index]['size'])))
            continue
        ys, xs = np.nonzero(instance_map == index + 1)
        x_min, y_min = int(xs.min()), int(ys.min())
        bbox = [x_min, y_min, int(xs.max()) - x_min + 1, int(ys.max()) - y_min + 1]
        attributes = dict(drawn_as[index], covered='no' if visible_area == full_area else 'partly')
        boxes.append((label, bbox, visible_area, attributes))
    if kinds is not None:
        kinds.give_back(lost_kinds)
    return np.clip(canvas, 0, 255).astype(np.uint8), boxes


def _hsv_to_bgr(hue: float, saturation: float, value: float) -> np.ndarray:
    """Converts an HSV colour (hue on OpenCV's 0-179 scale, others in [0, 1]) to float BGR."""
    hsv = np.array([[[hue % 180, saturation * 255, value * 255]]], np.float32)
    return cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)


def _dull_colour(rng: np.random.Generator, value_low: float, value_high: float) -> np.ndarray:
    """A random desaturated BGR colour, so backgrounds never take a class colour."""
    hue, saturation = rng.uniform(0, 180), rng.uniform(0.0, 0.3)
    return _hsv_to_bgr(hue, saturation, rng.uniform(value_low, value_high))


def _render_background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A float32 BGR background: gradient, smooth and fine noise, distractor lines and blobs."""
    start_colour = _dull_colour(rng, 0.3, 0.85)
    end_colour = _dull_colour(rng, 0.3, 0.85)
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    projection = xs * np.cos(angle) + ys * np.sin(angle)
    projection = (projection - projection.min()) / max(float(np.ptp(projection)), 1.0)
    canvas = start_colour + projection[..., None] * (end_colour - start_colour)

    coarse_noise = rng.normal(0.0, 1.0, (height // 16 + 2, width // 16 + 2, 3)).astype(np.float32)
    smooth_noise = cv2.resize(coarse_noise, (width, height), interpolation=cv2.INTER_CUBIC)
    canvas += rng.uniform(4, 12) * smooth_noise

    blob_alpha = np.zeros((height, width), np.float32)
    blob_colour = _dull_colour(rng, 0.2, 0.9)
    for _ in range(int(rng.integers(_MAX_DISTRACTORS + 1))):
        if rng.random() < 0.6:
            num_points = int(rng.integers(2, 5))
            points = np.stack([rng.uniform(0, width, num_points),
                               rng.uniform(0, height, num_points)], axis=1).astype(np.int32)
            cv2.polylines(canvas, [points], False, _dull_colour(rng, 0.1, 0.95).tolist(),
                          int(rng.integers(1, 4)))
        else:
            # Elongated and blurred, so a blob never looks like a circle or a square.
            centre = (int(rng.integers(width)), int(rng.integers(height)))
            long_axis = rng.uniform(0.08, 0.25) * max(height, width)
            axes = (int(long_axis), int(long_axis * rng.uniform(0.2, 0.45)))
            cv2.ellipse(blob_alpha, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    if blob_alpha.any():
        blob_alpha = cv2.GaussianBlur(blob_alpha, (0, 0), 0.02 * max(height, width))[..., None]
        canvas = canvas * (1 - 0.6 * blob_alpha) + blob_colour * (0.6 * blob_alpha)

    canvas += rng.normal(0.0, rng.uniform(1, 4), canvas.shape).astype(np.float32)
    return canvas


def _shape_polygons(rng: np.random.Generator, class_name: str,
                    size: float) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    """Outline and hole polygons of one jittered, rotated shape centred on the origin.

    Args:
        rng: Random generator.
        class_name: One of :data:`DEMO_CLASSES`.
        size: Extent of the unrotated shape in pixels.

    Returns:
        Lists of ``(N, 2)`` float arrays: the polygons to fill and the holes to cut out of them.
    """
    circle = _regular_polygon(64, 1.0)
    holes = []
    if class_name == 'circle':
        outline = circle
    elif class_name == 'square':
        outline = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64)
    elif class_name == 'triangle':
        outline = _regular_polygon(3, 1.0)
    elif class_name == 'ring':
        outline = circle
        holes = [_regular_polygon(64, rng.uniform(0.45, 0.62))]
    elif class_name == 'cross':
        half_bar = rng.uniform(0.28, 0.38)
        arm = np.array([[half_bar, -1], [half_bar, -half_bar], [1, -half_bar]])
        # Four copies of one arm, each turned by a right angle, trace the plus sign.
        quarter_turn = np.array([[0, -1], [1, 0]], np.float64)
        outline = np.concatenate([arm @ np.linalg.matrix_power(quarter_turn, turn).T
                                  for turn in range(4)])
    elif class_name == 'star':
        outer = _regular_polygon(5, 1.0)
        inner = _regular_polygon(5, rng.uniform(0.4, 0.5), phase=np.pi / 5)
        outline = np.stack([outer, inner], axis=1).reshape(-1, 2)
    elif class_name == 'crescent':
        # A disc with an offset smaller disc cut out of it.
        outline = circle
        holes = [_regular_polygon(64, rng.uniform(0.75, 0.85)) + [rng.uniform(0.35, 0.5), 0.0]]
    elif class_name == 'arrow':
        half_shaft, head_start = rng.uniform(0.15, 0.25), rng.uniform(0.0, 0.3)
        outline = np.array([[-1, -half_shaft], [head_start, -half_shaft], [head_start, -0.7],
                            [1, 0], [head_start, 0.7], [head_start, half_shaft],
                            [-1, half_shaft]], np.float64)
    else:
        raise ValueError(f'unknown demo class {class_name!r}')

    max_aspect = 1.1 if class_name in ('circle', 'ring', 'crescent') else 1.3
    aspect = np.exp(rng.uniform(-np.log(max_aspect), np.log(max_aspect)))
    scale = np.array([np.sqrt(aspect), 1 / np.sqrt(aspect)]) * size / 2
    angle = rng.uniform(0, 2 * np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    transform = np.diag(scale) @ rotation.T
    return [outline @ transform], [hole @ transform for hole in holes]


def _regular_polygon(num_vertices: int, radius: float, phase: float = 0.0) -> np.ndarray:
    """Vertices of a regular polygon with its first vertex pointing up (image y grows down)."""
    angles = phase - np.pi / 2 + np.arange(num_vertices) * 2 * np.pi / num_vertices
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _place_object(rng: np.random.Generator, outlines: List[np.ndarray], holes: List[np.ndarray],
                  instance_map: np.ndarray, full_areas: List[int],
                  spec: DemoDatasetSpec) -> Optional[np.ndarray]:
    """Finds a position for a shape and returns its boolean mask there.

    Positions keep the whole shape inside the image. The first sampled position that leaves
    every earlier object at least ``spec.min_visible_fraction`` visible wins; when none of the
    attempts does, the last one is used anyway and the covered object loses its box.

    Args:
        rng: Random generator.
        outlines: Polygons to fill, centred on the origin.
        holes: Polygons to cut out, centred on the origin.
        instance_map: Per pixel, 1 + index of the topmost object (0: background).
        full_areas: Pixel count of each earlier object as drawn.
        spec: Dataset parameters.

    Returns:
        The ``(H, W)`` boolean mask, or None when the shape is larger than the image.
    """
    height, width = instance_map.shape
    all_points = np.concatenate(outlines)
    low, high = all_points.min(axis=0), all_points.max(axis=0)
    x_range = (-low[0], width - 1 - high[0])
    y_range = (-low[1], height - 1 - high[1])
    if x_range[0] > x_range[1] or y_range[0] > y_range[1]:
        return None
    visible_areas = np.bincount(instance_map.ravel(), minlength=len(full_areas) + 1)[1:]
    for _ in range(_PLACEMENT_ATTEMPTS):
        offset = np.array([rng.uniform(*x_range), rng.uniform(*y_range)])
        mask = _rasterise([p + offset for p in outlines], [p + offset for p in holes],
                          height, width)
        covered = np.bincount(instance_map[mask], minlength=len(full_areas) + 1)[1:]
        remaining = visible_areas - covered
        if np.all(remaining >= spec.min_visible_fraction * np.asarray(full_areas)):
            break
    return mask


def _rasterise(outlines: List[np.ndarray], holes: List[np.ndarray], height: int,
               width: int) -> np.ndarray:
    """Boolean mask of the filled outlines minus the holes, with sub-pixel vertex precision."""
    mask = np.zeros((height, width), np.uint8)
    to_fixed_point = float(1 << _POLY_SHIFT)

    def fill(polygons, value):
        fixed = [np.round(p * to_fixed_point).astype(np.int32) for p in polygons]
        cv2.fillPoly(mask, fixed, value, lineType=cv2.LINE_8, shift=_POLY_SHIFT)

    fill(outlines, 1)
    if holes:
        fill(holes, 0)
    return mask.astype(bool)


def _paint_object(rng: np.random.Generator, canvas: np.ndarray, mask: np.ndarray,
                  label: int) -> bool:
    """Paints an object of class ``label`` into ``canvas`` (float BGR) where ``mask`` is set.

    The fill is a saturated colour, of the class's hue (jittered) or, for a quarter of the
    objects, of any hue; it is shaded by a linear light gradient across the object and a little
    pixel noise.

    Returns:
        Whether the object took its class's hue.
    """
    ys, xs = np.nonzero(mask)
    y_min, y_max, x_min, x_max = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    class_hue = rng.random() >= _ANY_HUE_FRACTION
    if not class_hue:
        hue = rng.uniform(0, 180)
    else:
        hue = _CLASS_HUES[label] + rng.uniform(-_HUE_JITTER, _HUE_JITTER)
    colour = _hsv_to_bgr(hue, rng.uniform(0.7, 1.0), rng.uniform(0.65, 1.0))
    patch_ys, patch_xs = np.mgrid[y_min:y_max, x_min:x_max].astype(np.float32)
    light_angle = rng.uniform(0, 2 * np.pi)
    projection = patch_xs * np.cos(light_angle) + patch_ys * np.sin(light_angle)
    projection = 2 * (projection - projection.min()) / max(float(np.ptp(projection)), 1.0) - 1
    shading = 1 + rng.uniform(0.08, 0.22) * projection
    fill = colour * shading[..., None]
    fill += rng.normal(0.0, 4.0, fill.shape).astype(np.float32)
    patch_mask = mask[y_min:y_max, x_min:x_max]
    canvas[y_min:y_max, x_min:x_max][patch_mask] = fill[patch_mask]
    return class_hue
