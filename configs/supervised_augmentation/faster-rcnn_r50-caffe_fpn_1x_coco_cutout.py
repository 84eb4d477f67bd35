# Supervised Faster R-CNN R50-FPN, COCO train2017, Detectron2 1x, with Cutout: Unbiased Teacher's
# three random erasings (uniform noise) on every training image (paper 36.87 AP on val2017).
_base_ = ['../_base_/recipes/supervised_1x_coco.py', '../_base_/datasets/strong_aug.py']

train_dataloader = dict(
    dataset=dict(pipeline=[*_base_.load_labeled, *_base_.random_erasing, _base_.pack]))
