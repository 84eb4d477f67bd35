"""PseudoLabelDensityHook: the labeled density reaches the threshold policy, intervals are
logged per class, and the not-confident warning fires once, only when pseudo-boxes are scarce."""
import logging
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub

from mum.engine.hooks import PseudoLabelDensityHook
from mum.engine.hooks.pseudo_label_density_hook import labeled_boxes_per_image
from mum.models.pseudo_thresholds import DensityMatchingThreshold


class _Dataset:
    """Two labeled images: 3 boxes of class 0 and 1 of class 1 (one more, ignored)."""
    metainfo = dict(classes=('cell', 'blob'))

    def __len__(self):
        return 2

    def get_data_info(self, index):
        labels = [[0, 0, 1], [0]][index]
        instances = [dict(bbox_label=label, ignore_flag=0) for label in labels]
        return dict(instances=instances + [dict(bbox_label=1, ignore_flag=1)])


class _Logger:

    def __init__(self):
        self.records = []

    def info(self, message):
        self.records.append((logging.INFO, message))

    def log(self, level, message):
        self.records.append((level, message))

    def warnings(self):
        return [m for level, m in self.records if level == logging.WARNING]


def _runner():
    model = torch.nn.Module()
    model.pseudo_thresholds = DensityMatchingThreshold(0.7, num_classes=2)
    model.pseudo_box_counts = torch.zeros(2)
    model.pseudo_image_count = 0
    dataset = SimpleNamespace(datasets=[_Dataset(), _Dataset()], metainfo=_Dataset.metainfo)
    return SimpleNamespace(model=model, iter=0, logger=_Logger(),
                           message_hub=MessageHub.get_instance('density_hook_test'),
                           train_dataloader=SimpleNamespace(dataset=dataset))


def _run(hook, runner, boxes_per_interval, interval_iters=10):
    """One interval per entry: that many pseudo-boxes of class 0 over 10 images."""
    for boxes in boxes_per_interval:
        runner.model.pseudo_box_counts += torch.tensor([float(boxes), 0.0])
        runner.model.pseudo_image_count += 10
        runner.iter += interval_iters
        hook.after_train_iter(runner, 0)


def test_labeled_density_counts_boxes_per_image_without_ignored_ones():
    assert labeled_boxes_per_image(_Dataset(), 2).tolist() == [1.5, 0.5]


def test_the_labeled_density_reaches_the_policy_and_intervals_are_logged():
    runner, hook = _runner(), PseudoLabelDensityHook(interval=10)
    hook.before_train(runner)
    assert runner.model.pseudo_thresholds.labeled_density.tolist() == [1.5, 0.5]
    runner.iter = 9  # iteration 10: the end of an interval
    runner.model.pseudo_box_counts += torch.tensor([15.0, 2.0])
    runner.model.pseudo_image_count += 10
    hook.after_train_iter(runner, 0)
    assert runner.logger.records[-1][1] == (
        'Pseudo-boxes per image up to iteration 10: 1.70 (labeled 2.00); per class, pseudo '
        '(labeled) at threshold: cell 1.50 (1.50) at 0.700, blob 0.20 (0.50) at 0.700')
    assert runner.message_hub.get_scalar('train/pseudo_per_img/blob').current() == \
        pytest.approx(0.2)
    assert runner.model.pseudo_image_count == 0 and runner.model.pseudo_box_counts.sum() == 0


def test_the_warning_fires_once_when_the_teacher_stays_unconfident():
    runner, hook = _runner(), PseudoLabelDensityHook(interval=10, patience=3)
    hook.before_train(runner)
    runner.iter = -1
    _run(hook, runner, [2, 2, 30, 2, 2])  # 0.2 per image against 2.0: sparse, but interrupted
    assert runner.logger.warnings() == []
    _run(hook, runner, [2, 2, 2, 2])  # the third sparse interval in a row, and more
    assert runner.logger.warnings() == [(
        'The teacher is not confident: 0.20 pseudo-boxes per image against 2.00 labeled boxes '
        'per image, below 0.25 of it for 3 intervals of 10 iterations, at thresholds 0.700; the '
        'unlabeled loss teaches the missed objects as background. Set '
        "model.semi_train_cfg.pseudo_thr_policy=dict(type='DensityMatchingThreshold') (see "
        "docs/mum_on_your_detector.md, 'Your teacher is not confident').")]


def test_no_warning_when_the_density_is_fine():
    runner, hook = _runner(), PseudoLabelDensityHook(interval=10, patience=1)
    hook.before_train(runner)
    runner.iter = -1
    _run(hook, runner, [15, 18, 20, 6])  # at least 0.6 per image: above a quarter of 2.0
    assert runner.logger.warnings() == []
