"""Which objects a detector's confident boxes find, split by kind of object.

A teacher's pseudo-labels are its boxes above the score threshold; this counts, for every kind
of ground-truth object (its class, its COCO area range and each key of its annotation's
``attributes``, such as the demo's ``hue`` or ``covered``), how many of them such boxes find,
and which objects, missed by their own class, a box of another class covers (where a
pseudo-label would teach the wrong class).
mmdet's CocoMetric gives AP per area range over all scores, not recall at one threshold, and its
confusion-matrix tool needs a config and a dataset rather than any COCO file.
"""
from collections import defaultdict
from typing import Dict, Iterator, List, NamedTuple, Sequence, Set, Tuple

import numpy as np
import torch
from mmdet.structures.bbox import bbox_overlaps

from mum.evaluation.pseudo_label_quality import greedy_match

from .tile_statistics import SIZE_BUCKETS, size_buckets


class RecallCount(NamedTuple):
    """Of the ground-truth boxes of one kind: how many a confident box matched, how many there
    are."""
    found: int
    total: int

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else float('nan')


class RecallByKind(NamedTuple):
    """The result of :func:`recall_by_kind`.

    Attributes:
        precision: Matched confident boxes over all confident boxes.
        recall: Matched ground-truth boxes over all ground-truth boxes.
        boxes_per_image: Confident boxes per image.
        groups: ``{group: {kind: RecallCount}}``; groups are ``class``, ``COCO area`` and the
            keys of the annotations' ``attributes``.
        taken_for: ``{class: {other class: count}}``: the objects of a class that no confident
            box of their class matched but a confident box of the other class covers (IoU at
            least the match threshold; the one of highest IoU where several do). Pairs that
            never occur are absent.
    """
    precision: float
    recall: float
    boxes_per_image: float
    groups: Dict[str, Dict[str, RecallCount]]
    taken_for: Dict[str, Dict[str, int]]


def object_kinds(annotation: dict, category_names: Dict[int, str]) -> Dict[str, str]:
    """The kinds of one COCO annotation: ``{'class': name, 'COCO area': bucket, **attributes}``.

    The COCO area bucket (small / medium / large) is taken on the annotation's ``area`` (the box
    area where it has none) with COCO's thresholds 32^2 and 96^2 pixels.
    """
    area = annotation.get('area', annotation['bbox'][2] * annotation['bbox'][3])
    kinds = {'class': category_names[annotation['category_id']],
             'COCO area': SIZE_BUCKETS[int(size_buckets(np.array([area]))[0])]}
    kinds.update({key: str(value) for key, value in (annotation.get('attributes') or {}).items()})
    return kinds


