# Unbiased Teacher on Faster R-CNN Swin-T-FPN (paper Tables 4 and 5): mmdet's Swin-T with its
# ImageNet-1k checkpoint and the RGB ImageNet normalisation those weights expect (the reference
# code kept the caffe BGR one), 60k iterations, batch 16 labeled + 16 unlabeled, and the paper's
# "refined" EMA teacher: 2000 supervised burn-in iterations, then keep 0.999 with no ramp.
_base_ = './unbiased_teacher.py'

swin_checkpoint = 'https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth'  # noqa: E501
imagenet_rgb = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True)

model = dict(
    detector=dict(
        data_preprocessor=imagenet_rgb,
        backbone=dict(
            _delete_=True,
            type='SwinTransformer',
            embed_dims=96,
            depths=[2, 2, 6, 2],
            num_heads=[3, 6, 12, 24],
            window_size=7,
            mlp_ratio=4,
            qkv_bias=True,
            qk_scale=None,
            drop_rate=0.0,
            attn_drop_rate=0.0,
            drop_path_rate=0.2,
            patch_norm=True,
            out_indices=(0, 1, 2, 3),
            with_cp=False,
            convert_weights=True,
            init_cfg=dict(type='Pretrained', checkpoint=swin_checkpoint)),
        neck=dict(neck=dict(in_channels=[96, 192, 384, 768]))),
    data_preprocessor=dict(data_preprocessor=imagenet_rgb),
    semi_train_cfg=dict(burn_in_iters=2000))

ema_final_keep = 0.999
ema_ramp_iters = 0
custom_hooks = [
    dict(type='EMATeacherHook', final_keep=ema_final_keep, ramp_iters=ema_ramp_iters)
]
max_iters = 60000
train_cfg = dict(max_iters=max_iters)

# 16 + 16 images: tools/dist_train.sh CONFIG 2 with the datasets' 8 + 8 per GPU
auto_scale_lr = dict(base_batch_size=32)
