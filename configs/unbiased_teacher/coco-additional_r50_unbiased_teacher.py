# Table 1, COCO-Additional: Unbiased Teacher, Faster R-CNN R50-FPN, 360k iterations (paper 41.3 AP).
# Labeled: all of train2017; unlabeled: unlabeled2017 (annotations/image_info_unlabeled2017.json);
# lambda_u 2.0 as in the paper's Table 9.
_base_ = ['../_base_/recipes/unbiased_teacher.py', '../_base_/datasets/semi_coco.py']

model = dict(semi_train_cfg=dict(unsup_weight=2.0))
train_cfg = dict(max_iters=360000)
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file='annotations/instances_train2017.json'),
        dict(_base_.unlabeled_dataset, ann_file='annotations/image_info_unlabeled2017.json',
             data_prefix=dict(img='unlabeled2017/')),
    ]))
