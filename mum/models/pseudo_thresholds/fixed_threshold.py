"""The fixed pseudo-label threshold (tau) of Unbiased Teacher, as a threshold policy."""
from typing import List, Optional

import torch
from mmdet.registry import MODELS
from mmengine.structures import InstanceData
from torch import Tensor, nn


@MODELS.register_module()
class FixedThreshold(nn.Module):
    """One threshold for every class, and optionally an ignore band below it.

    A threshold policy tells :class:`~mum.models.detectors.MUMTeacher` which of the teacher's
    boxes are pseudo-labels (score strictly above :meth:`upper`) and which are uncertain (score
    above :meth:`lower` but not above :meth:`upper`: ignored by the student's assigners, neither
    object nor background). It sees the teacher's detections of each step (:meth:`observe`) and
    the labeled set's boxes per image per class (:meth:`set_labeled_density`); this one uses
    neither. It holds no state, so checkpoints are unchanged by it.

    Args:
        thr (float): tau, in (0, 1). Set from ``semi_train_cfg.cls_pseudo_thr``.
        num_classes (int): Classes of the detector.
        ignore_thr (float, optional): Lower end of the ignore band, in (0, thr); None (default):
            no band, every box at or below ``thr`` is background for the student.
    """

    def __init__(self, thr: float, num_classes: int, ignore_thr: Optional[float] = None) -> None:
        super().__init__()
        if not 0.0 < thr < 1.0:
            raise ValueError(f'FixedThreshold: thr must be in (0, 1), got {thr!r}.')
        if ignore_thr is not None and not 0.0 < ignore_thr < thr:
            raise ValueError(f'FixedThreshold: ignore_thr must be in (0, thr={thr}) or None, '
                             f'got {ignore_thr!r}.')
        self.thr = thr
        self.num_classes = num_classes
        self.ignore_thr = ignore_thr

    @property
    def has_band(self) -> bool:
        """Whether uncertain boxes are ignored (else they are background)."""
        return self.ignore_thr is not None

    def upper(self) -> Tensor:
        """(num_classes,) thresholds of the pseudo-labels (a box counts when score > it)."""
        return torch.full((self.num_classes, ), self.thr)

    def lower(self) -> Tensor:
        """(num_classes,) lower ends of the ignore band (equal to :meth:`upper`: no band)."""
        return torch.full((self.num_classes, ), self.ignore_thr or self.thr)

    def set_labeled_density(self, boxes_per_image: Tensor) -> None:
        """The labeled set's (num_classes,) boxes per image: unused by a fixed threshold."""

    def observe(self, detections: List[InstanceData]) -> None:
        """The teacher's detections of one step (``scores``, ``labels``): unused here."""
