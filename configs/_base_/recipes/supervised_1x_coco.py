# Plain supervised Faster R-CNN R50-FPN on all of COCO train2017 in Detectron2's 1x schedule (the
# setting of the paper's supervised "Cutout vs MUM" comparison): caffe R50 with frozen BN,
# Detectron2's losses (softmax cross-entropy, RPN positive fraction 0.5), 90k iterations of 16
# images (4 GPUs x 4, so MUM's groups of 4 fill a GPU's batch), SGD 0.02 with steps at 60k and
# 80k, short side 640..800 step 32 with flips, test at 800. The leaves add the augmentation.
_base_ = [
    '../models/faster-rcnn_r50-caffe_fpn.py', 'mmdet::_base_/datasets/coco_detection.py',
    '../default_runtime.py'
]

model = dict(
    roi_head=dict(
        bbox_head=dict(loss_cls=dict(
            _delete_=True, type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0))),
    train_cfg=dict(rpn=dict(sampler=dict(pos_fraction=0.5))))

dataset_type = 'CheckedCocoDataset'  # CocoDataset that names bad files and counts skips
train_scales = [(1333, short) for short in range(640, 801, 32)]
load_labeled = [
    dict(type='LoadImageFromFile', backend_args=_base_.backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomChoiceResize', scales=train_scales, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
]
pack = dict(type='PackDetInputs')
train_pipeline = [*load_labeled, pack]
train_dataloader = dict(
    batch_size=4, num_workers=4,
    dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type))
test_dataloader = val_dataloader

max_iters = 90000
val_interval = 10000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=1000),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters, milestones=[60000, 80000],
         gamma=0.1),
]
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=val_interval, max_keep_ckpts=2,
                    save_best='coco/bbox_mAP', rule='greater'))
# 16 images in all; --auto-scale-lr rescales lr for another total batch
auto_scale_lr = dict(enable=False, base_batch_size=16)
