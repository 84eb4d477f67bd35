"""Labeled / unlabeled splits of COCO train2017 for the COCO-Standard protocol.

The protocol (Unbiased Teacher, reused by MUM) labels ``percent`` % of the train2017 images and
treats the rest as unlabeled. The pool that is split is the list of *annotated* images: images
with at least one non-crowd annotation, sorted by image id (117266 images in train2017; the
images without any annotation, and any image whose annotations are all crowd regions, belong to
neither split, exactly as detectron2's ``filter_images_with_only_crowd_annotations`` drops them
before the original splits were drawn).

The labeled images are chosen either

* from the established fold file (``COCO_supervision.txt``): JSON
  ``{percent: {fold: [pool indices]}}`` with percent keys such as ``"1.0"`` and fold keys
  ``"0"`` to ``"9"``; or
* from a seed: ``numpy.random.default_rng(seed)`` picks the pool indices without replacement.

Either way a split holds ``floor(percent / 100 * len(pool))`` labeled images, the count the fold
file uses (1172 images for 1 %).

Files are named as mmdet's ``split_coco.py`` names them: ``{stem}.{fold}@{percent}.json`` and
``{stem}.{fold}@{percent}-unlabeled.json``, with ``stem`` the annotation file's name without
``.json`` and ``fold`` the fold key, or ``seed{seed}`` for seeded splits. The unlabeled file keeps
the annotations of its images (for analysis; semi-supervised training ignores them).

Any COCO file splits by the same rules: BCCD's converted train file (205 images) gives fold
``k`` = seed ``k``, ``bccd_train.seedk@10.json`` with ``floor(20.5) = 20`` labeled images
(configs/_base_/datasets/semi_bccd.py).
"""
import json
import logging
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from tqdm import tqdm

logger = logging.getLogger(__name__)


class SplitError(ValueError):
    """An input file of a split is missing or inconsistent; the message names the file."""


@dataclass
class AnnotatedPool:
    """The images a split partitions, with the annotations of each.

    Attributes:
        coco: The whole annotation file as loaded.
        image_ids: Ids of the annotated images, ascending; the fold file indexes this list.
        annotations_by_image: Every annotation of each image in ``image_ids``, in file order.
        num_without_annotations: Images of the file that have no annotation at all.
        num_only_crowd: Images whose annotations are all crowd regions.
    """

    coco: dict
    image_ids: List[int]
    annotations_by_image: Dict[int, List[dict]]
    num_without_annotations: int
    num_only_crowd: int


def read_json(path: Path, what: str, error_type: type = SplitError):
    """Reads a JSON file, turning a missing or unparsable file into one clear error.

    Args:
        path: The file to read.
        what: What the file should be, for the message (e.g. ``'fold file'``).
        error_type: The exception class to raise.

    Returns:
        The parsed JSON value.

    Raises:
        error_type: If the file does not exist or is not valid JSON.
    """
    path = Path(path)
    if not path.is_file():
        raise error_type(f'{what} {path} does not exist.')
    try:
        with path.open(encoding='utf-8') as file:
            return json.load(file)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise error_type(f'{what} {path} is not valid JSON ({error}).') from None


def load_coco_json(path: Path, error_type: type = SplitError) -> dict:
    """Loads a COCO annotation file and checks it has ``images`` and ``annotations`` lists.

    Args:
        path: The COCO annotation JSON.
        error_type: The exception class to raise.

    Returns:
        The parsed annotation dict.

    Raises:
        error_type: If the file is missing, is not JSON, or lacks ``images`` / ``annotations``.
    """
    coco = read_json(path, 'COCO annotation file', error_type)
    if not isinstance(coco, dict):
        raise error_type(f'COCO annotation file {path} is not a JSON object.')
    missing = [key for key in ('images', 'annotations') if not isinstance(coco.get(key), list)]
    if missing:
        raise error_type(f'COCO annotation file {path} has no list under key(s) {missing}.')
    return coco


def collect_annotated_pool(coco: dict, source: str = 'the annotation file') -> AnnotatedPool:
    """Finds the annotated images of a COCO dict, sorted by id, and counts the excluded ones.

    Args:
        coco: A COCO annotation dict with ``images`` and ``annotations``.
        source: Name of the file ``coco`` came from, for error messages.

    Returns:
        The pool of annotated images.

    Raises:
        SplitError: If an annotation refers to an image id that ``images`` does not list.
    """
    annotations_by_image = {image['id']: [] for image in coco['images']}
    for annotation in tqdm(coco['annotations'], desc='scanning annotations', unit='ann',
                           leave=False):
        image_annotations = annotations_by_image.get(annotation['image_id'])
        if image_annotations is None:
            raise SplitError(f'{source}: annotation {annotation.get("id")} refers to image id '
                             f'{annotation["image_id"]}, which is not in "images".')
        image_annotations.append(annotation)
    image_ids = sorted(image_id for image_id, annotations in annotations_by_image.items()
                       if any(not annotation.get('iscrowd', 0) for annotation in annotations))
    num_without_annotations = sum(not annotations for annotations in annotations_by_image.values())
    return AnnotatedPool(
        coco=coco,
        image_ids=image_ids,
        annotations_by_image={image_id: annotations_by_image[image_id] for image_id in image_ids},
        num_without_annotations=num_without_annotations,
        num_only_crowd=len(annotations_by_image) - len(image_ids) - num_without_annotations)


