# COCO-Standard data for the teacher-student recipes: labeled images in two views (sup_weak,
# sup_strong), unlabeled images in two views (unsup_teacher: weak, unsup_student: strong).
# Geometry (short side from scales, flip 0.5) is drawn once per image BEFORE the views split,
# so the views of an image share it; the strong views add photometric noise and erasing only.
# The files: COCO 2017 in data/coco/, the fold files in data/coco/semi_anns/ from
# tools/dataset_converters/coco_semi_split.py (docs/paper_configs.md, "Preparing the data").
_base_ = './strong_aug.py'

dataset_type = 'CheckedCocoDataset'  # CocoDataset that names bad files and counts skips
data_root = 'data/coco/'
labeled_ann_file = 'semi_anns/instances_train2017.1@1.json'
unlabeled_ann_file = 'semi_anns/instances_train2017.1@1-unlabeled.json'
train_img_prefix = 'train2017/'
val_ann_file = 'annotations/instances_val2017.json'
val_img_prefix = 'val2017/'
backend_args = None

train_scales = [(1333, short) for short in range(640, 801, 32)]
test_scale = (1333, 800)

branch_field = ['sup_weak', 'sup_strong', 'unsup_teacher', 'unsup_student']
meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'flip',
             'flip_direction', 'homography_matrix')
weak_geometry = [
    dict(type='RandomChoiceResize', scales=train_scales, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
]
strong_photometric = [*_base_.colour_noise, *_base_.random_erasing]
pack = dict(type='PackDetInputs', meta_keys=meta_keys)
labeled_views = dict(
    type='MultiBranch', branch_field=branch_field,
    sup_weak=[pack], sup_strong=[*strong_photometric, pack])
unlabeled_views = dict(
    type='MultiBranch', branch_field=branch_field,
    unsup_teacher=[pack], unsup_student=[*strong_photometric, pack])

# pipelines = load + geometry + tail; a dataset with other scales recomposes them from these parts
load_labeled = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
]
labeled_tail = [dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-2, 1e-2)), labeled_views]
# The unlabeled images' ground truth, where their file has it (COCO-Standard's unlabeled part
# does; an image list gives none), is loaded for the pseudo-label precision/recall log and the
# oracle switch only: the pseudo-labels replace it before any loss (MUMTeacher).
load_unlabeled = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
]
unlabeled_tail = [unlabeled_views]
load_test = [dict(type='LoadImageFromFile', backend_args=backend_args)]
test_tail = [
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
sup_pipeline = [*load_labeled, *weak_geometry, *labeled_tail]
unsup_pipeline = [*load_unlabeled, *weak_geometry, *unlabeled_tail]
test_pipeline = [*load_test, dict(type='Resize', scale=test_scale, keep_ratio=True), *test_tail]

labeled_dataset = dict(
    type=dataset_type, data_root=data_root, ann_file=labeled_ann_file,
    data_prefix=dict(img=train_img_prefix), filter_cfg=dict(filter_empty_gt=True),
    pipeline=sup_pipeline, backend_args=backend_args)
unlabeled_dataset = dict(
    type=dataset_type, data_root=data_root, ann_file=unlabeled_ann_file,
    data_prefix=dict(img=train_img_prefix), filter_cfg=dict(filter_empty_gt=False),
    pipeline=unsup_pipeline, backend_args=backend_args,
    # an unreadable unlabeled image is skipped and replaced, up to 1 % of the set (labeled
    # images and validation images fail at once, naming the file)
    max_unreadable_fraction=0.01)

# per GPU: 8 labeled + 8 unlabeled (the paper: 32 + 32 over 4 GPUs)
labeled_per_gpu = 8
unlabeled_per_gpu = 8
train_dataloader = dict(
    batch_size=labeled_per_gpu + unlabeled_per_gpu,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(
        type='FallbackGroupMultiSourceSampler',
        batch_size=labeled_per_gpu + unlabeled_per_gpu,
        source_ratio=[labeled_per_gpu, unlabeled_per_gpu]),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, unlabeled_dataset]))

val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, data_root=data_root, ann_file=val_ann_file,
        data_prefix=dict(img=val_img_prefix), test_mode=True, pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric', ann_file=data_root + val_ann_file, metric='bbox',
    backend_args=backend_args)
test_evaluator = val_evaluator
