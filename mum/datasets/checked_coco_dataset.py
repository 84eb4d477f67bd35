"""CocoDataset that names the file on bad input and counts everything it leaves out."""
import logging
import multiprocessing
import os
import os.path as osp
import queue
from collections import Counter
from typing import List, Optional, Tuple, Union

import numpy as np
from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmdet.registry import DATASETS
from mmengine.logging import print_log

# 'annotations' may be absent: COCO's image_info_unlabeled2017.json has none
REQUIRED_KEYS = ('images', 'categories')


class UnreadableImageError(OSError):
    """An image file is missing or cannot be decoded (or too many of them, when skipping)."""


class CheckedCOCO(COCO):
    """mmdet's COCO API, refusing a file that is not JSON or lacks a COCO key, by name."""

    def __init__(self, annotation_file: str) -> None:
        try:
            super().__init__(annotation_file)
        except (ValueError, AssertionError) as error:  # JSONDecodeError is a ValueError
            raise ValueError(f'Annotation file {annotation_file} is not a COCO-format JSON '
                             f'object ({error}).') from None
        missing = [key for key in REQUIRED_KEYS if key not in self.dataset]
        if missing:
            raise ValueError(f'Annotation file {annotation_file} lacks the COCO key(s) '
                             f'{missing}; expected {list(REQUIRED_KEYS)}.')


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    """CocoDataset with clear errors and no silent data loss.

    * an annotation file that is missing (the sentence says where to look: data_root, ann_file,
      the dataset base's header), not JSON or lacks 'images' / 'categories' raises one
      sentence naming the file (a file without 'annotations' is an unlabeled image list);
    * a class of ``metainfo.classes`` that the file's categories lack (a renamed class would
      train with no box of it, or fail in the evaluator) raises one sentence naming the file
      and the classes missing on each side; categories of the file that are not dataset classes
      are allowed (their boxes are dropped, counted and logged, below) and named in a warning;
    * a file with annotations that lists the classes in another order than
      ``metainfo.classes`` raises one sentence naming both orders: CocoDataset and CocoMetric
      number the labels in the file's order, so the classes' names would be wrong and a labeled
      and a validation file in different orders would mix classes (an image list without
      annotations is not checked for order: no label is read from it, which also holds for a
      test file used only to write predictions); a category name listed twice raises too;
    * every box CocoDataset drops (outside the image, zero area or side < 1 px, class not in the
      dataset's classes) is counted by reason, and every image ``filter_cfg`` leaves out
      (no box of the classes, smaller than ``min_size``) is counted; both counts are logged as a
      warning naming the file when the dataset is loaded, with the number of images whose boxes
      were all dropped (they stay, as background-only images).

    * a file without any image (or whose images ``filter_cfg`` all leaves out) makes an empty
      dataset, which the multi-source sampler then refuses naming the source and the file
      (mmengine's serialisation would fail first, on an empty concatenation).

    Image files that are missing or cannot be decoded when first read:

    * by default (labeled data, validation) :class:`UnreadableImageError` names the file;
    * with ``max_unreadable_fraction`` set (the unlabeled set), the image is skipped and replaced
      by another image of this dataset (mmengine's refetch), and reported to the main process;
      :class:`~mum.engine.hooks.UnreadableImageHook` calls :meth:`collect_unreadable` every
      logging interval, which logs the count and the file names and raises
      :class:`UnreadableImageError` once more than that fraction of the dataset's images could
      not be read.

    Args:
        max_unreadable_fraction (float, optional): Skip unreadable images, up to this fraction
            of the dataset, in [0, 1). None (default) raises at the first one.
        check_files (bool): When the dataset loads, check that every image file exists and
            raise one error listing the missing ones. Defaults to False (a stat per image).
        **kwargs: Arguments of CocoDataset.
    """
    COCOAPI = CheckedCOCO

    def __init__(self, *args, max_unreadable_fraction: Optional[float] = None,
                 check_files: bool = False, **kwargs) -> None:
        if max_unreadable_fraction is not None and not 0.0 <= max_unreadable_fraction < 1.0:
            raise ValueError(f'max_unreadable_fraction must be in [0, 1) or None, got '
                             f'{max_unreadable_fraction!r}.')
        self.max_unreadable_fraction = max_unreadable_fraction
        self.check_files = check_files
        # dataloader workers report skipped files to the main process through this queue
        self._unreadable_reports = (multiprocessing.Queue()
                                    if max_unreadable_fraction is not None else None)
        self._main_pid = os.getpid()
        self._reported_here: List[str] = []  # skipped in the main process (no worker)
        self.unreadable_files: List[str] = []
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Loads the file and logs what was dropped while parsing it."""
        self.COCOAPI = self._open_checked  # CocoDataset opens the file with self.COCOAPI(path)
        self.dropped_boxes = Counter()
        self.images_left_without_boxes = 0
        data_list = super().load_data_list()
        if self.check_files:
            self._check_files_exist(data_list)
        if self.dropped_boxes:
            reasons = ', '.join(f'{n} {reason}' for reason, n in sorted(self.dropped_boxes.items()))
            print_log(f'{self.ann_file}: {sum(self.dropped_boxes.values())} boxes dropped '
                      f'({reasons}); {self.images_left_without_boxes} images kept with no box '
                      'left.', logger='current', level=logging.WARNING)
        return data_list

    def _open_checked(self, local_path: str) -> CheckedCOCO:
        """Opens the annotation file and checks its category names against the classes."""
        if not osp.isfile(local_path):
            raise FileNotFoundError(
                f'Annotation file {self.ann_file} does not exist: check data_root and ann_file '
                'in the config, or make the file first (the dataset bases in '
                'configs/_base_/datasets/ say how in their headers, the paper\'s data in '
                'docs/paper_configs.md).')
        coco = CheckedCOCO(local_path)
        in_file = [category.get('name') for category in coco.dataset['categories']]
        classes = list(self.metainfo['classes'])
        missing = [name for name in classes if name not in in_file]
        extra = [name for name in in_file if name not in classes]
        if missing:
            raise ValueError(
                f'Annotation file {self.ann_file} does not match metainfo.classes: it lacks '
                f'{missing}, and has {extra or "no"} categories that are not classes; rename '
                'the categories or the classes so that every class is a category of the file.')
        matched = [name for name in in_file if name in classes]
        repeated = sorted({name for name in matched if matched.count(name) > 1})
        if repeated:
            raise ValueError(f'Annotation file {self.ann_file} lists the categories {repeated} '
                             'more than once; each class must be one category of the file.')
        if matched != classes and coco.dataset.get('annotations'):
            raise ValueError(
                f'Annotation file {self.ann_file} lists the classes in the order {matched} and '
                f'metainfo.classes in the order {classes}; mmdet numbers the labels in the '
                "file's order, so metainfo.classes would name them wrongly (logs, galleries, "
                'per-class thresholds) and files in other orders would mix classes under one '
                "label: give metainfo.classes in the file's order or reorder the file's "
                'categories.')
        if extra:
            print_log(f'{self.ann_file}: categories {extra} are not classes of the dataset '
                      f'({classes}); their boxes are left out.', logger='current',
                      level=logging.WARNING)
        return coco

    def _check_files_exist(self, data_list: List[dict]) -> None:
        missing = [info['img_path'] for info in data_list if not osp.isfile(info['img_path'])]
        if missing:
            raise UnreadableImageError(
                f'{len(missing)} of {len(data_list)} image files listed in {self.ann_file} do '
                f'not exist (check_files=True): {", ".join(missing[:5])}'
                f'{" ..." if len(missing) > 5 else ""}.')

    def prepare_data(self, idx: int):
        """The pipeline's output for image ``idx``; an unreadable image is named, or skipped
        (None: mmengine then draws another image of this dataset), see the class doc."""
        try:
            return super().prepare_data(idx)
        except Exception as error:
            path = self.get_data_info(idx)['img_path']
            if not (isinstance(error, FileNotFoundError) or path in str(error)):
                raise
            if self._unreadable_reports is None:
                raise UnreadableImageError(f'Image file {path} of {self.ann_file} cannot be '
                                           f'read ({type(error).__name__}: {error}).') from error
            if os.getpid() == self._main_pid:
                self._reported_here.append(path)
            else:
                self._unreadable_reports.put(path)
            return None

    def collect_unreadable(self) -> List[str]:
        """Main process: the files reported unreadable since the last call (new ones only).

        Raises:
            UnreadableImageError: When more than ``max_unreadable_fraction`` of the dataset's
                images were unreadable so far.
        """
        if self._unreadable_reports is None:
            return []
        reported, self._reported_here = self._reported_here, []
        while True:
            try:
                reported.append(self._unreadable_reports.get_nowait())
            except queue.Empty:
                break
        new = []
        for path in reported:
            if path not in self.unreadable_files and path not in new:
                new.append(path)
        self.unreadable_files += new
        if len(self.unreadable_files) > self.max_unreadable_fraction * len(self):
            raise UnreadableImageError(
                f'{len(self.unreadable_files)} of {len(self)} images of {self.ann_file} cannot be '
                f'read, more than max_unreadable_fraction={self.max_unreadable_fraction} '
                f'allows: {", ".join(self.unreadable_files[:5])}'
                f'{" ..." if len(self.unreadable_files) > 5 else ""}.')
        return new

    def _serialize_data(self) -> Tuple[np.ndarray, np.ndarray]:
        """mmengine's serialisation, which cannot concatenate an empty list: empty arrays."""
        if not self.data_list:
            return np.zeros(0, np.uint8), np.zeros(0, np.int64)
        return super()._serialize_data()

    def parse_data_info(self, raw_data_info: dict) -> Union[dict, List[dict]]:
        """Parses one image like CocoDataset and counts the boxes it drops, by reason."""
        data_info = super().parse_data_info(raw_data_info)
        image = raw_data_info['raw_img_info']
        reasons = [self._drop_reason(ann, image) for ann in raw_data_info['raw_ann_info']]
        dropped_here = [reason for reason in reasons if reason is not None]
        self.dropped_boxes.update(dropped_here)
        if dropped_here and not data_info['instances']:
            self.images_left_without_boxes += 1
        return data_info

    def _drop_reason(self, ann: dict, image: dict):
        """Why CocoDataset.parse_data_info drops ``ann`` (None when it keeps it)."""
        if ann.get('ignore', False):
            return None  # an explicit ignore region, not bad data
        x1, y1, w, h = ann['bbox']
        inside_w = max(0, min(x1 + w, image['width']) - max(x1, 0))
        inside_h = max(0, min(y1 + h, image['height']) - max(y1, 0))
        if inside_w * inside_h == 0:
            return 'outside the image'
        if ann['area'] <= 0 or w < 1 or h < 1:
            return 'with zero area or a side < 1 px'
        if ann['category_id'] not in self.cat_ids:
            return 'of a class not in the dataset classes'
        return None

    def filter_data(self) -> List[dict]:
        """Applies ``filter_cfg`` like CocoDataset and logs how many images it left out."""
        kept = super().filter_data()
        left_out = len(self.data_list) - len(kept)
        if left_out:
            print_log(f'{self.ann_file}: {left_out} of {len(self.data_list)} images left out by '
                      f'filter_cfg={dict(self.filter_cfg)} (no box of the dataset classes, or '
                      'smaller than min_size).', logger='current', level=logging.WARNING)
        return kept
