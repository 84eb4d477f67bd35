"""Threshold policies: the distribution-matching solver on hand-made scores, the ignore band at
the assigner, state across a checkpoint, and one set of thresholds over distributed ranks."""
import os
import socket

import pytest
import torch
import torch.multiprocessing as mp
from mmdet.models.task_modules import MaxIoUAssigner
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import bbox_overlaps
from mmengine.structures import InstanceData

from mum.models.pseudo_thresholds import (DensityMatchingThreshold, FixedThreshold,
                                          apply_thresholds, density_matching_thresholds,
                                          score_histogram)


def _detections(scores, labels):
    return InstanceData(scores=torch.tensor(scores), labels=torch.tensor(labels),
                        bboxes=torch.zeros(len(scores), 4))


def _counts(scores_per_class, bins=1000):
    scores = [s for class_scores in scores_per_class for s in class_scores]
    labels = [c for c, class_scores in enumerate(scores_per_class) for _ in class_scores]
    return score_histogram([_detections(scores, labels)], len(scores_per_class), bins)


def test_the_solver_keeps_the_labeled_density_per_class():
    # one image; class 0 wants 3 boxes, class 1 wants 1, class 2 has no labeled box
    counts = _counts([[0.95, 0.85, 0.75, 0.65, 0.55], [0.62, 0.41], [0.99, 0.2]])
    thresholds = density_matching_thresholds(counts, 1.0, torch.tensor([3.0, 1.0, 0.0]),
                                             fallback=0.7, thr_range=(0.3, 0.9))
    assert thresholds.tolist() == pytest.approx([0.7495, 0.6195, 0.7])
    # kept, as MUMTeacher keeps them (score strictly above): exactly 3 and 1
    assert sum(s > thresholds[0] for s in [0.95, 0.85, 0.75, 0.65, 0.55]) == 3
    assert sum(s > thresholds[1] for s in [0.62, 0.41]) == 1


def test_the_solver_clamps_and_scales_with_images():
    counts = _counts([[0.99, 0.98, 0.97], [0.31, 0.2, 0.1]])
    # two images of class 0 at 1 box each: the 2nd box's bin is 0.98 -> 0.9795, clamped to 0.9
    # class 1 wants 2 x 2 = 4 boxes but has 3: all kept, the low clamp
    thresholds = density_matching_thresholds(counts, 2.0, torch.tensor([1.0, 2.0]),
                                             fallback=0.7, thr_range=(0.3, 0.9))
    assert thresholds.tolist() == pytest.approx([0.9, 0.3])


def test_the_policy_updates_every_interval_from_a_decaying_window():
    policy = DensityMatchingThreshold(thr=0.7, num_classes=2, interval=2, window=1e9)
    policy.set_labeled_density(torch.tensor([1.0, 0.0]))
    policy.observe([_detections([0.5, 0.4], [0, 0])])
    assert policy.upper().tolist() == pytest.approx([0.7, 0.7])  # no update before interval
    policy.observe([_detections([0.45, 0.3], [0, 1])])
    # 2 images, 1 box each wanted of class 0: scores 0.5, 0.45 kept; class 1 keeps tau
    assert policy.upper().tolist() == pytest.approx([0.4495, 0.7])
    assert policy.lower().tolist() == policy.upper().tolist()  # no band


def test_fixed_keeps_what_mmdet_s_score_filter_keeps():
    from mmdet.models.utils import filter_gt_instances
    torch.manual_seed(0)
    samples = []
    for _ in range(3):
        sample = DetDataSample()
        sample.gt_instances = InstanceData(bboxes=torch.rand(50, 4), scores=torch.rand(50),
                                           labels=torch.randint(0, 4, (50, )))
        samples.append(sample)
    expected = filter_gt_instances([s.clone() for s in samples], score_thr=0.7)
    policy = FixedThreshold(0.7, num_classes=4)
    counts = apply_thresholds(samples, policy.upper(), policy.lower())
    for sample, kept in zip(samples, expected):
        assert torch.equal(sample.gt_instances.scores, kept.gt_instances.scores)
        assert len(sample.ignored_instances) == 0
    assert counts.sum() == sum(len(kept.gt_instances) for kept in expected)


