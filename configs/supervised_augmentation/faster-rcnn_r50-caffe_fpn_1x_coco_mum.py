# Supervised Faster R-CNN R50-FPN, COCO train2017, Detectron2 1x, with MUM on the labeled images:
# every training batch is tile-mixed (NG = NT = 4, p = 1) and the FPN outputs are unmixed before
# the heads, so the ground truth is used unchanged (paper 38.12 AP on val2017).
_base_ = '../_base_/recipes/supervised_1x_coco.py'

detector = _base_.model
detector.neck = dict(type='UnmixNeck', neck=detector.neck)
detector.data_preprocessor = dict(
    detector.data_preprocessor, type='MUMDetDataPreprocessor', group_size=4, num_tiles=4,
    mix_prob=1.0, largest_stride=64)
model = dict(_delete_=True, type='UnmixingDetector', detector=detector)
