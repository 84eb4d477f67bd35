"""Grad-CAM of a two-stage mmdet detector's class scores on one feature level.

Grad-CAM (Selvaraju et al., 2017): for a scalar target ``y`` and a feature map ``A`` (C, h, w),
``cam = ReLU(sum_c w_c A_c)`` with ``w_c`` the spatial mean of ``dy / dA_c``. Here ``A`` is one
output level of the detector's neck, recorded with a forward hook and an autograd hook on the
tensor, and ``y`` is the best class score of one class over the RoI head's proposals (the
softmax probability, before NMS: the highest-scoring detection of that class has this score).

The RoI head pools each proposal from one FPN level (mmdet's ``map_roi_levels``), so the score
has a gradient only on the level its box is pooled from; :func:`best_class_score` reports it.
"""
from dataclasses import dataclass
from functools import partial
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


class FeatureGradientRecorder:
    """Records every output level of ``module`` and, after ``backward``, their gradients.

    Use as a context manager around the forward pass: a forward hook keeps the output levels
    and registers an autograd hook on each, which stores the gradient reaching it on every
    ``backward`` (levels the target does not depend on get none).

    Args:
        module (nn.Module): Module whose output is a tensor or a sequence of tensors (a neck).
        cut_graph (bool): Replace the outputs by detached copies that require grad, so that
            ``backward`` stops at them (nothing before ``module`` gets gradients; much cheaper
            than back-propagating into the backbone). Defaults to True.
    """

    def __init__(self, module: nn.Module, cut_graph: bool = True) -> None:
        self.module = module
        self.cut_graph = cut_graph
        self.activations: List[Tensor] = []
        self.gradients: Dict[int, Tensor] = {}
        self._handle = None

    def _forward_hook(self, module, inputs, output):
        is_sequence = isinstance(output, (tuple, list))
        levels = list(output) if is_sequence else [output]
        if self.cut_graph:
            levels = [level.detach().requires_grad_(True) for level in levels]
        elif not all(level.requires_grad for level in levels):
            raise RuntimeError('The recorded features do not require grad: run the forward '
                               'pass under torch.enable_grad() with inputs that require grad.')
        self.activations = levels
        self.gradients = {}
        for index, level in enumerate(levels):
            level.register_hook(partial(self._store_gradient, index))
        if not self.cut_graph:
            return None
        return type(output)(levels) if is_sequence else levels[0]

    def _store_gradient(self, index: int, gradient: Tensor) -> None:
        self.gradients[index] = gradient

    def clear_gradients(self) -> None:
        """Forgets the gradients of the previous ``backward``."""
        self.gradients = {}

    def __enter__(self) -> 'FeatureGradientRecorder':
        self._handle = self.module.register_forward_hook(self._forward_hook)
        return self

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None


def grad_cam(activation: Tensor, gradient: Optional[Tensor]) -> Tensor:
    """Grad-CAM map from a feature map and its gradient.

    Args:
        activation (Tensor): (B, C, h, w) features.
        gradient (Tensor | None): (B, C, h, w) gradient of the target; None (the target did
            not depend on these features) gives zeros.

    Returns:
        Tensor: (B, h, w) ``ReLU(sum_c mean_hw(grad_c) * A_c)``, detached.
    """
    activation = activation.detach()
    if gradient is None:
        return activation.new_zeros(activation.shape[0], *activation.shape[2:])
    weights = gradient.detach().mean(dim=(2, 3), keepdim=True)
    return F.relu((weights * activation).sum(dim=1))


@dataclass
class ClassScore:
    """The best score of one class over the proposals of one image.

    Attributes:
        score (Tensor): Scalar, differentiable w.r.t. the features.
        box (np.ndarray): (4,) refined box of that proposal, in original image pixels.
        roi_level (int): Feature level the RoI head pooled the proposal from.
    """
    score: Tensor
    box: np.ndarray
    roi_level: int


def best_class_score(detector: nn.Module, features: Sequence[Tensor], data_sample,
                     class_index: int) -> Optional[ClassScore]:
    """Highest score of ``class_index`` over the RPN proposals of one image.

    Args:
        detector (nn.Module): An mmdet two-stage detector (``rpn_head`` and a ``roi_head`` with
            ``bbox_roi_extractor`` and ``bbox_head``).
        features (Sequence[Tensor]): The neck's levels for a batch of one image.
        data_sample (DetDataSample): The image's sample (``img_shape``, ``scale_factor``).
        class_index (int): Foreground class index in [0, K).

    Returns:
        ClassScore | None: The score (as the RoI head computes it before NMS), its box and
        its level; None when the RPN proposes nothing.
    """
    from mmdet.structures.bbox import bbox2roi

    if not (hasattr(detector, 'rpn_head') and hasattr(detector, 'roi_head')):
        raise TypeError(f'Grad-CAM of class scores needs a two-stage detector, got '
                        f'{type(detector).__name__}.')
    roi_head = detector.roi_head
    with torch.no_grad():
        proposals = detector.rpn_head.predict([f.detach() for f in features], [data_sample],
                                              rescale=False)
    rois = bbox2roi([proposals[0].bboxes])
    if rois.shape[0] == 0:
        return None
    outputs = roi_head._bbox_forward(tuple(features), rois)
    results = roi_head.bbox_head.predict_by_feat(
        rois=(rois, ), cls_scores=(outputs['cls_score'], ), bbox_preds=(outputs['bbox_pred'], ),
        batch_img_metas=[data_sample.metainfo], rcnn_test_cfg=None, rescale=True)[0]
    num_classes = roi_head.bbox_head.num_classes
    if not 0 <= class_index < num_classes:
        raise IndexError(f'Class index {class_index} is outside the head\'s {num_classes} '
                         'classes.')
    scores = results.scores[:, class_index]
    best = int(scores.argmax())
    boxes = results.bboxes.view(rois.shape[0], -1, 4)
    box = boxes[best, class_index if boxes.shape[1] > 1 else 0]
    extractor = roi_head.bbox_roi_extractor
    level = int(extractor.map_roi_levels(rois[best:best + 1], extractor.num_inputs)[0])
    return ClassScore(scores[best], box.detach().cpu().numpy(), level)


def cam_on_image(cam: Tensor, batch_input_shape: Sequence[int], img_shape: Sequence[int],
                 ori_shape: Sequence[int]) -> np.ndarray:
    """Brings a feature-level map back to the original image: upsample, crop padding, resize.

    Args:
        cam (Tensor): (h, w) map covering the padded batch input.
        batch_input_shape (Sequence[int]): (H, W) of the padded batch.
        img_shape (Sequence[int]): (h_img, w_img) of the resized image inside it.
        ori_shape (Sequence[int]): (H0, W0) of the original image.

    Returns:
        np.ndarray: (H0, W0) float32 map.
    """
    up = F.interpolate(cam[None, None].float(), size=tuple(batch_input_shape), mode='bilinear',
                       align_corners=False)
    up = up[..., :img_shape[0], :img_shape[1]]
    up = F.interpolate(up, size=tuple(ori_shape[:2]), mode='bilinear', align_corners=False)
    return up[0, 0].cpu().numpy().astype(np.float32)
