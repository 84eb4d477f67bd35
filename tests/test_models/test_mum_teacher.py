"""One full semi-supervised iteration of the demo MUM config on real (tiny) batches."""
import copy
import logging
import os.path as osp

import pytest
import torch
from demo_batches import demo_config, first_batch
from mmdet.registry import MODELS
from mmdet.structures.bbox import get_box_tensor
from mmengine.logging import MessageHub, MMLogger

from mum.engine.hooks import EMATeacherHook


@pytest.fixture(scope='module')
def model_and_batch(demo_workspace):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    # a randomly initialised teacher scores every class near 1 / (K + 1): a low threshold
    # makes it "confident" so that pseudo-labels flow
    cfg.model.semi_train_cfg.cls_pseudo_thr = 0.05
    cfg.model.semi_train_cfg.burn_in_iters = 0
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model, first_batch(cfg)


def _losses(model, batch, data=None):
    MessageHub.get_current_instance().update_info('iter', 10)
    data = data or model.data_preprocessor(copy.deepcopy(batch), training=True)
    return model.loss(data['inputs'], data['data_samples'])


def test_pseudo_labels_flow_and_only_the_student_learns(model_and_batch):
    model, batch = model_and_batch
    EMATeacherHook().ema_update(model, keep=0.0)
    losses = _losses(model, batch)
    assert losses['unsup_pseudo_boxes_per_img'] > 0
    assert 0.05 < losses['unsup_pseudo_score_mean'] <= 1
    # the unlabeled images carry ground truth: the pseudo-labels' quality is logged (the values:
    # the oracle test below, where both are exactly 1)
    assert losses['unsup_pseudo_thr'] == pytest.approx(0.05)
    assert 0 <= losses['unsup_pseudo_precision'] <= 1 and 0 <= losses['unsup_pseudo_recall'] <= 1
    unsup_terms = {k for k in losses if k.startswith('unsup_loss')}
    assert unsup_terms == {'unsup_loss_rpn_cls', 'unsup_loss_cls'}  # no box regression
    assert {'sup_loss_rpn_cls', 'sup_loss_rpn_bbox', 'sup_loss_cls', 'sup_loss_bbox'} <= set(losses)
    unsup = sum(sum(v) if isinstance(v, list) else v for k, v in losses.items()
                if k.startswith('unsup_loss'))
    assert unsup > 0
    model.zero_grad()
    unsup.backward()
    student_grads = [p.grad for p in model.student.parameters() if p.grad is not None]
    assert student_grads and any(g.abs().sum() > 0 for g in student_grads)
    assert all(p.grad is None for p in model.teacher.parameters())


class _Warnings(logging.Handler):

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_empty_pseudo_labels_still_train_on_background_unless_skipped(model_and_batch):
    model, batch = model_and_batch
    model.cls_pseudo_thr, model.warn_no_pseudo_iters = 0.999999, 2
    model.pseudo_thresholds.thr = 0.999999
    warnings = _Warnings()
    MMLogger.get_current_instance().addHandler(warnings)
    try:
        losses = _losses(model, batch)
        assert losses['unsup_pseudo_boxes_per_img'] == 0
        assert losses['unsup_loss_cls'] > 0  # all-background classification
        model.empty_pseudo = 'skip'
        assert _losses(model, batch)['unsup_loss_cls'] == 0
    finally:
        MMLogger.get_current_instance().removeHandler(warnings)
        model.cls_pseudo_thr, model.empty_pseudo = 0.05, 'background'
        model.pseudo_thresholds.thr = 0.05
        model.warn_no_pseudo_iters = 500
    assert any(m.startswith('No pseudo-box above the per-class thresholds (0.999999, 0.999999,')
               and 'policy FixedThreshold) for 2 iterations in a row' in m
               for m in warnings.messages)


@pytest.mark.parametrize('setting, value', [('burn_in_iters', 100), ('unsup_weight', 0.0)])
def test_burn_in_and_supervised_only_skip_the_teacher(model_and_batch, monkeypatch, setting,
                                                      value):
    model, batch = model_and_batch
    monkeypatch.setattr(model, setting, value)
    monkeypatch.setattr(model, 'get_pseudo_instances', None)  # the teacher must not be asked
    losses = _losses(model, batch)
    assert losses and not any(k.startswith('unsup_') for k in losses)


@pytest.mark.parametrize('key, value, message', [
    ('cls_pseudo_thr', 1.0, r'cls_pseudo_thr \(tau\) must be in \(0, 1\), got 1.0'),
    ('unsup_weight', -1.0, r'semi_train_cfg.unsup_weight must be >= 0, got -1.0'),
    ('sup_weight', -0.5, r'semi_train_cfg.sup_weight must be >= 0, got -0.5'),
    ('burn_in_iters', -1, r'semi_train_cfg.burn_in_iters must be >= 0, got -1'),
    ('empty_pseudo', 'drop', r"semi_train_cfg.empty_pseudo must be one of .*, got 'drop'")])
