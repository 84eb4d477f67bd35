# Tutorial config of docs/mum_on_your_detector.md: MUM on your own COCO-format dataset with an
# mmdet detector of your choice, here RetinaNet R50-FPN on a three-class dataset.
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',  # 1. your detector: any mmdet model config
    '../_base_/recipes/any_detector.py',  # 2. the Unbiased Teacher / MUM recipe, no detector
    '../_base_/datasets/semi_coco.py',  # 3. the labeled and unlabeled views, COCO format
]

classes = ('cat', 'dog', 'bird')
detector = _base_.model
detector.bbox_head.num_classes = len(classes)
detector.neck = dict(type='UnmixNeck', neck=detector.neck)  # UnMix: feature tiles go back
model = dict(
    _delete_=True,
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        _base_.mum_data_preprocessor,  # Mix: NG = NT = 4 on the student's unlabeled images
        data_preprocessor=detector.data_preprocessor,
        largest_stride=128),  # the neck's largest output stride: RetinaNet's FPN ends at P7
    semi_train_cfg=dict(_base_.semi_train_cfg, unsup_loss_keys=('loss_cls', )))

my_data = dict(data_root='data/my_dataset/', data_prefix=dict(img='images/'),
               metainfo=dict(classes=classes))
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.labeled_dataset, **my_data, ann_file='annotations/labeled.json'),
    dict(_base_.unlabeled_dataset, **my_data, ann_file='annotations/unlabeled.json'),
]))
val_dataloader = dict(dataset=dict(**my_data, ann_file='annotations/val.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file='data/my_dataset/annotations/val.json')
test_evaluator = val_evaluator