def test_band_boxes_are_ignored_not_background():
    sample = DetDataSample()
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor([[0., 0., 10., 10.], [50., 50., 60., 60.]]),
        scores=torch.tensor([0.9, 0.5]), labels=torch.tensor([0, 0]))
    sample.ignored_instances = InstanceData(bboxes=torch.tensor([[90., 90., 99., 99.]]),
                                            labels=torch.tensor([0]))  # an image's crowd box
    policy = FixedThreshold(0.7, num_classes=1, ignore_thr=0.3)
    apply_thresholds([sample], policy.upper(), policy.lower())
    assert sample.gt_instances.scores.tolist() == [pytest.approx(0.9)]
    assert sample.ignored_instances.bboxes.tolist() == [[50., 50., 60., 60.]]
    # proposals: on the confident box, on the band box, on nothing
    proposals = InstanceData(priors=torch.tensor([[0., 0., 10., 10.], [50., 50., 60., 60.],
                                                  [20., 20., 30., 30.]]))
    assigner = MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.5,
                              ignore_iof_thr=0.5)
    result = assigner.assign(proposals, sample.gt_instances, sample.ignored_instances)
    # positive, ignored (no classification loss), background
    assert result.gt_inds.tolist() == [1, -1, 0]
    without_band = FixedThreshold(0.7, num_classes=1)
    sample.gt_instances = InstanceData(bboxes=torch.tensor([[0., 0., 10., 10.],
                                                            [50., 50., 60., 60.]]),
                                       scores=torch.tensor([0.9, 0.5]),
                                       labels=torch.tensor([0, 0]))
    apply_thresholds([sample], without_band.upper(), without_band.lower())
    result = assigner.assign(proposals, sample.gt_instances, sample.ignored_instances)
    assert result.gt_inds.tolist() == [1, 0, 0]  # without the band: background
    assert bbox_overlaps(proposals.priors[1:2], torch.tensor([[50., 50., 60., 60.]])) == 1


def test_adaptive_band_lies_between_the_ratio_density_and_the_upper_threshold():
    policy = DensityMatchingThreshold(thr=0.7, num_classes=1, interval=1, window=1e9,
                                      ignore_density_ratio=2.0)
    policy.set_labeled_density(torch.tensor([2.0]))
    policy.observe([_detections([0.9, 0.8, 0.6, 0.5, 0.2], [0, 0, 0, 0, 0])])
    assert policy.upper().tolist() == pytest.approx([0.7995])  # 2 boxes per image
    assert policy.lower().tolist() == pytest.approx([0.4995])  # 4 boxes per image


def test_state_round_trips_through_a_state_dict():
    def run(policy, batches):
        for batch in batches:
            policy.observe([_detections(*batch)])
        return policy
    torch.manual_seed(0)
    batches = [(torch.rand(6).tolist(), torch.randint(0, 3, (6, )).tolist()) for _ in range(7)]

    def new():
        policy = DensityMatchingThreshold(0.7, num_classes=3, interval=2, window=3)
        policy.set_labeled_density(torch.tensor([1.0, 0.5, 0.0]))
        return policy
    straight = run(new(), batches)
    first = run(new(), batches[:3])  # past an update, then "killed"
    resumed = new()
    resumed.load_state_dict(first.state_dict())
    run(resumed, batches[3:])
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key
    assert not torch.equal(straight.upper(), new().upper())  # the thresholds did move


def _rank_thresholds(rank, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    torch.distributed.init_process_group('gloo', rank=rank, world_size=2)
    policy = DensityMatchingThreshold(0.7, num_classes=2, interval=1, window=1e9)
    policy.set_labeled_density(torch.tensor([1.0, 1.0]))
    scores = [[0.9, 0.35], [0.6, 0.55]][rank]  # each rank sees other detections
    policy.observe([_detections(scores, [0, 1])])
    out[rank] = policy.upper().tolist()
    torch.distributed.destroy_process_group()


def test_ranks_hold_the_same_thresholds():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    out = mp.Manager().dict()
    mp.spawn(_rank_thresholds, args=(port, out), nprocs=2)
    single = DensityMatchingThreshold(0.7, num_classes=2, interval=1, window=1e9)
    single.set_labeled_density(torch.tensor([1.0, 1.0]))
    single.observe([_detections([0.9, 0.35], [0, 1]), _detections([0.6, 0.55], [0, 1])])
    assert out[0] == out[1] == single.upper().tolist()
    assert out[0] != [0.7, 0.7]


def test_policy_arguments_are_checked():
    with pytest.raises(ValueError, match=r'thr_range must be \(tau_min, tau_max\)'):
        DensityMatchingThreshold(0.7, 2, thr_range=(0.9, 0.3))
    with pytest.raises(ValueError, match=r'ignore_thr must be in \(0, thr=0.7\)'):
        FixedThreshold(0.7, 2, ignore_thr=0.8)
    with pytest.raises(ValueError, match=r'the labeled density has shape \(3,\), expected '):
        DensityMatchingThreshold(0.7, 2).set_labeled_density(torch.ones(3))
