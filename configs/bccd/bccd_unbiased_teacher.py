# Unbiased Teacher on BCCD (real microscope images, 3 classes): 10 % of BCCD train labeled
# (20 images, fold 0), the other 185 unlabeled, scored on BCCD val (87 images). Built as
# docs/mum_on_your_detector.md shows a user doing, on the demo's CPU-sized detector; data files
# and their two commands: configs/_base_/datasets/semi_bccd.py. bccd_supervised.py, bccd_mum.py
# and bccd_oracle.py inherit this file. Fold k (the split tool's --seed k), with --cfg-options:
#   train_dataloader.dataset.datasets.0.ann_file=annotations/bccd_train.seedk@10.json
#   train_dataloader.dataset.datasets.1.ann_file=annotations/bccd_train.seedk@10-unlabeled.json
# The recipe, frozen on 2026-12-06 for the BCCD comparison (docs/bccd.md): the image scale
# (semi_bccd.py) and the schedule (1000 iterations, 300 of them supervised burn-in, so that the
# comparison fits in about six hours on a 2-core CPU) come from probes on fold 100; learning
# rate, EMA keep rate, unsupervised weight and threshold are the demo's, not probed on BCCD.
_base_ = [
    '../_base_/models/faster-rcnn_efficientnet-lite0_fpn.py',  # the demo's detector
    '../_base_/recipes/any_detector.py',  # the Unbiased Teacher / MUM recipe, no detector
    '../_base_/datasets/semi_bccd.py',  # BCCD in four views, COCO files from the converter
]

max_iters = 1000
burn_in_iters = 300
val_interval = 250

detector = _base_.model
detector.roi_head.bbox_head.num_classes = len(_base_.metainfo['classes'])
detector.neck = dict(type='UnmixNeck', neck=detector.neck)  # the plain neck unless MUM mixes
model = dict(
    _delete_=True,
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        type='MultiBranchDataPreprocessor', data_preprocessor=detector.data_preprocessor),
    semi_train_cfg=dict(
        _base_.semi_train_cfg, burn_in_iters=burn_in_iters, unsup_weight=2.0, cls_pseudo_thr=0.7),
    semi_test_cfg=dict(predict_on='teacher'))

train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
custom_hooks = [
    dict(type='EMATeacherHook', final_keep=0.99, ramp_iters=0),
    dict(type='PseudoLabelGalleryHook', interval=val_interval, num_images=4),
    dict(type='PredictionGalleryHook', num_images=8, score_thr=0.5),
]
optim_wrapper = dict(optimizer=dict(_delete_=True, type='AdamW', lr=3e-4, weight_decay=1e-4))
param_scheduler = [dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50)]
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=val_interval))
randomness = dict(seed=0)
