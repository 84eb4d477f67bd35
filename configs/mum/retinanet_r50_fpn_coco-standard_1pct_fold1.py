# MUM on RetinaNet R50-FPN (mmdet's model config, unchanged) with the Unbiased Teacher recipe,
# COCO-Standard 1 % fold 1, 180k iterations (not a paper cell). Fold k: --cfg-options
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@1.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@1-unlabeled.json
# One-stage head: pseudo-labels train classification only (loss_cls; no box regression).
# The FPN ends at P7, so tile borders lie on the stride-128 grid (largest_stride=128).
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py', '../_base_/recipes/any_detector.py',
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