def recall_by_kind(predictions: Sequence[dict], coco: dict, score_thr: float,
                   iou_thr: float = 0.5) -> RecallByKind:
    """Matches the confident boxes of each image to its ground truth and counts by kind.

    Matching is :func:`greedy_match` (class-aware, IoU >= ``iou_thr``), as in the training
    log's pseudo-label precision and recall. Crowd annotations are left out.

    Args:
        predictions: One dict per image of ``coco``, as ``tools/test.py --out`` writes them:
            ``img_id`` and ``pred_instances`` with ``bboxes`` (N, 4) x1y1x2y2 in the original
            image, ``scores`` (N,) and ``labels`` (N,), label i being the i-th entry of
            ``coco['categories']`` (the order mmdet's CocoDataset gives its classes).
        coco: The COCO dict of the same images, with ground truth.
        score_thr: Boxes scoring at least this count (the pseudo-label threshold tau).
        iou_thr: Smallest IoU of a match.

    Returns:
        RecallByKind: overall precision, recall and boxes per image, the counts by kind, and
        the objects taken for another class.

    Raises:
        ValueError: when the predictions do not cover each image of ``coco`` exactly once, name
            a label with no category, or an annotation names a category the file does not have.
    """
    category_ids = [category['id'] for category in coco['categories']]
    category_names = {category['id']: category['name'] for category in coco['categories']}
    label_of_category = {category_id: label for label, category_id in enumerate(category_ids)}
    ground_truth: Dict[int, List[dict]] = defaultdict(list)
    for annotation in coco['annotations']:
        if annotation['category_id'] not in label_of_category:
            raise ValueError(f'Annotation {annotation.get("id")} has category_id '
                             f'{annotation["category_id"]}, which is not among the categories.')
        if not annotation.get('iscrowd', 0):
            ground_truth[annotation['image_id']].append(annotation)
    predicted_ids = [prediction['img_id'] for prediction in predictions]
    image_ids = {image['id'] for image in coco['images']}
    if len(set(predicted_ids)) != len(predicted_ids) or set(predicted_ids) != image_ids:
        raise ValueError(f'The predictions cover {len(set(predicted_ids) & image_ids)} of the '
                         f'{len(image_ids)} images of the annotation file (with '
                         f'{len(set(predicted_ids) - image_ids)} other image ids and '
                         f'{len(predicted_ids) - len(set(predicted_ids))} repeats); expected '
                         'each image once: were they made on another split?')

    groups: Dict[str, Dict[str, List[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    taken_for: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    num_confident = num_matched = num_ground_truth = 0
    for prediction in predictions:
        instances = prediction['pred_instances']
        scores = torch.as_tensor(instances['scores'])
        confident = scores >= score_thr
        boxes = torch.as_tensor(instances['bboxes'])[confident].reshape(-1, 4)
        labels = torch.as_tensor(instances['labels'])[confident]
        if len(labels) and int(labels.max()) >= len(category_ids):
            raise ValueError(f'A prediction on image {prediction["img_id"]} has label '
                             f'{int(labels.max())}, but the annotation file has '
                             f'{len(category_ids)} categories.')
        annotations = ground_truth[prediction['img_id']]
        gt_boxes = torch.tensor([[x, y, x + w, y + h] for x, y, w, h in
                                 (a['bbox'] for a in annotations)]).reshape(-1, 4)
        gt_labels = torch.tensor([label_of_category[a['category_id']] for a in annotations],
                                 dtype=torch.long)
        matches = greedy_match(boxes, labels, scores[confident], gt_boxes, gt_labels, iou_thr)
        found = set(matches[matches >= 0].tolist())
        for index, other_label in _taken_for_another_class(boxes, labels, gt_boxes, gt_labels,
                                                           found, iou_thr):
            true_name = category_names[annotations[index]['category_id']]
            taken_for[true_name][category_names[category_ids[other_label]]] += 1
        num_confident += len(boxes)
        num_matched += len(found)
        num_ground_truth += len(annotations)
        for index, annotation in enumerate(annotations):
            for group, kind in object_kinds(annotation, category_names).items():
                counts = groups[group][kind]
                counts[0] += index in found
                counts[1] += 1
    return RecallByKind(
        precision=num_matched / num_confident if num_confident else float('nan'),
        recall=num_matched / num_ground_truth if num_ground_truth else float('nan'),
        boxes_per_image=num_confident / max(len(predictions), 1),
        groups={group: {kind: RecallCount(*counts) for kind, counts in sorted(kinds.items())}
                for group, kinds in groups.items()},
        taken_for={name: dict(sorted(others.items()))
                   for name, others in sorted(taken_for.items())})


def _taken_for_another_class(boxes: torch.Tensor, labels: torch.Tensor, gt_boxes: torch.Tensor,
                             gt_labels: torch.Tensor, found: Set[int],
                             iou_thr: float) -> Iterator[Tuple[int, int]]:
    """Yields (ground-truth index, label) for each unfound object that a box of another class
    covers with IoU >= ``iou_thr`` (the label of the highest-IoU such box).

    Args:
        boxes (Tensor): (P, 4) confident boxes, x1y1x2y2.
        labels (Tensor): (P,) their labels.
        gt_boxes (Tensor): (G, 4) ground-truth boxes, x1y1x2y2.
        gt_labels (Tensor): (G,) their labels.
        found (set[int]): Indices of the ground-truth boxes that a box of their class matched.
        iou_thr (float): Smallest IoU of a cover.
    """
    if len(boxes) == 0 or len(gt_boxes) == 0:
        return
    ious = bbox_overlaps(gt_boxes.float(), boxes.float())  # (G, P)
    ious = ious.masked_fill(gt_labels[:, None] == labels[None, :], -1.0)
    best_ious, best_boxes = ious.max(dim=1)
    for index in range(len(gt_boxes)):
        if index not in found and best_ious[index] >= iou_thr:
            yield index, int(labels[best_boxes[index]])
