"""How good pseudo-labels are against the ground truth of the unlabeled images.

mmdet's metrics score a whole validation set; the training loop needs counts for one batch of
pseudo-labels, cheap enough to compute at every iteration.
"""
from typing import NamedTuple

import torch
from mmdet.structures.bbox import bbox_overlaps
from torch import Tensor


class PseudoLabelCounts(NamedTuple):
    """Counts of one image or batch: matched pseudo-boxes, pseudo-boxes, ground-truth boxes."""
    true_positives: int
    num_pseudo: int
    num_ground_truth: int

    def __add__(self, other: 'PseudoLabelCounts') -> 'PseudoLabelCounts':
        return PseudoLabelCounts(*(a + b for a, b in zip(self, other)))


def greedy_match(pseudo_bboxes: Tensor, pseudo_labels: Tensor, pseudo_scores: Tensor,
                 gt_bboxes: Tensor, gt_labels: Tensor, iou_thr: float = 0.5) -> Tensor:
    """Class-aware greedy matching of one image's pseudo-boxes to its ground truth.

    Pseudo-boxes are taken in order of decreasing score; each takes the unmatched ground-truth
    box of its class with the highest IoU, if that IoU is at least ``iou_thr`` (as in COCO and
    VOC evaluation).

    Args:
        pseudo_bboxes (Tensor): (P, 4) boxes, x1y1x2y2.
        pseudo_labels (Tensor): (P,) class indices.
        pseudo_scores (Tensor): (P,) scores (only their order matters).
        gt_bboxes (Tensor): (G, 4) ground-truth boxes in the same frame, x1y1x2y2.
        gt_labels (Tensor): (G,) ground-truth class indices.
        iou_thr (float): Smallest IoU of a match. Defaults to 0.5.

    Returns:
        Tensor: (P,) long, the index of the ground-truth box each pseudo-box matched, -1 for
        none.
    """
    matches = torch.full((len(pseudo_bboxes), ), -1, dtype=torch.long,
                         device=pseudo_bboxes.device)
    if len(pseudo_bboxes) == 0 or len(gt_bboxes) == 0:
        return matches
    ious = bbox_overlaps(pseudo_bboxes.float(), gt_bboxes.float())  # (P, G)
    ious = ious.masked_fill(pseudo_labels[:, None] != gt_labels[None, :], -1.0)
    matched = torch.zeros(len(gt_bboxes), dtype=torch.bool, device=ious.device)
    for index in torch.argsort(pseudo_scores, descending=True).tolist():
        candidate_ious = ious[index].masked_fill(matched, -1.0)
        best = int(candidate_ious.argmax())
        if candidate_ious[best] >= iou_thr:
            matched[best] = True
            matches[index] = best
    return matches


def match_pseudo_labels(pseudo_bboxes: Tensor, pseudo_labels: Tensor, pseudo_scores: Tensor,
                        gt_bboxes: Tensor, gt_labels: Tensor,
                        iou_thr: float = 0.5) -> PseudoLabelCounts:
    """Counts of :func:`greedy_match` for one image (same arguments).

    Precision is ``true_positives / num_pseudo``, recall ``true_positives / num_ground_truth``.

    Returns:
        PseudoLabelCounts: matched pseudo-boxes, P and G.
    """
    matches = greedy_match(pseudo_bboxes, pseudo_labels, pseudo_scores, gt_bboxes, gt_labels,
                           iou_thr)
    return PseudoLabelCounts(int((matches >= 0).sum()), len(pseudo_bboxes), len(gt_bboxes))
