# The embedded demo data (generated into data/demo/ on first use, see mum/datasets/demo_data.py):
# 8 shape classes (most in their class's hue, a quarter in any) on ~256x192 images; 16 labeled
# images that show every class at every size, 480 unlabeled (whose file keeps its ground truth,
# for the pseudo-label diagnostics) and 120 val images.
_base_ = './semi_coco.py'

dataset_type = 'DemoShapesDataset'
data_root = 'data/demo/'
# about 0.8 of the images' own size: a CPU budget (docs/demo.md)
train_scales = [(256, short) for short in (144, 160, 176)]
test_scale = (256, 160)

weak_geometry = [
    dict(type='RandomChoiceResize', scales=train_scales, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
]
sup_pipeline = [*_base_.load_labeled, *weak_geometry, *_base_.labeled_tail]
unsup_pipeline = [*_base_.load_unlabeled, *weak_geometry, *_base_.unlabeled_tail]
test_pipeline = [*_base_.load_test, dict(type='Resize', scale=test_scale, keep_ratio=True),
                 *_base_.test_tail]

labeled_dataset = dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/labeled.json',
    data_prefix=dict(img='images/labeled/'), filter_cfg=dict(filter_empty_gt=True),
    pipeline=sup_pipeline)
unlabeled_dataset = dict(
    type=dataset_type, data_root=data_root, ann_file='annotations/unlabeled.json',
    data_prefix=dict(img='images/unlabeled/'), filter_cfg=dict(filter_empty_gt=False),
    pipeline=unsup_pipeline, max_unreadable_fraction=0.01)

labeled_per_gpu = 4
unlabeled_per_gpu = 4
train_dataloader = dict(
    batch_size=labeled_per_gpu + unlabeled_per_gpu,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(
        batch_size=labeled_per_gpu + unlabeled_per_gpu,
        source_ratio=[labeled_per_gpu, unlabeled_per_gpu]),
    dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))

val_dataloader = dict(
    batch_size=8, num_workers=1,
    dataset=dict(
        type=dataset_type, data_root=data_root, ann_file='annotations/val.json',
        data_prefix=dict(img='images/val/'), pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