def test_semi_train_cfg_values_are_checked(demo_workspace, key, value, message):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg[key] = value
    with pytest.raises(ValueError, match=message):
        MODELS.build(cfg.model)


def test_the_oracle_trains_on_the_unlabeled_ground_truth_in_the_mixed_student_view(
        model_and_batch, monkeypatch):
    model, batch = model_and_batch
    monkeypatch.setattr(model, 'pseudo_label_source', 'ground_truth')
    monkeypatch.setattr(model, 'get_pseudo_instances', None)  # the teacher must not be asked
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    student_samples = data['data_samples']['unsup_student']
    assert all('mum_tile_source' in s.metainfo for s in student_samples)  # mixed, as MUM is
    truth = [copy.deepcopy(s.gt_instances) for s in student_samples]
    assert sum(len(t) for t in truth) > 0
    losses = _losses(model, batch, data)
    # after the step the student samples hold what the unlabeled loss was computed against
    for sample, expected in zip(student_samples, truth):
        torch.testing.assert_close(sample.gt_instances.bboxes, get_box_tensor(expected.bboxes))
        assert torch.equal(sample.gt_instances.labels, expected.labels)
        assert torch.all(sample.gt_instances.scores == 1)
    assert losses['unsup_pseudo_precision'] == 1 and losses['unsup_pseudo_recall'] == 1
    assert losses['unsup_pseudo_boxes_per_img'] == sum(len(t) for t in truth) / len(truth)
    assert losses['unsup_loss_cls'] > 0


def test_the_oracle_at_a_lower_recall_keeps_a_random_subset_of_the_ground_truth(
        model_and_batch, monkeypatch):
    model, batch = model_and_batch
    monkeypatch.setattr(model, 'pseudo_label_source', 'ground_truth')
    monkeypatch.setattr(model, 'oracle_recall', 0.5)
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    student_samples = data['data_samples']['unsup_student']
    truth = [copy.deepcopy(s.gt_instances) for s in student_samples]
    num_truth = sum(len(t) for t in truth)
    torch.manual_seed(0)
    losses = _losses(model, batch, data)
    kept = sum(len(s.gt_instances) for s in student_samples)
    assert 0 < kept < num_truth
    for sample, expected in zip(student_samples, truth):  # every kept box is a true one
        expected_boxes = get_box_tensor(expected.bboxes)
        for box, label in zip(sample.gt_instances.bboxes, sample.gt_instances.labels):
            matches = (expected_boxes - box).abs().amax(dim=1) < 1e-3
            assert matches.any() and label in expected.labels[matches]
    assert losses['unsup_pseudo_precision'] == 1
    assert losses['unsup_pseudo_recall'] == pytest.approx(kept / num_truth)


def test_oracle_recall_is_checked(demo_workspace):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.update(pseudo_label_source='ground_truth', oracle_recall=0.0)
    with pytest.raises(ValueError, match=r'oracle_recall must be in \(0, 1\], got 0.0'):
        MODELS.build(cfg.model)
    cfg.model.semi_train_cfg.update(pseudo_label_source='teacher', oracle_recall=0.3)
    with pytest.raises(ValueError, match='oracle_recall applies to the oracle only'):
        MODELS.build(cfg.model)


@pytest.mark.parametrize('source', ['ground_truth', 'teacher_true_positives'])
def test_the_oracle_without_ground_truth_says_what_to_load(model_and_batch, monkeypatch, source):
    model, batch = model_and_batch
    monkeypatch.setattr(model, 'pseudo_label_source', source)
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    for sample in data['data_samples']['unsup_teacher']:
        sample.gt_instances = sample.gt_instances[:0]
    with pytest.raises(ValueError, match=f"pseudo_label_source='{source}' needs the unlabeled "
                       "images' ground truth.*LoadAnnotations"):
        _losses(model, batch, data)


def _teacher_with_one_right_box_per_image(model):
    """A stand-in for the teacher: per image, one right box (1 px off the first ground-truth
    box), the same box with a wrong class, and a right box scored below the threshold."""

    def get_pseudo_instances(batch_inputs, batch_data_samples):
        truths = model.original_frame_ground_truth(batch_data_samples)
        for sample, truth in zip(batch_data_samples, truths):
            assert len(truth) >= 2
            right = truth[[0]]
            right.bboxes = right.bboxes + 1.0
            right.scores = right.scores.new_tensor([0.9])
            wrong_class = right.clone()
            wrong_class.labels = (right.labels + 1) % model.student.roi_head.bbox_head.num_classes
            unsure = truth[[1]]
            unsure.scores = unsure.scores.new_tensor([0.01])
            sample.gt_instances = right.cat([right, wrong_class, unsure])
        return batch_data_samples, {}

    return get_pseudo_instances


