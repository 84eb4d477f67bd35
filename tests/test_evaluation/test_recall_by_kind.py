"""Recall of confident boxes by kind of object, on a hand-made image."""
import math

import pytest
from hand_made_detections import COCO, PREDICTION, prediction

from mum.evaluation import Found, object_kinds, recall_by_kind


def test_counts_by_class_area_and_attribute():
    result = recall_by_kind([PREDICTION], COCO, score_thr=0.7)

    assert result.precision == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 3)
    assert result.boxes_per_image == 3
    assert result.groups['class'] == {'circle': Found(1, 2), 'square': Found(0, 1)}
    assert result.groups['COCO area'] == {'small': Found(1, 1), 'medium': Found(0, 1),
                                          'large': Found(0, 1)}
    assert result.groups['hue'] == {'any': Found(0, 1), 'class': Found(1, 2)}
    assert result.groups['covered'] == {'no': Found(1, 2), 'partly': Found(0, 1)}


def test_threshold_and_iou_are_applied():
    lower = recall_by_kind([PREDICTION], COCO, score_thr=0.5)
    assert lower.groups['class']['square'] == Found(1, 1)
    strict = recall_by_kind([prediction([(0, 0, 10, 12, 0.9, 0)])], COCO, score_thr=0.7,
                            iou_thr=0.9)
    assert strict.groups['class']['circle'] == Found(0, 2)


def test_no_ground_truth_of_a_kind_gives_nan_recall():
    assert math.isnan(Found(0, 0).recall)


def test_object_kinds_without_attributes_uses_the_box_area():
    annotation = dict(category_id=2, bbox=[0, 0, 40, 40])
    assert object_kinds(annotation, {2: 'square'}) == {'class': 'square', 'COCO area': 'medium'}


def test_a_prediction_on_another_image_is_named():
    stray = dict(PREDICTION, img_id=99)
    with pytest.raises(ValueError, match='image id 99'):
        recall_by_kind([stray], COCO, score_thr=0.7)
