# Table 4, COCO-Standard 0.5 % fold 1: supervised baseline, Faster R-CNN Swin-T-FPN, 60k iterations,
# 16 + 16 images per step on 2 GPUs. Fold k: --cfg-options
# train_dataloader.dataset.datasets.0.ann_file=semi_anns/instances_train2017.k@0.5.json
# train_dataloader.dataset.datasets.1.ann_file=semi_anns/instances_train2017.k@0.5-unlabeled.json
_base_ = ['../_base_/recipes/supervised_swin-t.py', '../_base_/datasets/semi_coco.py']

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file='semi_anns/instances_train2017.1@0.5.json'),
        dict(_base_.unlabeled_dataset,
             ann_file='semi_anns/instances_train2017.1@0.5-unlabeled.json'),
    ]))
