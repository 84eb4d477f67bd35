"""Per-class thresholds applied to a batch of scored pseudo-boxes."""
import torch
from mmdet.models.task_modules.assigners import BaseAssigner
from mmdet.structures import SampleList
from mmengine.structures import InstanceData
from torch import Tensor, nn


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


def check_band_assigners(detector: nn.Module) -> None:
    """Refuses an ignore band whose boxes no assigner of the student would ignore.

    mmdet's ``MaxIoUAssigner`` ignores the proposals that overlap ``ignored_instances`` only
    when its ``ignore_iof_thr`` is above 0 (mmdet's configs set -1). The assigners checked are
    those the built detector holds (e.g. ``rpn_head.assigner``, ``roi_head.bbox_assigner``,
    RetinaNet's ``bbox_head.assigner``), so an ``assigner`` the config sets under a
    ``train_cfg`` key the detector never reads does not count.

    Args:
        detector (nn.Module): The built student.

    Raises:
        ValueError: When none of its assigners has ``ignore_iof_thr`` > 0.
    """
    assigners = {(f'{module_name}.' if module_name else '') + attribute: value
                 for module_name, module in detector.named_modules()
                 for attribute, value in vars(module).items() if isinstance(value, BaseAssigner)}
    if not any(getattr(assigner, 'ignore_iof_thr', -1) > 0 for assigner in assigners.values()):
        raise ValueError(
            'The ignore band needs assigners that ignore proposals on its boxes: set '
            'ignore_iof_thr > 0 (e.g. 0.5) in the model.detector.train_cfg entries of the '
            f'assigners the detector uses ({", ".join(assigners) or "none found"}; now -1 or '
            'unset).')
