"""CocoDataset that names the file on bad input and counts everything it leaves out."""
import logging
from collections import Counter
from typing import List, Union

from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmdet.registry import DATASETS
from mmengine.logging import print_log

# 'annotations' may be absent: COCO's image_info_unlabeled2017.json has none
REQUIRED_KEYS = ('images', 'categories')


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

    * an annotation file that is missing, not JSON or lacks 'images' / 'categories' raises one
      sentence naming the file (a file without 'annotations' is an unlabeled image list);
    * every box CocoDataset drops (outside the image, zero area or side < 1 px, class not in the
      dataset's classes) is counted by reason, and every image ``filter_cfg`` leaves out
      (no box of the classes, smaller than ``min_size``) is counted; both counts are logged as a
      warning naming the file when the dataset is loaded, with the number of images whose boxes
      were all dropped (they stay, as background-only images).

    Missing or unreadable image files are reported by mmcv's loader with their path when the
    image is first read.
    """
    COCOAPI = CheckedCOCO

    def load_data_list(self) -> List[dict]:
        """Loads the file and logs what was dropped while parsing it."""
        self.dropped_boxes = Counter()
        self.images_left_without_boxes = 0
        data_list = super().load_data_list()
        if self.dropped_boxes:
            reasons = ', '.join(f'{n} {reason}' for reason, n in sorted(self.dropped_boxes.items()))
            print_log(f'{self.ann_file}: {sum(self.dropped_boxes.values())} boxes dropped '
                      f'({reasons}); {self.images_left_without_boxes} images kept with no box '
                      'left.', logger='current', level=logging.WARNING)
        return data_list

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
