# The Unbiased Teacher / MUM recipe with no detector in it, to sit next to any mmdet model config
# in a _base_ list (mmengine refuses two bases that both define `model`): tau 0.7, lambda_u 4,
# EMA keep ramp 0.5 -> 0.9996 over 2000 iterations, SGD 0.01, warm-up 1000, 180k iterations.
# The inheriting config wraps its detector (see docs/mum_on_your_detector.md):
#   detector = _base_.model
#   detector.neck = dict(type='UnmixNeck', neck=detector.neck)
#   model = dict(_delete_=True, type='MUMTeacher', detector=detector,
#                data_preprocessor=dict(_base_.mum_data_preprocessor,
#                                       data_preprocessor=detector.data_preprocessor),
#                semi_train_cfg=_base_.semi_train_cfg)
_base_ = '../default_runtime.py'

semi_train_cfg = dict(
    sup_branches=('sup_weak', 'sup_strong'),
    sup_weight=1.0,
    unsup_weight=4.0,
    cls_pseudo_thr=0.7,
    unsup_loss_keys=('loss_rpn_cls', 'loss_cls'),  # ('loss_cls',) for one-stage heads
    empty_pseudo='background',
    burn_in_iters=0,
    min_pseudo_bbox_wh=(1e-2, 1e-2))

# MUM's mixing of the student's unlabeled images: NG = NT = 4, p = 1. largest_stride is the
# neck's largest output stride: 64 for FPN up to P6, 128 up to P7 (RetinaNet, FCOS).
mum_data_preprocessor = dict(
    type='MUMDataPreprocessor',
    mix_branches=('unsup_student', ),
    group_size=4,
    num_tiles=4,
    mix_prob=1.0,
    largest_stride=64)

ema_final_keep = 0.9996
ema_ramp_iters = 2000
custom_hooks = [
    dict(type='EMATeacherHook', final_keep=ema_final_keep, ramp_iters=ema_ramp_iters)
]

max_iters = 180000
val_interval = 5000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='CopyAwareTeacherStudentValLoop')  # teacher and student, once if equal
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=1000),
]

default_hooks = dict(
    checkpoint=dict(
        by_epoch=False, interval=val_interval, max_keep_ckpts=2,
        save_best='teacher/coco/bbox_mAP', rule='greater'))

# the paper's batch: 32 labeled + 32 unlabeled images over 4 GPUs (8 + 8 per GPU);
# --auto-scale-lr rescales lr for another total batch.
auto_scale_lr = dict(enable=False, base_batch_size=64)
