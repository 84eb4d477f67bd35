# Unbiased Teacher (the MUM paper's baseline) on Faster R-CNN R50-FPN, paper hyperparameters
# (in ./any_detector.py, the recipe without a detector: tau 0.7, lambda_u 4, EMA keep ramp
# 0.5 -> 0.9996 over 2000 iterations, SGD 0.01, warm-up 1000).
# The neck is always wrapped in UnmixNeck: without a mixed batch it is the plain neck (same keys),
# so MUM is switched on by the data preprocessor alone (see ../mum.py).
_base_ = ['../models/faster-rcnn_r50-caffe_fpn.py', './any_detector.py']

detector = _base_.model
detector.neck = dict(type='UnmixNeck', neck=detector.neck)

model = dict(
    _delete_=True,
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        type='MultiBranchDataPreprocessor', data_preprocessor=detector.data_preprocessor),
    semi_train_cfg=_base_.semi_train_cfg,
    semi_test_cfg=dict(predict_on='teacher'))
