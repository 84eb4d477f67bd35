"""Per-class pseudo-label thresholds that match the labeled set's boxes per image.

The fixed tau = 0.7 assumes a confident teacher. On a new dataset the teacher after burn-in is
rarely that confident: its boxes seldom pass 0.7, and the unlabeled loss teaches most objects as
background. Distribution matching (as Efficient Teacher's epoch adaptor does) sets each class's
threshold so that the teacher's pseudo-boxes of that class per image, over recent unlabeled
batches, number what the labeled set has per image. Written by hand: no MMDetection-family
codebase adapts the threshold.
"""
from typing import List, Optional, Sequence

import torch
from mmdet.registry import MODELS
from mmengine.dist import all_reduce
from mmengine.structures import InstanceData
from torch import Tensor

from .fixed_threshold import FixedThreshold


def score_histogram(detections: List[InstanceData], num_classes: int, bins: int) -> Tensor:
    """Counts of the detections' scores per class in ``bins`` equal bins over [0, 1].

    Args:
        detections (list[InstanceData]): Per image, ``scores`` (N,) and ``labels`` (N,).
        num_classes (int): C.
        bins (int): B.

    Returns:
        Tensor: (C, B) float64 counts; bin b holds scores in [b / B, (b + 1) / B), up to the
        rounding of float32 scores.
    """
    histogram = torch.zeros(num_classes * bins, dtype=torch.float64)
    if not detections:
        return histogram.view(num_classes, bins)
    # one transfer per batch, not per image
    scores = torch.cat([instances.scores.detach() for instances in detections]).cpu()
    labels = torch.cat([instances.labels for instances in detections]).cpu()
    # + 1e-4 bin: a float32 score on a bin edge (0.45 is 0.44999998...) counts above it
    score_bins = (scores.double() * bins + 1e-4).long().clamp_(0, bins - 1)
    histogram.index_add_(0, labels * bins + score_bins,
                         torch.ones(len(scores), dtype=torch.float64))
    return histogram.view(num_classes, bins)


def density_matching_thresholds(counts: Tensor, num_images: float, target: Tensor,
                                fallback: float, thr_range: Sequence[float]) -> Tensor:
    """The per-class thresholds that keep ``target`` boxes per image, clamped to ``thr_range``.

    For class c, the kept bins are the fewest top bins whose boxes number at least
    ``target[c] * num_images``; the threshold lies half a bin below the lowest kept bin, so
    every score of a kept bin is above it (resolution: one bin). A class whose detections are
    too few keeps them all (the threshold goes to the low clamp); a class with no labeled box
    (``target[c] == 0``) gets ``fallback``.

    Args:
        counts (Tensor): (C, B) score counts (:func:`score_histogram`, summed over batches).
        num_images (float): Images those counts come from (> 0).
        target (Tensor): (C,) labeled boxes per image.
        fallback (float): Threshold of a class without labeled boxes.
        thr_range (tuple[float, float]): (tau_min, tau_max).

    Returns:
        Tensor: (C,) float32 thresholds.
    """
    num_classes, bins = counts.shape
    # at_or_above[c, b]: boxes of class c with a score in bin b or higher
    at_or_above = counts.flip(1).cumsum(1).flip(1)
    wanted = target.double().cpu() * num_images
    thresholds = torch.full((num_classes, ), float(fallback), dtype=torch.float64)
    for c in range(num_classes):
        if target[c] <= 0:
            continue
        enough = torch.nonzero(at_or_above[c] >= wanted[c]).flatten()
        if len(enough) == 0:
            thresholds[c] = thr_range[0]
            continue
        lowest_kept = int(enough.max())
        thresholds[c] = (lowest_kept - 0.5) / bins
        thresholds[c] = thresholds[c].clamp(*thr_range)
    return thresholds.float()


