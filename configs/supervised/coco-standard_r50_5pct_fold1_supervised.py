# Table 1, COCO-Standard 5 % fold 1: supervised baseline, Faster R-CNN R50-FPN, 180k iterations
# (paper 18.47 AP, mean of 5 folds). Fold k (keys 0-9 of COCO_supervision.txt): --cfg-options
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@5.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@5-unlabeled.json
_base_ = ['../_base_/recipes/supervised.py', '../_base_/datasets/semi_coco.py']

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file='semi_anns/instances_train2017.1@5.json'),
        dict(_base_.unlabeled_dataset,
             ann_file='semi_anns/instances_train2017.1@5-unlabeled.json'),
    ]))
