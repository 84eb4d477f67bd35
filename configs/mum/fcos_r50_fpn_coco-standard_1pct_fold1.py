# MUM on FCOS R50-caffe-FPN (mmdet's FCOS model and its optimiser settings: grad clipping,
# bias lr x2) with the Unbiased Teacher recipe, COCO-Standard 1 % fold 1, 180k iterations
# (not a paper cell). Fold k: --cfg-options
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@1.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@1-unlabeled.json
# One-stage head: pseudo-labels train classification only (loss_cls; no box regression, no
# centerness). The FPN ends at P7, so tile borders lie on the stride-128 grid.
_base_ = [
    '../_base_/models/fcos_r50-caffe_fpn_gn-head.py', '../_base_/recipes/any_detector.py',
    '../_base_/datasets/semi_coco.py'
]

detector = _base_.model
detector.neck = dict(type='UnmixNeck', neck=detector.neck)
model = dict(
    _delete_=True,
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        _base_.mum_data_preprocessor, data_preprocessor=detector.data_preprocessor,
        largest_stride=128),
    semi_train_cfg=dict(_base_.semi_train_cfg, unsup_loss_keys=('loss_cls', )))

optim_wrapper = dict(
    paramwise_cfg=dict(bias_lr_mult=2.0, bias_decay_mult=0.0),
    clip_grad=dict(max_norm=35, norm_type=2))
