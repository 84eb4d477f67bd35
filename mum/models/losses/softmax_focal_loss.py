"""Softmax focal loss over K + 1 classes, the RoI classification loss of Unbiased Teacher.

mmdet's FocalLoss is sigmoid-only (one-vs-all, no background logit), so this one is written here.
"""
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from mmdet.models.losses.utils import weight_reduce_loss
from mmdet.registry import MODELS
from torch import Tensor


def softmax_focal_loss(logits: Tensor, labels: Tensor, gamma: float) -> Tensor:
    """Per-sample softmax focal loss ``-(1 - p_t) ** gamma * log(p_t)``.

    Args:
        logits (Tensor): (N, K + 1) class scores before softmax (background is one class).
        labels (Tensor): (N,) int64 target classes in [0, K].
        gamma (float): Focusing parameter; 0 gives cross-entropy.

    Returns:
        Tensor: (N,) loss of each sample.
    """
    cross_entropy = F.cross_entropy(logits, labels, reduction='none')
    prob_of_target = (-cross_entropy).exp()
    return (1.0 - prob_of_target).pow(gamma) * cross_entropy


@MODELS.register_module()
class SoftmaxFocalLoss(nn.Module):
    """Softmax focal loss, averaged over the sampled RoIs (as in Unbiased Teacher).

    Drop-in for ``loss_cls`` of mmdet's bbox heads (same call signature as CrossEntropyLoss).

    Args:
        gamma (float): Focusing parameter. Defaults to 1.5.
        reduction (str): 'none', 'mean' or 'sum'. Defaults to 'mean'.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self, gamma: float = 1.5, reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if gamma < 0:
            raise ValueError(f'SoftmaxFocalLoss: gamma must be >= 0, got {gamma!r}.')
        self.gamma = gamma
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> Tensor:
        """Computes the loss.

        Args:
            cls_score (Tensor): (N, K + 1) logits.
            label (Tensor): (N,) int64 targets in [0, K].
            weight (Tensor, optional): (N,) per-sample weights.
            avg_factor (float, optional): Divisor of the summed loss for 'mean' (mmdet passes
                the number of sampled RoIs).
            reduction_override (str, optional): Overrides ``reduction``.

        Returns:
            Tensor: Scalar loss (or (N,) with reduction 'none').
        """
        reduction = reduction_override or self.reduction
        loss = softmax_focal_loss(cls_score, label, self.gamma)
        if weight is not None:
            weight = weight.float()
        return self.loss_weight * weight_reduce_loss(
            loss, weight=weight, reduction=reduction, avg_factor=avg_factor)
