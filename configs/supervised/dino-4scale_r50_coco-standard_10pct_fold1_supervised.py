# Beyond the paper, COCO-Standard 10 % fold 1: supervised only on DINO 4-scale R50 (mmdet's model,
# unchanged) with the Unbiased Teacher schedule of the Faster R-CNN cells (180k iterations, 8 + 8
# images per GPU, EMA teacher) and DINO's pseudo-label and optimiser settings
# (configs/_base_/models/dino-4scale_r50.py). Not trained here.
# Anchors on COCO-Standard 10 %: MixPL with DINO 44.6 AP, MUM Faster R-CNN 31.9.
# Fold k (keys 0-9 of COCO_supervision.txt): --cfg-options
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@10.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@10-unlabeled.json
_base_ = ['../_base_/recipes/supervised_dino.py', '../_base_/datasets/semi_coco.py']

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file='semi_anns/instances_train2017.1@10.json'),
        dict(_base_.unlabeled_dataset,
             ann_file='semi_anns/instances_train2017.1@10-unlabeled.json'),
    ]))
