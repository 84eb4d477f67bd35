"""Recall of confident boxes by kind of object, on a hand-made image."""
import math

import pytest
from hand_made_detections import ANNOTATIONS, COCO, PREDICTION, prediction

from mum.analysis.recall_by_kind import RecallCount, object_kinds, recall_by_kind


def test_counts_by_class_area_and_attribute():
    result = recall_by_kind([PREDICTION], COCO, score_thr=0.7)

    assert result.precision == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 3)
    assert result.boxes_per_image == 3
    assert result.groups['class'] == {'circle': RecallCount(1, 2), 'square': RecallCount(0, 1)}
    assert result.groups['COCO area'] == {'small': RecallCount(1, 1), 'medium': RecallCount(0, 1),
                                          'large': RecallCount(0, 1)}
    assert result.groups['hue'] == {'any': RecallCount(0, 1), 'class': RecallCount(1, 2)}
    assert result.groups['covered'] == {'no': RecallCount(1, 2), 'partly': RecallCount(0, 1)}
    assert result.taken_for == {'circle': {'square': 1}}


def test_an_object_is_taken_for_another_class_only_where_its_class_missed_it():
    result = recall_by_kind([prediction([
        (0, 0, 10, 10, 0.9, 0), (0, 0, 10, 10, 0.9, 1),  # the small circle, found: not counted
        (0, 100, 40, 140, 0.6, 1),  # the covered circle as a square, under the threshold
        (100, 0, 140, 100, 0.9, 0),  # the large square as a circle, at IoU 0.4
    ])], COCO, score_thr=0.7)
    assert result.taken_for == {}
    covering = recall_by_kind([prediction([(100, 0, 150, 100, 0.9, 0)])], COCO, score_thr=0.7)
    assert covering.taken_for == {'square': {'circle': 1}}  # IoU 0.5


def test_the_other_class_is_named_even_where_a_box_of_its_own_class_covers_it_more():
    # two overlapping circles; the one circle box matches the first, and covers the second
    # more (IoU 0.95) than the square box does (0.89)
    circles = [dict(ANNOTATIONS[0], id=1, bbox=[0, 0, 20, 20], area=400),
               dict(ANNOTATIONS[0], id=2, bbox=[2, 0, 18, 20], area=360)]
    coco = dict(COCO, annotations=circles)
    result = recall_by_kind([prediction([(1, 0, 20, 20, 0.9, 0), (3, 0, 21, 20, 0.8, 1)])], coco,
                            score_thr=0.7)
    assert result.groups['class']['circle'] == RecallCount(1, 2)
    assert result.taken_for == {'circle': {'square': 1}}


def test_threshold_and_iou_are_applied():
    lower = recall_by_kind([PREDICTION], COCO, score_thr=0.5)
    assert lower.groups['class']['square'] == RecallCount(1, 1)
    strict = recall_by_kind([prediction([(0, 0, 10, 12, 0.9, 0)])], COCO, score_thr=0.7,
                            iou_thr=0.9)
    assert strict.groups['class']['circle'] == RecallCount(0, 2)


def test_no_ground_truth_of_a_kind_gives_nan_recall():
    assert math.isnan(RecallCount(0, 0).recall)


def test_object_kinds_without_attributes_uses_the_box_area():
    annotation = dict(category_id=5, bbox=[0, 0, 40, 40], attributes=None)
    assert object_kinds(annotation, {5: 'square'}) == {'class': 'square', 'COCO area': 'medium'}


@pytest.mark.parametrize('predictions', [[dict(PREDICTION, img_id=99)], [], [PREDICTION] * 2],
                         ids=['another image', 'no image', 'an image twice'])
def test_predictions_must_cover_each_image_once(predictions):
    with pytest.raises(ValueError, match='expected each image once'):
        recall_by_kind(predictions, COCO, score_thr=0.7)


def test_a_label_without_a_category_is_named():
    with pytest.raises(ValueError, match='label 2, but the annotation file has 2 categories'):
        recall_by_kind([prediction([(0, 0, 10, 10, 0.9, 2)])], COCO, score_thr=0.7)


def test_an_annotation_of_an_unknown_category_is_named():
    coco = dict(COCO, annotations=[dict(ANNOTATIONS[0], category_id=3)])
    with pytest.raises(ValueError, match='Annotation 1 has category_id 3'):
        recall_by_kind([PREDICTION], coco, score_thr=0.7)
