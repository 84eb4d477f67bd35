"""Pseudo-boxes per image per class next to the labeled set's, and one warning when too few."""
import logging
from typing import Optional, Sequence

import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import Tensor

DENSITY_KEY = 'model.semi_train_cfg.pseudo_thr_policy'


def labeled_boxes_per_image(dataset, num_classes: int) -> Tensor:
    """(num_classes,) mean boxes per image of each class in ``dataset`` (ignored boxes left out).

    Args:
        dataset: An mmdet dataset whose data infos hold ``instances`` with ``bbox_label`` and
            ``ignore_flag``.
        num_classes (int): C.

    Returns:
        Tensor: (C,) boxes per image; zeros for an empty dataset.
    """
    counts = torch.zeros(num_classes)
    for index in range(len(dataset)):
        labels = [instance['bbox_label'] for instance in dataset.get_data_info(index)['instances']
                  if not instance.get('ignore_flag', 0) and instance['bbox_label'] < num_classes]
        counts += torch.bincount(torch.tensor(labels, dtype=torch.long),
                                 minlength=num_classes).float()
    return counts / max(len(dataset), 1)


@HOOKS.register_module()
class PseudoLabelDensityHook(Hook):
    """Logs the teacher's pseudo-boxes per image per class against the labeled set's, and warns
    once when the teacher is not confident.

    Before training it counts the labeled set's boxes per image per class (the first training
    source) and hands them to the model's threshold policy (``DensityMatchingThreshold`` matches
    them). Every ``interval`` iterations with pseudo-labels it logs, per class, the pseudo-boxes
    per image of those iterations, the labeled boxes per image and the threshold in force (also
    as scalars ``pseudo_per_img/CLASS`` and ``pseudo_thr/CLASS``). When the pseudo-boxes per
    image stay below ``warn_ratio`` times the labeled density for ``patience`` intervals in a
    row, it prints one warning line, once per run. Models without a threshold policy (not a
    :class:`~mum.models.detectors.MUMTeacher`) are left alone.

    Args:
        interval (int): Iterations per logged interval. Defaults to 50.
        warn_ratio (float): Fraction of the labeled density below which an interval counts as
            too sparse. Defaults to 0.25.
        patience (int): Sparse intervals in a row before the warning. Defaults to 3.
    """
    priority = 'LOW'

    def __init__(self, interval: int = 50, warn_ratio: float = 0.25, patience: int = 3) -> None:
        if interval < 1 or patience < 1 or not 0 < warn_ratio < 1:
            raise ValueError('PseudoLabelDensityHook: interval and patience must be >= 1 and '
                             f'warn_ratio in (0, 1), got {interval!r}, {patience!r}, '
                             f'{warn_ratio!r}.')
        self.interval = interval
        self.warn_ratio = warn_ratio
        self.patience = patience
        self.labeled_density: Optional[Tensor] = None
        self.sparse_intervals = 0
        self.warned = False

    def before_train(self, runner) -> None:
        model = _semi_model(runner)
        if model is None:
            return
        num_classes = len(model.pseudo_box_counts)
        labeled = runner.train_dataloader.dataset
        labeled = labeled.datasets[0] if hasattr(labeled, 'datasets') else labeled
        self.labeled_density = labeled_boxes_per_image(labeled, num_classes)
        model.pseudo_thresholds.set_labeled_density(self.labeled_density.clone())
        runner.logger.info(f'Labeled set: {float(self.labeled_density.sum()):.2f} boxes per '
                           f'image ({_per_class(runner, self.labeled_density)}).')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        model = _semi_model(runner)
        if (model is None or self.labeled_density is None
                or not self.every_n_train_iters(runner, self.interval)
                or model.pseudo_image_count == 0):
            return
        density = model.pseudo_box_counts / model.pseudo_image_count
        thresholds = model.pseudo_thresholds.upper()
        model.pseudo_box_counts.zero_()
        model.pseudo_image_count = 0
        names = _class_names(runner, len(density))
        for name, value, threshold in zip(names, density.tolist(), thresholds.tolist()):
            runner.message_hub.update_scalar(f'train/pseudo_per_img/{name}', value)
            runner.message_hub.update_scalar(f'train/pseudo_thr/{name}', threshold)
        total, target = float(density.sum()), float(self.labeled_density.sum())
        runner.logger.info(
            f'Pseudo-boxes per image up to iteration {runner.iter + 1}: {total:.2f} (labeled '
            f'{target:.2f}); per class, pseudo (labeled) at threshold: '
            + ', '.join(f'{n} {d:.2f} ({t:.2f}) at {h:.3f}' for n, d, t, h in zip(
                names, density.tolist(), self.labeled_density.tolist(), thresholds.tolist())))
        self.sparse_intervals = self.sparse_intervals + 1 if total < self.warn_ratio * target else 0
        if self.sparse_intervals >= self.patience and not self.warned:
            self.warned = True
            runner.logger.log(logging.WARNING, (
                f'The teacher is not confident: {total:.2f} pseudo-boxes per image against '
                f'{target:.2f} labeled boxes per image, below {self.warn_ratio:g} of it for '
                f'{self.sparse_intervals} intervals of {self.interval} iterations, at thresholds '
                f'{_range(thresholds)}; the unlabeled loss teaches the missed objects as '
                f"background. Set {DENSITY_KEY}=dict(type='DensityMatchingThreshold') (see "
                "docs/mum_on_your_detector.md, 'Your teacher is not confident')."))


def _semi_model(runner):
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    return model if hasattr(model, 'pseudo_thresholds') else None


def _class_names(runner, num_classes: int) -> Sequence[str]:
    classes = (getattr(runner.train_dataloader.dataset, 'metainfo', None) or {}).get('classes')
    if classes is None or len(classes) != num_classes:
        return [str(index) for index in range(num_classes)]
    return [str(name) for name in classes]


def _per_class(runner, values: Tensor) -> str:
    return ', '.join(f'{name} {value:.2f}'
                     for name, value in zip(_class_names(runner, len(values)), values.tolist()))


def _range(thresholds: Tensor) -> str:
    low, high = float(thresholds.min()), float(thresholds.max())
    return f'{low:.3f}' if low == high else f'{low:.3f}-{high:.3f}'
