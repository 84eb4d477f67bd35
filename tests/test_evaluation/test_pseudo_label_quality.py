"""Precision and recall counts of pseudo-labels on hand-made boxes."""
import torch

from mum.evaluation import PseudoLabelCounts, match_pseudo_labels


def _boxes(*rows):
    return torch.tensor(rows, dtype=torch.float32)


GT_BOXES = _boxes([0, 0, 10, 10], [20, 20, 40, 40], [50, 50, 60, 70])
GT_LABELS = torch.tensor([0, 1, 2])


def test_hand_made_case():
    pseudo = _boxes(
        [0, 0, 10, 10],  # exact hit on GT 0, right class: TP
        [1, 1, 11, 11],  # second box on GT 0 (IoU 0.68), lower score: duplicate, FP
        [20, 20, 40, 40],  # on GT 1 but the wrong class: FP
        [50, 50, 60, 62],  # on GT 2, right class, IoU 12/20 = 0.6: TP
        [100, 100, 110, 110])  # nothing there: FP
    counts = match_pseudo_labels(pseudo, torch.tensor([0, 0, 2, 2, 1]),
                                 torch.tensor([0.9, 0.8, 0.95, 0.75, 0.99]), GT_BOXES, GT_LABELS)
    assert counts == PseudoLabelCounts(true_positives=2, num_pseudo=5, num_ground_truth=3)


def test_iou_threshold_is_inclusive_and_configurable():
    pseudo, labels, scores = _boxes([50, 50, 60, 62]), torch.tensor([2]), torch.tensor([0.9])
    assert match_pseudo_labels(pseudo, labels, scores, GT_BOXES, GT_LABELS,
                               iou_thr=0.6).true_positives == 1
    assert match_pseudo_labels(pseudo, labels, scores, GT_BOXES, GT_LABELS,
                               iou_thr=0.61).true_positives == 0


def test_each_box_takes_its_best_overlapping_ground_truth_box():
    two_gt = _boxes([0, 0, 10, 10], [5, 0, 15, 10])
    # the first box overlaps both (IoU 0.43 and 0.82) and must take the second; taking the
    # first would leave the exact second box (IoU 1 with GT 0, 0.33 with GT 1) unmatched
    pseudo = _boxes([4, 0, 14, 10], [0, 0, 10, 10])
    counts = match_pseudo_labels(pseudo, torch.tensor([0, 0]), torch.tensor([0.9, 0.8]),
                                 two_gt, torch.tensor([0, 0]), iou_thr=0.4)
    assert counts == PseudoLabelCounts(2, 2, 2)


def test_empty_sides_and_sums():
    none = _boxes().reshape(0, 4)
    empty = torch.zeros(0, dtype=torch.long)
    assert match_pseudo_labels(none, empty, torch.zeros(0), GT_BOXES,
                               GT_LABELS) == PseudoLabelCounts(0, 0, 3)
    assert match_pseudo_labels(GT_BOXES, GT_LABELS, torch.ones(3), none,
                               empty) == PseudoLabelCounts(0, 3, 0)
    assert PseudoLabelCounts(1, 2, 3) + PseudoLabelCounts(4, 5, 6) == PseudoLabelCounts(5, 7, 9)