@pytest.mark.parametrize('source', ['teacher_true_positives', 'ground_truth_found_by_teacher'])
def test_the_teacher_diagnoses_keep_only_its_right_confident_boxes(
        model_and_batch, monkeypatch, source):
    model, batch = model_and_batch
    monkeypatch.setattr(model, 'pseudo_label_source', source)
    monkeypatch.setattr(model, 'get_pseudo_instances', _teacher_with_one_right_box_per_image(model))
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    student_samples = data['data_samples']['unsup_student']
    truth = [get_box_tensor(s.gt_instances.bboxes).clone() for s in student_samples]
    losses = _losses(model, batch, data)
    for sample, truth_boxes in zip(student_samples, truth):
        assert len(sample.gt_instances) == 1  # the wrong class and the unsure box are gone
        distance = (truth_boxes - sample.gt_instances.bboxes).abs().amax(dim=1).min()
        if source == 'teacher_true_positives':  # the teacher's own box, 1 px (scaled) off
            assert 0.1 < distance < 3
        else:  # the ground-truth box it found
            assert distance < 1e-3
    assert losses['unsup_pseudo_precision'] == 1
    assert losses['unsup_pseudo_recall'] == pytest.approx(
        len(truth) / sum(len(t) for t in truth))


def test_pseudo_label_source_is_checked(demo_workspace):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.pseudo_label_source = 'gt'
    with pytest.raises(ValueError, match=r"pseudo_label_source must be one of \('teacher', "
                       r"'ground_truth', .*\), got 'gt'"):
        MODELS.build(cfg.model)


@pytest.mark.parametrize('key, value, overridden', [
    ('thr', 0.5, r'semi_train_cfg.cls_pseudo_thr=0.7'),
    ('num_classes', 3, r"the detector's 8 classes")])
def test_what_the_model_sets_is_refused_inside_the_policy(demo_workspace, key, value, overridden):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.pseudo_thr_policy = {'type': 'FixedThreshold', key: value}
    with pytest.raises(ValueError, match=f'pseudo_thr_policy sets {key}={value}, which would '
                       f'silently override {overridden}'):
        MODELS.build(cfg.model)


def _model_with_policy(demo_workspace, policy=None, **detector_train_cfg):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.update(cls_pseudo_thr=0.05, burn_in_iters=0)
    if policy is not None:
        cfg.model.semi_train_cfg.pseudo_thr_policy = policy
    for stage, setting in detector_train_cfg.items():
        if isinstance(setting, dict):  # a whole train_cfg entry
            cfg.model.detector.train_cfg[stage] = setting
        else:
            cfg.model.detector.train_cfg[stage].assigner.ignore_iof_thr = setting
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    EMATeacherHook().ema_update(model, keep=0.0)
    return model, first_batch(cfg)


def _plain(losses):
    return {k: [float(x) for x in v] if isinstance(v, list) else float(v)
            for k, v in losses.items()}


def _unsup_losses(model, batch):
    torch.manual_seed(1)
    return {k: v for k, v in _losses(model, batch).items() if k.startswith('unsup_')}


def test_fixed_threshold_is_the_default_and_adaptive_starts_from_it(demo_workspace):
    default, batch = _model_with_policy(demo_workspace)
    assert type(default.pseudo_thresholds).__name__ == 'FixedThreshold'
    assert not any('pseudo_thresholds' in key for key in default.state_dict())  # stateless
    expected = _unsup_losses(default, batch)
    assert expected['unsup_pseudo_boxes_per_img'] > 0
    explicit, _ = _model_with_policy(demo_workspace, dict(type='FixedThreshold'))
    adaptive, _ = _model_with_policy(demo_workspace,
                                     dict(type='DensityMatchingThreshold', interval=1000))
    for model in (explicit, adaptive):  # before its first update the adaptive one is tau
        losses = _unsup_losses(model, batch)
        assert _plain(losses) == _plain(expected)
    assert int(adaptive.state_dict()['pseudo_thresholds.steps']) == 1  # saved in checkpoints


def test_an_ignore_band_needs_assigners_that_ignore(demo_workspace):
    refused = (r'^The ignore band needs assigners that ignore proposals on its boxes: set '
               r'ignore_iof_thr > 0 \(e.g. 0.5\) in the model.detector.train_cfg entries of the '
               r'assigners the detector uses \(rpn_head.assigner, roi_head.bbox_assigner; now -1 '
               r'or unset\).$')
    with pytest.raises(ValueError, match=refused):
        _model_with_policy(demo_workspace, dict(type='FixedThreshold', ignore_thr=0.02))
    # an assigner under a train_cfg key the detector never reads does not count
    with pytest.raises(ValueError, match=refused):
        _model_with_policy(demo_workspace, dict(type='FixedThreshold', ignore_thr=0.02),
                           unused=dict(assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5,
                                                     neg_iou_thr=0.5, ignore_iof_thr=0.5)))
    model, batch = _model_with_policy(
        demo_workspace, dict(type='FixedThreshold', ignore_thr=0.02),
        rpn=0.5, rcnn=0.5)
    assert _unsup_losses(model, batch)['unsup_loss_cls'] > 0