@MODELS.register_module()
class DensityMatchingThreshold(FixedThreshold):
    """Per-class thresholds re-derived every ``interval`` steps by distribution matching.

    Every step the teacher's detections are added to a per-class score histogram that decays by
    ``1 - 1 / window`` per step (an exponential window over about ``window`` recent unlabeled
    batches); in distributed training each step's histogram is summed over the ranks first, so
    every rank holds the same histogram and thresholds. Every ``interval`` steps each class's
    threshold is set by :func:`density_matching_thresholds` against the labeled boxes per image
    of that class, clamped to ``thr_range``; until the first update, and for classes without
    labeled boxes, ``thr`` holds. The histogram, the step count and the thresholds are buffers:
    saved in checkpoints and restored on resume.

    Args:
        thr (float): Initial and fallback threshold (``semi_train_cfg.cls_pseudo_thr``).
        num_classes (int): Classes of the detector.
        thr_range (tuple[float, float]): (tau_min, tau_max), in (0, 1). Defaults to (0.3, 0.9).
        interval (int): Steps between updates. Defaults to 10.
        window (float): Steps over which the histogram decays by 1/e. Defaults to 50.
        bins (int): Score bins over [0, 1] (the thresholds' resolution). Defaults to 1000.
        ignore_density_ratio (float, optional): With a value r > 1, the lower end of each
            class's ignore band is where the teacher's boxes per image reach r times the
            labeled density (clamped to [tau_min, upper]); None (default): no band.
    """

    def __init__(self, thr: float, num_classes: int, thr_range: Sequence[float] = (0.3, 0.9),
                 interval: int = 10, window: float = 50, bins: int = 1000,
                 ignore_density_ratio: Optional[float] = None) -> None:
        super().__init__(thr, num_classes)
        low, high = thr_range
        if not 0.0 < low <= high < 1.0:
            raise ValueError('DensityMatchingThreshold: thr_range must be (tau_min, tau_max) '
                             f'with 0 < tau_min <= tau_max < 1, got {tuple(thr_range)!r}.')
        for name, value in (('interval', interval), ('window', window), ('bins', bins)):
            if value < 1:
                raise ValueError(f'DensityMatchingThreshold: {name} must be >= 1, got '
                                 f'{value!r}.')
        if ignore_density_ratio is not None and ignore_density_ratio <= 1:
            raise ValueError('DensityMatchingThreshold: ignore_density_ratio must be > 1 or '
                             f'None, got {ignore_density_ratio!r}.')
        self.thr_range = (float(low), float(high))
        self.interval = int(interval)
        self.decay = 1.0 - 1.0 / window
        self.bins = int(bins)
        self.ignore_density_ratio = ignore_density_ratio
        self.register_buffer('score_counts', torch.zeros(num_classes, bins, dtype=torch.float64))
        self.register_buffer('image_count', torch.zeros((), dtype=torch.float64))
        self.register_buffer('steps', torch.zeros((), dtype=torch.int64))
        self.register_buffer('upper_thr', torch.full((num_classes, ), float(thr)))
        self.register_buffer('lower_thr', torch.full((num_classes, ), float(thr)))
        self.register_buffer('labeled_density', torch.zeros(num_classes))

    @property
    def has_band(self) -> bool:
        return self.ignore_density_ratio is not None

    def upper(self) -> Tensor:
        return self.upper_thr.clone()

    def lower(self) -> Tensor:
        return self.lower_thr.clone()

    def set_labeled_density(self, boxes_per_image: Tensor) -> None:
        """Sets the (num_classes,) labeled boxes per image that the thresholds match."""
        if boxes_per_image.shape != (self.num_classes, ):
            raise ValueError(f'DensityMatchingThreshold: the labeled density has shape '
                             f'{tuple(boxes_per_image.shape)}, expected ({self.num_classes},) '
                             "(the detector's classes).")
        self.labeled_density.copy_(boxes_per_image)

    @torch.no_grad()
    def observe(self, detections: List[InstanceData]) -> None:
        """Adds one step's teacher detections (all ranks) and updates every ``interval``."""
        device = self.score_counts.device
        batch = torch.cat([score_histogram(detections, self.num_classes, self.bins).flatten(),
                           torch.tensor([float(len(detections))], dtype=torch.float64)])
        batch = batch.to(device)
        all_reduce(batch, op='sum')  # in place; a no-op outside distributed training
        self.score_counts.mul_(self.decay).add_(batch[:-1].view(self.num_classes, self.bins))
        self.image_count.mul_(self.decay).add_(batch[-1])
        self.steps += 1
        if int(self.steps) % self.interval == 0:
            self._update()

    def _update(self) -> None:
        counts, images = self.score_counts.cpu(), float(self.image_count)
        upper = density_matching_thresholds(counts, images, self.labeled_density.cpu(),
                                            self.thr, self.thr_range)
        self.upper_thr.copy_(upper)
        if self.has_band:
            lower = density_matching_thresholds(
                counts, images, self.labeled_density.cpu() * self.ignore_density_ratio,
                self.thr, (self.thr_range[0], 1.0))
            self.lower_thr.copy_(torch.minimum(lower, upper))
        else:
            self.lower_thr.copy_(upper)
