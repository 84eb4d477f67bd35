# Table 6 baseline: ResNet-50 trained from scratch on ImageNet-1k, supervised, in CutMix's
# protocol (the source of the table's other rows): 300 epochs, batch 256, SGD lr 0.1 momentum
# 0.9 weight decay 1e-4, lr x0.1 at epochs 75, 150 and 225. Paper (CutMix's number): 23.68
# top-1 error. CutMix's recipe also adds AlexNet-style PCA lighting noise, left out here.
_base_ = ['../_base_/datasets/imagenet.py', '../_base_/default_runtime.py']

model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='ResNet', depth=50, num_stages=4, out_indices=(3, ), frozen_stages=-1,
        norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False, style='pytorch'),
    num_classes=1000,
    in_channels=2048,
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True))

max_epochs = 300
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs, milestones=[75, 150, 225],
         gamma=0.1)
]
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(by_epoch=True, interval=5, max_keep_ckpts=2, save_best='cls/top1_acc',
                    rule='greater'))
log_processor = dict(by_epoch=True)
# 256 images in all; --auto-scale-lr rescales lr for another total batch
auto_scale_lr = dict(enable=False, base_batch_size=256)