def num_labeled_images(percent: float, pool_size: int) -> int:
    """Returns ``floor(percent / 100 * pool_size)``, computed exactly (no float rounding)."""
    return math.floor(Fraction(str(percent)) * pool_size / 100)


def format_percent(percent: float) -> str:
    """Formats a percentage for file names: ``1.0 -> '1'``, ``0.5 -> '0.5'``."""
    return f'{percent:g}'


class FoldFile:
    """The established labeled folds, ``{percent: {fold: [pool indices]}}``, from a JSON file.

    Args:
        path: The fold file, e.g. ``COCO_supervision.txt``.

    Raises:
        SplitError: If the file is missing, is not JSON or is not a dict of dicts keyed by
            numbers.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.folds_by_percent = read_json(self.path, 'fold file')
        if not (isinstance(self.folds_by_percent, dict) and all(
                isinstance(folds, dict) for folds in self.folds_by_percent.values())):
            raise SplitError(f'fold file {self.path} is not a JSON object of the form '
                             '{percent: {fold: [indices]}}.')
        try:
            self.percent_keys = {float(key): key for key in self.folds_by_percent}
        except ValueError:
            raise SplitError(f'fold file {self.path} has percent keys that are not numbers: '
                             f'{list(self.folds_by_percent)}.') from None

    def labeled_indices(self, percent: float, fold: str, pool_size: int) -> List[int]:
        """Returns the pool indices of one fold after checking them against the pool.

        Args:
            percent: The labeled percentage; matches a key of equal value (``1`` finds ``"1.0"``).
            fold: The fold key, e.g. ``'1'``.
            pool_size: Number of annotated images the indices point into.

        Returns:
            The indices, as listed in the file.

        Raises:
            SplitError: If the percent or fold is missing, or the indices are not
                ``floor(percent / 100 * pool_size)`` distinct integers in ``[0, pool_size)``.
        """
        if float(percent) not in self.percent_keys:
            raise SplitError(f'fold file {self.path} has no percent {format_percent(percent)}; '
                             f'available: {sorted(self.folds_by_percent, key=float)}.')
        percent_key = self.percent_keys[float(percent)]
        folds = self.folds_by_percent[percent_key]
        if str(fold) not in folds:
            raise SplitError(f'fold file {self.path} has no fold {fold!r} for percent '
                             f'{percent_key}; available: {list(folds)}.')
        indices = folds[str(fold)]
        where = f'fold file {self.path}, percent {percent_key}, fold {fold}'
        if not (isinstance(indices, list) and all(
                isinstance(index, int) and not isinstance(index, bool) for index in indices)):
            raise SplitError(f'{where}: the fold is not a list of integer indices.')
        out_of_range = [index for index in indices if not 0 <= index < pool_size]
        if out_of_range:
            raise SplitError(f'{where}: {len(out_of_range)} indices (e.g. {out_of_range[0]}) are '
                             f'outside [0, {pool_size}), the number of annotated images.')
        if len(set(indices)) != len(indices):
            raise SplitError(f'{where}: {len(indices) - len(set(indices))} indices are '
                             'duplicates.')
        expected = num_labeled_images(percent, pool_size)
        if len(indices) != expected:
            raise SplitError(f'{where}: lists {len(indices)} images but {percent_key} % of '
                             f'{pool_size} annotated images is {expected}; the annotation file '
                             'is probably not the train2017 file the folds were drawn from.')
        return indices


def sample_labeled_indices(percent: float, pool_size: int, seed: int) -> List[int]:
    """Draws ``floor(percent / 100 * pool_size)`` distinct pool indices, ascending.

    Args:
        percent: The labeled percentage.
        pool_size: Number of annotated images.
        seed: Seed of ``numpy.random.default_rng``; the same seed gives the same indices.

    Returns:
        The sorted indices.
    """
    rng = np.random.default_rng(seed)
    chosen = rng.choice(pool_size, size=num_labeled_images(percent, pool_size), replace=False)
    return sorted(chosen.tolist())


def split_pool(pool: AnnotatedPool, labeled_indices: Sequence[int]) -> Tuple[dict, dict]:
    """Partitions the pool into a labeled and an unlabeled COCO dict.

    Both dicts copy every other top-level key (``info``, ``licenses``, ``categories``...) and
    list images by ascending id, each with all of its annotations.

    Args:
        pool: The annotated images.
        labeled_indices: Positions in ``pool.image_ids`` of the labeled images.

    Returns:
        ``(labeled, unlabeled)`` COCO dicts.
    """
    labeled_ids = {pool.image_ids[index] for index in labeled_indices}
    images_by_id = {image['id']: image for image in pool.coco['images']}
    parts = []
    for in_labeled_part in (True, False):
        image_ids = [image_id for image_id in pool.image_ids
                     if (image_id in labeled_ids) == in_labeled_part]
        part = {key: value for key, value in pool.coco.items()
                if key not in ('images', 'annotations')}
        part['images'] = [images_by_id[image_id] for image_id in image_ids]
        part['annotations'] = [annotation for image_id in image_ids
                               for annotation in pool.annotations_by_image[image_id]]
        parts.append(part)
    labeled, unlabeled = parts
    check_partition(pool, labeled, unlabeled)
    return labeled, unlabeled


def check_partition(pool: AnnotatedPool, labeled: dict, unlabeled: dict) -> None:
    """Asserts the two parts are disjoint and together hold every annotated image once."""
    labeled_ids = [image['id'] for image in labeled['images']]
    unlabeled_ids = [image['id'] for image in unlabeled['images']]
    if set(labeled_ids) & set(unlabeled_ids):
        raise AssertionError('labeled and unlabeled splits share images')
    if sorted(labeled_ids + unlabeled_ids) != pool.image_ids:
        raise AssertionError('labeled and unlabeled splits do not cover the annotated images')


def split_file_names(stem: str, fold: str, percent: float) -> Tuple[str, str]:
    """Returns mmdet-style names ``({stem}.{fold}@{percent}.json, ...-unlabeled.json)``."""
    base = f'{stem}.{fold}@{format_percent(percent)}'
    return f'{base}.json', f'{base}-unlabeled.json'


def log_pool(pool: AnnotatedPool, source: str) -> None:
    """Logs the pool size and how many images were excluded from both splits, and why."""
    num_images = len(pool.coco['images'])
    logger.info('%s: %d images, %d annotated images are split', source, num_images,
                len(pool.image_ids))
    logger.info('excluded from both splits: %d images without annotations, %d images with only '
                'crowd annotations', pool.num_without_annotations, pool.num_only_crowd)


def write_splits(ann_file: Path, out_dir: Path, percents: Sequence[float],
                 folds: Sequence[str] = (), fold_file: Path = None,
                 seeds: Sequence[int] = ()) -> List[Path]:
    """Writes the labeled / unlabeled files for every percent and fold (or seed).

    Args:
        ann_file: COCO annotation file to split (``instances_train2017.json``).
        out_dir: Folder for the output files; created if missing.
        percents: Labeled percentages.
        folds: Fold keys of ``fold_file`` to write; give these or ``seeds``.
        fold_file: The established fold file; needed with ``folds``.
        seeds: Seeds for freshly sampled splits, each named ``seed{seed}``.

    Returns:
        Paths of the written files, labeled then unlabeled for each split.

    Raises:
        SplitError: If an input file is missing or inconsistent (nothing is written then).
        ValueError: If neither or both of ``folds`` and ``seeds`` are given, or ``folds``
            without ``fold_file``.
    """
    if bool(folds) == bool(seeds) or (folds and fold_file is None):
        raise ValueError('give either folds and a fold file, or seeds')
    pool = collect_annotated_pool(load_coco_json(ann_file), str(ann_file))
    log_pool(pool, str(ann_file))
    if folds:
        fold_table = FoldFile(fold_file)
        splits = [(str(fold), percent,
                   fold_table.labeled_indices(percent, fold, len(pool.image_ids)))
                  for percent in percents for fold in folds]
    else:
        splits = [(f'seed{seed}', percent,
                   sample_labeled_indices(percent, len(pool.image_ids), seed))
                  for percent in percents for seed in seeds]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(ann_file).stem
    written = []
    for fold, percent, labeled_indices in tqdm(splits, desc='writing splits', unit='split'):
        labeled, unlabeled = split_pool(pool, labeled_indices)
        for name, part in zip(split_file_names(stem, fold, percent), (labeled, unlabeled)):
            with (out_dir / name).open('w', encoding='utf-8') as file:
                json.dump(part, file, separators=(',', ':'))
            written.append(out_dir / name)
        logger.info('fold %s, %s %%: %d labeled, %d unlabeled images -> %s', fold,
                    format_percent(percent), len(labeled['images']), len(unlabeled['images']),
                    written[-2].name)
    return written
