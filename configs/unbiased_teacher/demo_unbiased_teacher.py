# Unbiased Teacher on the embedded demo data, sized for a 2-core CPU (< 10 minutes):
# the paper's Faster R-CNN shrunk to ResNet-18 from scratch, a 64-channel 4-level FPN (strides
# 4..32), anchors 16..128, a 256-d box head and few RoIs. configs/mum/demo_mum.py and
# configs/supervised/demo_supervised.py inherit this file and change only their switch.
_base_ = ['../_base_/recipes/unbiased_teacher.py', '../_base_/datasets/semi_demo.py']

# trained from scratch: per-channel standardised RGB input suits it better than caffe's
normalisation = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True)
model = dict(
    data_preprocessor=dict(data_preprocessor=normalisation),
    # From scratch the teacher is useless at first: supervised burn-in for the first third (the
    # teacher then becomes a copy of the student), a steady teacher afterwards (keep 0.99, no
    # ramp) and lambda_u 2. Measured: tau 0.5 with the paper's fast ramp flooded the student with
    # false pseudo-boxes and collapsed it to background within 100 iterations (docs/demo.md).
    semi_train_cfg=dict(burn_in_iters=120, unsup_weight=2.0),
    detector=dict(
        data_preprocessor=normalisation,
        backbone=dict(
            depth=18, frozen_stages=-1, norm_cfg=dict(type='BN', requires_grad=True),
            norm_eval=False, style='pytorch', init_cfg=None),
        neck=dict(neck=dict(in_channels=[64, 128, 256, 512], out_channels=64, num_outs=4)),
        rpn_head=dict(
            in_channels=64, feat_channels=64,
            anchor_generator=dict(scales=[4], strides=[4, 8, 16, 32])),
        roi_head=dict(
            bbox_roi_extractor=dict(out_channels=64, featmap_strides=[4, 8, 16, 32]),
            bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=6)),
        train_cfg=dict(
            rpn_proposal=dict(nms_pre=600, max_per_img=200),
            rcnn=dict(sampler=dict(num=64))),
        test_cfg=dict(rpn=dict(nms_pre=600, max_per_img=200))))

max_iters = 360
val_interval = 120
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
custom_hooks = [
    dict(type='EMATeacherHook', final_keep=0.99, ramp_iters=0),
    dict(type='PredictionGalleryHook', num_images=8, score_thr=0.3),
]
# from scratch at lr 0.02 the loss diverges within ~40 iterations without gradient clipping
optim_wrapper = dict(optimizer=dict(lr=0.02), clip_grad=dict(max_norm=10.0))
param_scheduler = [dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=100)]
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=val_interval))
randomness = dict(seed=0)
