# BCCD (blood cells: Platelets, RBC, WBC; 364 microscope images of 640x480) as a user brings it:
# one VOC-layout folder, data/bccd/ (Annotations/, ImageSets/Main/{train,val,test}.txt,
# JPEGImages/), the config's data_root. Make its COCO files once, into data/bccd/annotations/:
#   python tools/dataset_converters/voc_to_coco.py --voc-root data/bccd \
#       --splits train val test --name bccd --out-dir data/bccd/annotations
#   python tools/dataset_converters/coco_semi_split.py --percent 10 --seed 0 1 2 3 4 \
#       --ann-file data/bccd/annotations/bccd_train.json --out-dir data/bccd/annotations
# The first writes bccd_{train,val,test}.json (file_name JPEGImages/<id>.jpg; categories in
# sorted order, Platelets, RBC, WBC; 205 / 87 / 72 images; the two degenerate boxes of BCCD
# are dropped and logged). The second writes, per seed k, fold k: bccd_train.seedk@10.json
# (20 of the 205 train images, labeled) and bccd_train.seedk@10-unlabeled.json (the other 185;
# their boxes are kept for the pseudo-label diagnostics only). Folds 0-4 are for results, 100+
# for recipe probes. A read-only copy elsewhere (e.g. ../shared/data/bccd/, where the tests
# look for it) is converted with --voc-root pointing at it and its images linked, not copied:
#   mkdir -p data/bccd && ln -s "$(realpath ../shared/data/bccd/JPEGImages)" data/bccd/JPEGImages
# The image scale below (short side 224-288 for training, 256 for testing; multiples of 32, the
# FPN's largest stride, which MUM's tiles need) was chosen for the CPU by a probe on fold 100
# (docs/bccd.md): 352 cost 2.0-2.7x as much per step.
_base_ = './semi_coco.py'

data_root = 'data/bccd/'
fold = 0  # the labeled fold (the split tool's --seed); the configs' header says how to change it
labeled_ann_file = f'annotations/bccd_train.seed{fold}@10.json'
unlabeled_ann_file = f'annotations/bccd_train.seed{fold}@10-unlabeled.json'
train_ann_file = 'annotations/bccd_train.json'  # every train image, for the oracle
val_ann_file = 'annotations/bccd_val.json'
metainfo = dict(classes=('Platelets', 'RBC', 'WBC'))  # the converter's category names and order

train_scales = [(640, short) for short in (224, 256, 288)]
test_scale = (640, 256)

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

labeled_per_gpu = 4
unlabeled_per_gpu = 4
train_dataloader = dict(
    batch_size=labeled_per_gpu + unlabeled_per_gpu,
    num_workers=1,
    sampler=dict(
        batch_size=labeled_per_gpu + unlabeled_per_gpu,
        source_ratio=[labeled_per_gpu, unlabeled_per_gpu]),
    dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))

val_dataloader = dict(
    batch_size=8, num_workers=1,
    dataset=dict(
        type=_base_.dataset_type, data_root=data_root, metainfo=metainfo, ann_file=val_ann_file,
        data_prefix=dict(img=''), pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + val_ann_file)
test_evaluator = val_evaluator
