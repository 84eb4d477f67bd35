"""The ``semi_train_cfg`` keys each teacher-student detector of this package reads."""

# MUMTeacher (and mmdet's SemiBaseDetector under it)
MUM_TEACHER_KEYS = ('sup_branches', 'sup_weight', 'unsup_weight', 'cls_pseudo_thr',
                    'unsup_loss_keys', 'empty_pseudo', 'burn_in_iters', 'min_pseudo_bbox_wh',
                    'freeze_teacher', 'warn_no_pseudo_iters', 'pseudo_label_source',
                    'pseudo_label_iou_thr', 'oracle_recall', 'pseudo_thr_policy')

# MUMSoftTeacher: mmdet's SoftTeacher
SOFT_TEACHER_KEYS = ('sup_weight', 'unsup_weight', 'freeze_teacher', 'min_pseudo_bbox_wh',
                     'pseudo_label_initial_score_thr', 'rpn_pseudo_thr', 'cls_pseudo_thr',
                     'reg_pseudo_thr', 'jitter_times', 'jitter_scale')
