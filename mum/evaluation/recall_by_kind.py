"""Which objects a detector's confident boxes find, split by kind of object.

A teacher's pseudo-labels are its boxes above the score threshold; this counts, for every kind
of ground-truth object (its class, its COCO area range and each key of its annotation's
``attributes``, such as the demo's ``hue`` or ``covered``), how many of them such boxes find.
mmdet's CocoMetric gives AP per area range over all scores, not recall at one threshold.
"""
from collections import defaultdict
from typing import Dict, List, NamedTuple, Sequence

import torch

from .pseudo_label_quality import greedy_match

# COCO's area ranges in pixels of the original image, as CocoMetric uses them.
COCO_AREA_RANGES = (('small', 0.0, 32.0**2), ('medium', 32.0**2, 96.0**2),
                    ('large', 96.0**2, float('inf')))


class Found(NamedTuple):
    """Ground-truth boxes of one kind that a confident box matched, and all of that kind."""
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
        groups: ``{group: {kind: Found}}``; groups are ``class``, ``COCO area`` and the keys of
            the annotations' ``attributes``.
    """
    precision: float
    recall: float
    boxes_per_image: float
    groups: Dict[str, Dict[str, Found]]


def object_kinds(annotation: dict, category_names: Dict[int, str]) -> Dict[str, str]:
    """The kinds of one COCO annotation: ``{'class': name, 'COCO area': range, **attributes}``."""
    area = annotation.get('area', annotation['bbox'][2] * annotation['bbox'][3])
    area_range = next(name for name, low, high in COCO_AREA_RANGES if low <= area < high)
    kinds = {'class': category_names[annotation['category_id']], 'COCO area': area_range}
    kinds.update({key: str(value) for key, value in annotation.get('attributes', {}).items()})
    return kinds


def recall_by_kind(predictions: Sequence[dict], coco: dict, score_thr: float,
                   iou_thr: float = 0.5) -> RecallByKind:
    """Matches the confident boxes of each image to its ground truth and counts by kind.

    Matching is :func:`greedy_match` (class-aware, IoU >= ``iou_thr``), as in the training
    log's pseudo-label precision and recall. Crowd annotations are left out.

    Args:
        predictions: One dict per image as ``tools/test.py --out`` writes them: ``img_id`` and
            ``pred_instances`` with ``bboxes`` (N, 4) x1y1x2y2 in the original image,
            ``scores`` (N,) and ``labels`` (N,), label i being the i-th entry of
            ``coco['categories']``.
        coco: The COCO dict of the same images, with ground truth.
        score_thr: Boxes scoring at least this count (the pseudo-label threshold tau).
        iou_thr: Smallest IoU of a match.

    Returns:
        RecallByKind: overall precision, recall and boxes per image, and the counts by kind.

    Raises:
        ValueError: when a prediction names an image the COCO dict does not have.
    """
    category_ids = [category['id'] for category in coco['categories']]
    category_names = {category['id']: category['name'] for category in coco['categories']}
    ground_truth: Dict[int, List[dict]] = defaultdict(list)
    for annotation in coco['annotations']:
        if not annotation.get('iscrowd', 0):
            ground_truth[annotation['image_id']].append(annotation)
    image_ids = {image['id'] for image in coco['images']}

    groups: Dict[str, Dict[str, List[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    num_confident = num_matched = num_ground_truth = 0
    for prediction in predictions:
        image_id = prediction['img_id']
        if image_id not in image_ids:
            raise ValueError(f'The predictions name image id {image_id}, which the annotation '
                             'file does not have: were they made on another split?')
        instances = prediction['pred_instances']
        confident = torch.as_tensor(instances['scores']) >= score_thr
        boxes = torch.as_tensor(instances['bboxes'])[confident].reshape(-1, 4)
        labels = torch.as_tensor(instances['labels'])[confident]
        scores = torch.as_tensor(instances['scores'])[confident]
        annotations = ground_truth[image_id]
        gt_boxes = torch.tensor([[x, y, x + w, y + h] for x, y, w, h in
                                 (a['bbox'] for a in annotations)]).reshape(-1, 4)
        gt_labels = torch.tensor([category_ids.index(a['category_id']) for a in annotations],
                                 dtype=torch.long)
        matches = greedy_match(boxes, labels, scores, gt_boxes, gt_labels, iou_thr)
        found = set(matches[matches >= 0].tolist())
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
        groups={group: {kind: Found(*counts) for kind, counts in sorted(kinds.items())}
                for group, kinds in groups.items()})
