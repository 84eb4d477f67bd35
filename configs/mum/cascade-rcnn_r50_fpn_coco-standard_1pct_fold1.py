# MUM on Cascade R-CNN R50-FPN (mmdet's model config) with the Unbiased Teacher recipe,
# COCO-Standard 1 % fold 1, 180k iterations (not a paper cell). Fold k: --cfg-options
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@1.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@1-unlabeled.json
# Pseudo-labels train the RPN and the three stages' classifiers only: CascadeRoIHead names its
# terms s0.loss_cls, s1.loss_cls, s2.loss_cls (and s<i>.loss_bbox, s<i>.acc), hence 's*.loss_cls'.
# As in the recipe's Faster R-CNN, every stage classifies with softmax focal loss (gamma 1.5).
# FPN up to P6 (max-pool), so tile borders lie on the stride-64 grid.
_base_ = [
    'mmdet::_base_/models/cascade-rcnn_r50_fpn.py', '../_base_/recipes/any_detector.py',
    '../_base_/datasets/semi_coco.py'
]

detector = _base_.model
detector.neck = dict(type='UnmixNeck', neck=detector.neck)
detector.roi_head.bbox_head = [
    dict(head, loss_cls=dict(type='SoftmaxFocalLoss', gamma=1.5))
    for head in detector.roi_head.bbox_head
]
model = dict(
    _delete_=True,
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        _base_.mum_data_preprocessor, data_preprocessor=detector.data_preprocessor,
        largest_stride=64),
    semi_train_cfg=dict(_base_.semi_train_cfg, unsup_loss_keys=('loss_rpn_cls', 's*.loss_cls')))
