# Table 1, COCO-Additional: supervised baseline, Faster R-CNN R50-FPN, 360k iterations (paper 37.63
# AP). Labeled: all of train2017. The recipe's unlabeled source is never used (unsup_weight 0), so
# it reads train2017 too and this baseline needs no unlabeled2017 download.
_base_ = ['../_base_/recipes/supervised.py', '../_base_/datasets/semi_coco.py']

train_cfg = dict(max_iters=360000)
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file='annotations/instances_train2017.json'),
        dict(_base_.unlabeled_dataset, ann_file='annotations/instances_train2017.json'),
    ]))
