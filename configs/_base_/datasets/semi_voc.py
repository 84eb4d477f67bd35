# PASCAL VOC protocol (paper Table 2): VOC07 trainval labeled, VOC12 trainval unlabeled, VOC07 test
# scored with COCO-style AP / AP50 (difficult boxes count as ordinary ground truth), 20 classes.
# Training short side 480..800 step 32 (max 1333), test short side 600 (max 1000). The JSONs come
# from tools/dataset_converters/voc_to_coco.py (file_name relative to VOCdevkit/, e.g.
# VOC2007/JPEGImages/000005.jpg); the optional extra unlabeled set COCO20cls comes from
# tools/dataset_converters/coco20cls.py and reads its images from COCO's train2017/.
_base_ = './semi_coco.py'

data_root = 'data/VOCdevkit/'
labeled_ann_file = 'annotations/voc07_trainval.json'
unlabeled_ann_file = 'annotations/voc12_trainval.json'
val_ann_file = 'annotations/voc07_test.json'
coco_data_root = 'data/coco/'
coco20cls_ann_file = 'annotations/instances_train2017_coco20cls.json'

metainfo = dict(
    classes=('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair',
             'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep',
             'sofa', 'train', 'tvmonitor'))
train_scales = [(1333, short) for short in range(480, 801, 32)]
test_scale = (1000, 600)

weak_geometry = [
    dict(type='RandomChoiceResize', scales=train_scales, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
]
sup_pipeline = [*_base_.load_labeled, *weak_geometry, *_base_.labeled_tail]
unsup_pipeline = [*_base_.load_unlabeled, *weak_geometry, *_base_.unlabeled_tail]
test_pipeline = [*_base_.load_test, dict(type='Resize', scale=test_scale, keep_ratio=True),
                 *_base_.test_tail]

labeled_dataset = dict(
    type=_base_.dataset_type, data_root=data_root, metainfo=metainfo, ann_file=labeled_ann_file,
    data_prefix=dict(img=''), filter_cfg=dict(filter_empty_gt=True), pipeline=sup_pipeline)
unlabeled_dataset = dict(
    type=_base_.dataset_type, data_root=data_root, metainfo=metainfo, ann_file=unlabeled_ann_file,
    data_prefix=dict(img=''), filter_cfg=dict(filter_empty_gt=False), pipeline=unsup_pipeline,
    max_unreadable_fraction=0.01)
coco20cls_dataset = dict(
    type=_base_.dataset_type, data_root=coco_data_root, metainfo=metainfo,
    ann_file=coco20cls_ann_file, data_prefix=dict(img='train2017/'),
    filter_cfg=dict(filter_empty_gt=False), pipeline=unsup_pipeline,
    max_unreadable_fraction=0.01)
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))

val_dataloader = dict(
    dataset=dict(
        type=_base_.dataset_type, data_root=data_root, metainfo=metainfo, ann_file=val_ann_file,
        data_prefix=dict(img=''), pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + val_ann_file)
test_evaluator = val_evaluator
