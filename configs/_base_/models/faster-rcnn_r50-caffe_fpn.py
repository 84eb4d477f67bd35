# Faster R-CNN R50-FPN as in Unbiased Teacher / MUM (Detectron2 defaults): caffe-style ImageNet
# R50 with frozen BN and stage 1 frozen, anchors 32..512, RoIAlign 7x7, RPN positive fraction
# 0.25, softmax focal loss (gamma 1.5) for RoI classification.
_base_ = 'mmdet::_base_/models/faster-rcnn_r50_fpn.py'

model = dict(
    data_preprocessor=dict(
        mean=[103.530, 116.280, 123.675], std=[1.0, 1.0, 1.0], bgr_to_rgb=False),
    backbone=dict(
        norm_cfg=dict(type='BN', requires_grad=False),
        style='caffe',
        init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://detectron2/resnet50_caffe')),
    roi_head=dict(
        bbox_head=dict(loss_cls=dict(_delete_=True, type='SoftmaxFocalLoss', gamma=1.5))),
    train_cfg=dict(rpn=dict(sampler=dict(pos_fraction=0.25))))
