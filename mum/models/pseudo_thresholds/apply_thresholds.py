"""Per-class thresholds applied to a batch of scored pseudo-boxes."""
import torch
from mmdet.structures import SampleList
from mmengine.structures import InstanceData
from torch import Tensor


def apply_thresholds(batch_data_samples: SampleList, upper: Tensor, lower: Tensor) -> Tensor:
    """Keeps each sample's boxes scored above their class's ``upper`` threshold as its
    ``gt_instances``; those scored above ``lower`` but not above ``upper`` (the ignore band)
    become its ``ignored_instances``, which always replace what the sample had (so an unlabeled
    image's own crowd boxes never reach the student).

    Args:
        batch_data_samples (list[DetDataSample]): Samples whose ``gt_instances`` hold scored
            boxes (``bboxes``, ``labels`` (N,), ``scores`` (N,)); changed in place.
        upper (Tensor): (C,) thresholds of the pseudo-labels.
        lower (Tensor): (C,) lower ends of the ignore band (``lower == upper``: no band).

    Returns:
        Tensor: (C,) number of kept boxes per class in the batch.
    """
    kept_labels = []
    for sample in batch_data_samples:
        instances = sample.gt_instances
        labels, scores = instances.labels, instances.scores
        upper_of_box = upper.to(scores.device)[labels]
        kept = scores > upper_of_box
        uncertain = ~kept & (scores > lower.to(scores.device)[labels])
        sample.ignored_instances = InstanceData(bboxes=instances.bboxes[uncertain],
                                                labels=labels[uncertain])
        sample.gt_instances = instances[kept]
        kept_labels.append(labels[kept])
    if not kept_labels:
        return upper.new_zeros(len(upper))
    # one transfer per batch, not per image
    return torch.cat(kept_labels).bincount(minlength=len(upper)).cpu().to(upper.dtype)


def check_band_assigners(detector_cfg: dict) -> None:
    """Refuses an ignore band whose boxes no assigner of the student would ignore.

    mmdet's ``MaxIoUAssigner`` ignores the proposals that overlap ``ignored_instances`` only
    when its ``ignore_iof_thr`` is above 0 (mmdet's configs set -1).

    Args:
        detector_cfg (dict): The student's config (``model.detector``).

    Raises:
        ValueError: When no assigner under its ``train_cfg`` has ``ignore_iof_thr`` > 0.
    """
    assigners = {}

    def collect(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == 'assigner' and isinstance(value, dict):
                    assigners[f'{path}.assigner'] = value.get('ignore_iof_thr', -1)
                collect(value, f'{path}.{key}')
        elif isinstance(node, (list, tuple)):
            for index, value in enumerate(node):
                collect(value, f'{path}.{index}')

    collect(detector_cfg.get('train_cfg') or {}, 'model.detector.train_cfg')
    if not any(threshold > 0 for threshold in assigners.values()):
        raise ValueError(
            'The ignore band needs assigners that ignore proposals on its boxes: set '
            f'ignore_iof_thr > 0 (e.g. 0.5) in {", ".join(assigners) or "the detector train_cfg"}'
            ' (now -1 or unset).')
