# Oracle on BCCD: supervised training (bccd_supervised.py) with all 205 BCCD train images
# labeled, the ceiling of the 10 % runs; it has no fold. Its unlabeled branch reads the same file
# and is never used (unsup_weight 0), so each step sees 4 labeled images, as the other runs do.
_base_ = './bccd_supervised.py'

train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.labeled_dataset, ann_file=_base_.train_ann_file),
    dict(_base_.unlabeled_dataset, ann_file=_base_.train_ann_file),
]))
