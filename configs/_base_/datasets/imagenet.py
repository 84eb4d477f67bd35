# ImageNet-1k in the folder-of-classes layout: <data_root>/train/<wnid>/*.JPEG and
# <data_root>/val/<wnid>/*.JPEG (the validation images sorted into class folders, e.g. with the
# usual valprep.sh). Training: Inception-style random crop to 224, flip, colour jitter 0.4;
# testing: short side 256, centre crop 224. Scored by top-1 / top-5 accuracy and error.
dataset_type = 'ImageFolderDataset'
data_root = 'data/imagenet/'
train_img_prefix = 'train/'
val_img_prefix = 'val/'
crop_size = 224
test_resize = 256

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.0, prob=1.0),
    dict(type='PackClsInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeShortestEdge', scale=test_resize),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='PackClsInputs'),
]

# per GPU: 32 images (the CutMix/MUM protocol: 256 over 8 GPUs)
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_prefix=dict(img=train_img_prefix),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_prefix=dict(img=val_img_prefix),
                 test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='TopKAccuracy', topk=(1, 5))
test_evaluator = val_evaluator
