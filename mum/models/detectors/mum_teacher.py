"""Teacher-student detector of Unbiased Teacher, with MUM's feature unmixing for mixed batches."""
import copy
import fnmatch
import logging
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.detectors import BaseDetector, SemiBaseDetector
from mmdet.models.utils import filter_gt_instances, rename_loss_dict, reweight_loss_dict
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.structures.bbox import bbox_project, get_box_tensor
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.logging import MessageHub, print_log
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mum.evaluation.pseudo_label_quality import PseudoLabelCounts, greedy_match, match_pseudo_labels
from mum.models.data_preprocessors.tile_mixing import TILE_SOURCE_KEY
from mum.models.necks.unmix_neck import unmixing_if_mixed
from mum.models.pseudo_thresholds import apply_thresholds, check_band_assigners
from mum.utils.config_keys import check_known_keys

from .detector_classes import detector_num_classes
from .semi_train_cfg_keys import MUM_TEACHER_KEYS

EMPTY_PSEUDO_MODES = ('background', 'skip')
PSEUDO_LABEL_SOURCES = ('teacher', 'ground_truth', 'teacher_true_positives',
                        'ground_truth_found_by_teacher')


@MODELS.register_module()
class MUMTeacher(SemiBaseDetector):
    """Unbiased-Teacher recipe; MUM is on when the data preprocessor mixes the student batch.

    One training step (branch names are those of the dataset pipelines):

    1. supervised loss on the labeled views ``sup_branches`` (weak and strong, one batch);
    2. the teacher predicts on ``unsup_teacher`` (no grad); boxes with score strictly above
       ``cls_pseudo_thr`` become pseudo-labels, carried to the ``unsup_student`` view through
       the homography matrices;
    3. the student's loss on ``unsup_student`` against the pseudo-labels, keeping only the
       terms in ``unsup_loss_keys`` (classification terms: no box regression on pseudo-labels);
       if the batch was mixed (``mum_tile_source`` in its metainfo), the student's unmix neck
       restores the feature tiles first;
    4. total = sup_weight * L_sup + unsup_weight * L_unsup.

    Pseudo-label quality: when the unlabeled images carry ground truth (their pipeline loads
    annotations and the file has them), every step logs the pseudo-boxes' class-aware
    precision and recall at IoU ``pseudo_label_iou_thr`` against it, in the student's view
    (``unsup_pseudo_precision``, ``unsup_pseudo_recall``), next to the pseudo-boxes per image
    and the threshold in force (``unsup_pseudo_thr``). The ground truth never enters a loss,
    except with ``pseudo_label_source='ground_truth'``: the oracle, a diagnosis that trains the
    unlabeled branch on the unlabeled images' ground truth instead of the teacher's boxes, with
    the same losses, mixing and coordinate path (the ceiling for the teacher), and with the
    two diagnoses between teacher and oracle: ``'teacher_true_positives'`` keeps only the
    teacher's pseudo-boxes that match a ground-truth box (its selection and its boxes, at
    precision 100 %), ``'ground_truth_found_by_teacher'`` replaces each of those by the
    ground-truth box it matched (its selection, with exact boxes).

    Args:
        detector (dict): Config of the student and teacher detector (any mmdet detector).
        semi_train_cfg (dict): Keys (defaults in brackets):
            ``sup_branches`` [('sup_weak', 'sup_strong')], ``sup_weight`` [1.0],
            ``unsup_weight`` (lambda_u) [4.0], ``cls_pseudo_thr`` (tau) [0.7],
            ``unsup_loss_keys`` [('loss_rpn_cls', 'loss_cls')]: names (or glob patterns, e.g.
            's*.loss_cls' for Cascade R-CNN's stages) of the loss terms applied to pseudo-labels;
            for one-stage heads ('loss_cls',), ``empty_pseudo`` ['background']: a batch
            without any pseudo-box still trains the student on background; 'skip' gives it
            weight 0 (mmdet's behaviour),
            ``burn_in_iters`` [0]: supervised-only iterations,
            ``pseudo_label_source`` ['teacher']: 'ground_truth' for the oracle,
            'teacher_true_positives' or 'ground_truth_found_by_teacher' (see above),
            ``oracle_recall`` [1.0]: the fraction of ground-truth boxes the oracle keeps, each
            drawn independently; below 1 it mimics a teacher of perfect precision and this
            recall (the boxes it drops are taught as background, as a teacher's misses are),
            ``pseudo_label_iou_thr`` [0.5]: IoU of a correct pseudo-box in the logged
            precision and recall and in the two diagnoses,
            ``min_pseudo_bbox_wh`` [(1e-2, 1e-2)], ``freeze_teacher`` [True],
            ``warn_no_pseudo_iters`` [500]: warn after this many iterations in a row without a
            single pseudo-box,
            ``pseudo_thr_policy`` [dict(type='FixedThreshold')]: which teacher boxes are
            pseudo-labels, per class (:mod:`mum.models.pseudo_thresholds`):
            ``FixedThreshold`` (tau for every class; ``ignore_thr`` adds an ignore band) or
            ``DensityMatchingThreshold`` (per-class thresholds matching the labeled boxes per
            image; ``ignore_density_ratio`` adds a band). Boxes in the band become the student
            sample's ``ignored_instances``: its assigners ignore proposals that overlap them
            (they need ``ignore_iof_thr`` > 0) instead of teaching them as background.
        semi_test_cfg (dict, optional): ``predict_on`` 'teacher' (default) or 'student'.
        data_preprocessor (dict, optional): Usually :class:`MUMDataPreprocessor` (MUM) or
            mmdet's MultiBranchDataPreprocessor (Unbiased Teacher).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 detector: ConfigType,
                 semi_train_cfg: OptConfigType = None,
                 semi_test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        semi_train_cfg = dict(semi_train_cfg or {})
        semi_test_cfg = dict(semi_test_cfg or {})
        check_known_keys(semi_train_cfg, MUM_TEACHER_KEYS, 'model.semi_train_cfg', 'MUMTeacher')
        check_known_keys(semi_test_cfg, ('predict_on', ), 'model.semi_test_cfg', 'MUMTeacher')
        semi_train_cfg.setdefault('freeze_teacher', True)
        semi_test_cfg.setdefault('predict_on', 'teacher')
        # SemiBaseDetector.__init__ builds student and teacher from one config dict, which
        # DETR-family detectors write into while building (mmdet's DeformableDETR adds keys to
        # bbox_head and refuses them on a second build): its four steps, each build on a copy.
        BaseDetector.__init__(self, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.student = MODELS.build(copy.deepcopy(detector))
        self.teacher = MODELS.build(copy.deepcopy(detector))
        self.semi_train_cfg = semi_train_cfg
        self.semi_test_cfg = semi_test_cfg
        if semi_train_cfg['freeze_teacher'] is True:
            self.freeze(self.teacher)
        cfg = self.semi_train_cfg
        self.sup_branches: Tuple[str, ...] = tuple(cfg.get('sup_branches',
                                                           ('sup_weak', 'sup_strong')))
        self.sup_weight: float = cfg.get('sup_weight', 1.0)
        self.unsup_weight: float = cfg.get('unsup_weight', 4.0)
        self.cls_pseudo_thr: float = cfg.get('cls_pseudo_thr', 0.7)
        self.unsup_loss_keys: Tuple[str, ...] = tuple(cfg.get('unsup_loss_keys',
                                                              ('loss_rpn_cls', 'loss_cls')))
        self.empty_pseudo: str = cfg.get('empty_pseudo', 'background')
        self.burn_in_iters: int = cfg.get('burn_in_iters', 0)
        self.warn_no_pseudo_iters: int = cfg.get('warn_no_pseudo_iters', 500)
        self.pseudo_label_source: str = cfg.get('pseudo_label_source', 'teacher')
        self.pseudo_label_iou_thr: float = cfg.get('pseudo_label_iou_thr', 0.5)
        self.oracle_recall: float = cfg.get('oracle_recall', 1.0)
        self._check_semi_train_cfg()
        num_classes = detector_num_classes(self.student)
        self.pseudo_thresholds = self._build_threshold_policy(
            cfg.get('pseudo_thr_policy', dict(type='FixedThreshold')), num_classes)
        if self.pseudo_thresholds.has_band:
            check_band_assigners(self.student)
        # pseudo-boxes per class and images since PseudoLabelDensityHook last read them
        self.pseudo_box_counts = torch.zeros(num_classes)
        self.pseudo_image_count = 0
        self.iters_without_pseudo = 0
        # Set by PseudoLabelGalleryHook: the next step keeps its unlabeled batch in
        # ``recorded_unsup_batch`` for drawing.
        self.record_unsup_batch = False
        self.recorded_unsup_batch: Optional[dict] = None

    def _build_threshold_policy(self, policy_cfg: dict, num_classes: int) -> nn.Module:
        """The pseudo-label threshold policy, given the model's tau and class count."""
        for key, owner in (('thr', f'semi_train_cfg.cls_pseudo_thr={self.cls_pseudo_thr!r}'),
                           ('num_classes', f"the detector's {num_classes} classes")):
            if key in policy_cfg:
                raise ValueError(
                    f'semi_train_cfg.pseudo_thr_policy sets {key}={policy_cfg[key]!r}, which '
                    f'would silently override {owner}: leave {key} out of the policy (the '
                    'adaptive policies start from cls_pseudo_thr).')
        return MODELS.build(policy_cfg,
                            default_args=dict(thr=self.cls_pseudo_thr, num_classes=num_classes))

    def _check_semi_train_cfg(self) -> None:
        if not 0.0 < self.cls_pseudo_thr < 1.0:
            raise ValueError('semi_train_cfg.cls_pseudo_thr (tau) must be in (0, 1), '
                             f'got {self.cls_pseudo_thr!r}.')
        for key in ('sup_weight', 'unsup_weight', 'burn_in_iters'):
            if getattr(self, key) < 0:
                raise ValueError(f'semi_train_cfg.{key} must be >= 0, got {getattr(self, key)!r}.')
        if self.empty_pseudo not in EMPTY_PSEUDO_MODES:
            raise ValueError(f'semi_train_cfg.empty_pseudo must be one of {EMPTY_PSEUDO_MODES}, '
                             f'got {self.empty_pseudo!r}.')
        if self.pseudo_label_source not in PSEUDO_LABEL_SOURCES:
            raise ValueError('semi_train_cfg.pseudo_label_source must be one of '
                             f'{PSEUDO_LABEL_SOURCES}, got {self.pseudo_label_source!r}.')
        if not 0.0 < self.pseudo_label_iou_thr <= 1.0:
            raise ValueError('semi_train_cfg.pseudo_label_iou_thr must be in (0, 1], '
                             f'got {self.pseudo_label_iou_thr!r}.')
        if not 0.0 < self.oracle_recall <= 1.0:
            raise ValueError('semi_train_cfg.oracle_recall must be in (0, 1], '
                             f'got {self.oracle_recall!r}.')
        if self.oracle_recall < 1.0 and self.pseudo_label_source != 'ground_truth':
            raise ValueError('semi_train_cfg.oracle_recall applies to the oracle only: set '
                             "pseudo_label_source='ground_truth' with it, or remove it.")
        if not self.sup_branches or not self.unsup_loss_keys:
            raise ValueError('semi_train_cfg.sup_branches and unsup_loss_keys must not be empty.')

    def loss(self, multi_batch_inputs: Dict[str, Tensor],
             multi_batch_data_samples: Dict[str, SampleList]) -> dict:
        """Supervised + pseudo-label losses of one training step.

        Args:
            multi_batch_inputs (dict[str, Tensor]): Per branch, (B, C, H, W) images.
            multi_batch_data_samples (dict[str, list[DetDataSample]]): Per branch samples.

        Returns:
            dict: Loss terms prefixed ``sup_`` / ``unsup_`` and pseudo-label statistics.
        """
        missing = [b for b in self.sup_branches if b not in multi_batch_inputs]
        if missing:
            raise KeyError(f'MUMTeacher: the batch has no branch {missing} (it has '
                           f'{sorted(multi_batch_inputs)}); check the MultiBranch pipelines.')
        sup_inputs, sup_samples = _concat_branches(
            [multi_batch_inputs[b] for b in self.sup_branches],
            [multi_batch_data_samples[b] for b in self.sup_branches])
        losses = self.loss_by_gt_instances(sup_inputs, sup_samples)
        in_burn_in = MessageHub.get_current_instance().get_info('iter', 0) < self.burn_in_iters
        if in_burn_in or self.unsup_weight == 0:  # supervised only: skip the teacher entirely
            return losses
        student_samples = multi_batch_data_samples['unsup_student']
        # the unlabeled images' own ground truth in the student's view (empty without any)
        ground_truth = [s.gt_instances for s in student_samples]
        teacher_samples = multi_batch_data_samples['unsup_teacher']
        if self.pseudo_label_source == 'ground_truth':
            pseudo_samples, batch_info = self.get_ground_truth_instances(teacher_samples)
        elif self.pseudo_label_source == 'teacher':
            pseudo_samples, batch_info = self.get_pseudo_instances(
                multi_batch_inputs['unsup_teacher'], teacher_samples)
        else:
            truths = self.original_frame_ground_truth(teacher_samples)
            pseudo_samples, batch_info = self.get_pseudo_instances(
                multi_batch_inputs['unsup_teacher'], teacher_samples)
            pseudo_samples = self.keep_true_positives(pseudo_samples, truths)
        student_samples = self.project_pseudo_instances(pseudo_samples, student_samples)
        batch_info['ground_truth'] = ground_truth
        losses.update(self.loss_by_pseudo_instances(multi_batch_inputs['unsup_student'],
                                                    student_samples, batch_info))
        if self.record_unsup_batch:
            self.record_unsup_batch = False
            self.recorded_unsup_batch = dict(
                teacher_inputs=multi_batch_inputs['unsup_teacher'].detach(),
                teacher_samples=multi_batch_data_samples['unsup_teacher'],
                student_inputs=multi_batch_inputs['unsup_student'].detach(),
                student_samples=student_samples)
        return losses

    def loss_by_gt_instances(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> dict:
        """Student loss on the labeled views (one batch; they are never mixed here)."""
        if any(TILE_SOURCE_KEY in s.metainfo for s in batch_data_samples):
            raise ValueError('MUMTeacher mixes only the unsup_student branch, but a labeled '
                             'branch was mixed: set the preprocessor\'s mix_branches to '
                             "('unsup_student',).")
        losses = self.student.loss(batch_inputs, batch_data_samples)
        return rename_loss_dict('sup_', reweight_loss_dict(losses, self.sup_weight))

    def loss_by_pseudo_instances(self,
                                 batch_inputs: Tensor,
                                 batch_data_samples: SampleList,
                                 batch_info: Optional[dict] = None) -> dict:
        """Student loss against the teacher's pseudo-labels (classification terms only).

        Args:
            batch_inputs (Tensor): (B, C, H, W) strong (and possibly mixed) student images.
            batch_data_samples (list[DetDataSample]): Samples whose ``gt_instances`` hold the
                projected teacher detections with their ``scores``.
            batch_info (dict, optional): ``ground_truth``: per sample, the image's own ground
                truth in the student's view (InstanceData; empty without any), for the
                precision and recall.

        Returns:
            dict: ``unsup_`` loss terms, ``unsup_pseudo_boxes_per_img``,
            ``unsup_pseudo_score_mean``, ``unsup_pseudo_thr`` and, when the batch has ground
            truth, ``unsup_pseudo_recall`` and (if it has pseudo-boxes)
            ``unsup_pseudo_precision``, in [0, 1].
        """
        upper = self.pseudo_thresholds.upper()
        self.pseudo_box_counts += apply_thresholds(batch_data_samples, upper,
                                                   self.pseudo_thresholds.lower())
        self.pseudo_image_count += len(batch_data_samples)
        scores = torch.cat([s.gt_instances.scores for s in batch_data_samples])
        with unmixing_if_mixed(self.student, batch_data_samples):
            losses = self.student.loss(batch_inputs, batch_data_samples)
        losses = self._select_unsup_terms(losses)
        self._track_pseudo_count(len(scores))
        weight = self.unsup_weight
        if len(scores) == 0 and self.empty_pseudo == 'skip':
            weight = 0.0
        losses = reweight_loss_dict(losses, weight)
        losses['pseudo_boxes_per_img'] = scores.new_tensor(len(scores) / len(batch_data_samples))
        losses['pseudo_score_mean'] = scores.mean() if len(scores) else scores.new_tensor(0.0)
        losses['pseudo_thr'] = scores.new_tensor(float(upper.double().mean()))  # exact for tau
        ground_truth = (batch_info or {}).get('ground_truth')
        if ground_truth is not None:
            losses.update(self._pseudo_label_quality(batch_data_samples, ground_truth, scores))
        return rename_loss_dict('unsup_', losses)

    def _pseudo_label_quality(self, pseudo_samples: SampleList,
                              ground_truth: List[InstanceData], like: Tensor) -> dict:
        """Precision and recall of a batch's pseudo-boxes, or {} when it has no ground truth."""
        if sum(len(truth) for truth in ground_truth) == 0:
            return {}
        counts = PseudoLabelCounts(0, 0, 0)
        for sample, truth in zip(pseudo_samples, ground_truth):
            pseudo = sample.gt_instances
            counts += match_pseudo_labels(pseudo.bboxes, pseudo.labels, pseudo.scores,
                                          get_box_tensor(truth.bboxes), truth.labels,
                                          self.pseudo_label_iou_thr)
        quality = dict(
            pseudo_recall=like.new_tensor(counts.true_positives / counts.num_ground_truth))
        if counts.num_pseudo:  # precision is undefined without a pseudo-box
            quality['pseudo_precision'] = like.new_tensor(counts.true_positives /
                                                          counts.num_pseudo)
        return quality

    def _select_unsup_terms(self, losses: dict) -> dict:
        selected = {
            name: value
            for name, value in losses.items()
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.unsup_loss_keys)
        }
        if not selected:
            raise KeyError(f'semi_train_cfg.unsup_loss_keys={list(self.unsup_loss_keys)} matches '
                           f'none of the student loss terms {sorted(losses)}.')
        return selected

    def _track_pseudo_count(self, num_pseudo: int) -> None:
        self.iters_without_pseudo = 0 if num_pseudo else self.iters_without_pseudo + 1
        if self.iters_without_pseudo and self.iters_without_pseudo % self.warn_no_pseudo_iters == 0:
            in_force = ', '.join(f'{float(thr):.6g}' for thr in self.pseudo_thresholds.upper())
            print_log(f'No pseudo-box above the per-class thresholds ({in_force}) '
                      f'(semi_train_cfg.cls_pseudo_thr={self.cls_pseudo_thr}, policy '
                      f"{type(self.pseudo_thresholds).__name__}) for {self.iters_without_pseudo} "
                      'iterations in a row: the teacher is not yet confident (or the threshold '
                      'is too high).', logger='current', level=logging.WARNING)

    @torch.no_grad()
    def get_pseudo_instances(self, batch_inputs: Tensor,
                             batch_data_samples: SampleList) -> Tuple[SampleList, dict]:
        """Teacher detections on the weak view, mapped back to the original image frame.

        Args:
            batch_inputs (Tensor): (B, C, H, W) weak unlabeled images.
            batch_data_samples (list[DetDataSample]): Their samples (with homography_matrix).

        Returns:
            tuple: samples whose ``gt_instances`` are the detections (bboxes in the original
            image frame, labels, scores), and an empty batch-info dict.
        """
        self.teacher.eval()
        results = self.teacher.predict(batch_inputs, batch_data_samples, rescale=False)
        for data_sample, result in zip(batch_data_samples, results):
            instances = result.pred_instances
            to_original = torch.linalg.inv(
                instances.bboxes.new_tensor(data_sample.homography_matrix))
            instances.bboxes = bbox_project(instances.bboxes, to_original, data_sample.ori_shape)
            data_sample.gt_instances = instances
        self.pseudo_thresholds.observe([result.pred_instances for result in results])
        return batch_data_samples, {}

    def original_frame_ground_truth(self,
                                    batch_data_samples: SampleList) -> List[InstanceData]:
        """The unlabeled images' ground truth, mapped back to the original image frame.

        Args:
            batch_data_samples (list[DetDataSample]): The ``unsup_teacher`` samples, whose
                ``gt_instances`` hold the images' ground truth in the weak view.

        Returns:
            list[InstanceData]: per sample, bboxes (G, 4) in the original frame, labels (G,)
            and scores (G,) of 1.
        """
        if sum(len(s.gt_instances) for s in batch_data_samples) == 0:
            raise ValueError(
                f'semi_train_cfg.pseudo_label_source={self.pseudo_label_source!r} needs the '
                "unlabeled images' ground truth, but this batch has none: load it in the "
                "unlabeled pipeline (dict(type='LoadAnnotations', with_bbox=True)) from an "
                'annotation file that has it.')
        truths = []
        for data_sample in batch_data_samples:
            bboxes = get_box_tensor(data_sample.gt_instances.bboxes)
            to_original = torch.linalg.inv(bboxes.new_tensor(data_sample.homography_matrix))
            truths.append(InstanceData(
                bboxes=bbox_project(bboxes, to_original, data_sample.ori_shape),
                labels=data_sample.gt_instances.labels, scores=bboxes.new_ones(len(bboxes))))
        return truths

    def get_ground_truth_instances(self,
                                   batch_data_samples: SampleList) -> Tuple[SampleList, dict]:
        """The oracle's pseudo-labels: the unlabeled images' ground truth, score 1.

        Follows the same path as :meth:`get_pseudo_instances`: the boxes of the weak view are
        mapped back to the original image frame. With ``oracle_recall`` below 1, each box is
        kept with that probability (torch's global generator, so a seeded run repeats).

        Args:
            batch_data_samples (list[DetDataSample]): The ``unsup_teacher`` samples, whose
                ``gt_instances`` hold the images' ground truth in the weak view.

        Returns:
            tuple: the samples with ``gt_instances`` in the original frame (bboxes, labels,
            scores of 1), and an empty batch-info dict.
        """
        truths = self.original_frame_ground_truth(batch_data_samples)
        for data_sample, truth in zip(batch_data_samples, truths):
            if self.oracle_recall < 1.0:
                kept = torch.rand(len(truth)) < self.oracle_recall
                truth = truth[kept.to(truth.labels.device)]
            data_sample.gt_instances = truth
        return batch_data_samples, {}

    def keep_true_positives(self, pseudo_samples: SampleList,
                            truths: List[InstanceData]) -> SampleList:
        """The two diagnoses between teacher and oracle: the teacher's correct boxes only.

        The teacher's detections above their class's threshold are matched to the ground truth
        (:func:`greedy_match`, class-aware, IoU >= ``pseudo_label_iou_thr``). With
        'teacher_true_positives' the matched detections stay; with
        'ground_truth_found_by_teacher' the ground-truth boxes they matched replace them.

        Args:
            pseudo_samples (list[DetDataSample]): The teacher's detections in the original
                frame (from :meth:`get_pseudo_instances`).
            truths (list[InstanceData]): Per sample, the ground truth in the same frame (from
                :meth:`original_frame_ground_truth`).

        Returns:
            list[DetDataSample]: the samples, ``gt_instances`` replaced by the kept boxes.
        """
        for sample, truth in zip(pseudo_samples, truths):
            detections = sample.gt_instances
            upper = self.pseudo_thresholds.upper().to(detections.scores.device)
            confident = detections[detections.scores > upper[detections.labels]]
            matches = greedy_match(confident.bboxes, confident.labels, confident.scores,
                                   truth.bboxes, truth.labels, self.pseudo_label_iou_thr)
            if self.pseudo_label_source == 'teacher_true_positives':
                sample.gt_instances = confident[matches >= 0]
            else:
                sample.gt_instances = truth[matches[matches >= 0]]
        return pseudo_samples

    def project_pseudo_instances(self, batch_pseudo_instances: SampleList,
                                 batch_data_samples: SampleList) -> SampleList:
        """Carries pseudo-labels from the original frame into each student view."""
        for pseudo, data_sample in zip(batch_pseudo_instances, batch_data_samples):
            instances = copy.deepcopy(pseudo.gt_instances)
            to_student = instances.bboxes.new_tensor(data_sample.homography_matrix)
            instances.bboxes = bbox_project(instances.bboxes, to_student, data_sample.img_shape)
            data_sample.gt_instances = instances
        wh_thr = self.semi_train_cfg.get('min_pseudo_bbox_wh', (1e-2, 1e-2))
        return filter_gt_instances(batch_data_samples, wh_thr=wh_thr)


def _concat_branches(inputs: List[Tensor],
                     samples: List[SampleList]) -> Tuple[Tensor, SampleList]:
    """Concatenates branches into one batch, padding to a common size when views differ.

    Args:
        inputs (list[Tensor]): Each (B_k, C, H_k, W_k).
        samples (list[list[DetDataSample]]): The matching samples.

    Returns:
        tuple: (sum B_k, C, max H, max W) tensor and the concatenated samples, whose
        ``batch_input_shape`` is set to the common size.
    """
    if len(inputs) == 1:
        return inputs[0], samples[0]
    height = max(x.shape[-2] for x in inputs)
    width = max(x.shape[-1] for x in inputs)
    padded = [F.pad(x, (0, width - x.shape[-1], 0, height - x.shape[-2])) for x in inputs]
    merged = [s for branch in samples for s in branch]
    for data_sample in merged:
        data_sample.set_metainfo({'batch_input_shape': (height, width)})
    return torch.cat(padded), merged
