# MUM as a plug-in for mmdet's SoftTeacher: mmdet's Soft Teacher config (Faster R-CNN R50-caffe-
# FPN, COCO-Standard 10 % fold 1, 180k iterations, its data, losses and schedule unchanged), with
# the student's unlabeled images mixed (NG = NT = 4, p = 1) and its FPN outputs unmixed. Fold k:
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@10.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@10-unlabeled.json
# MUMSoftTeacher is SoftTeacher plus the glue arming the unmix neck around its pseudo-label loss.
# FPN up to P6 (max-pool), so tile borders lie on the stride-64 grid.
_base_ = 'mmdet::soft_teacher/soft-teacher_faster-rcnn_r50-caffe_fpn_180k_semi-0.1-coco.py'

custom_imports = dict(imports=['mum'], allow_failed_imports=False)

model = dict(
    type='MUMSoftTeacher',
    detector=dict(neck=dict(_delete_=True, type='UnmixNeck', neck=_base_.model.detector.neck)),
    data_preprocessor=dict(
        type='MUMDataPreprocessor',
        mix_branches=('unsup_student', ),
        group_size=4,
        num_tiles=4,
        mix_prob=1.0,
        largest_stride=64))

# refuse a largest_stride that some prior stride does not divide, before the first iteration
default_hooks = dict(config_check=dict(type='SemiConfigCheckHook'))
