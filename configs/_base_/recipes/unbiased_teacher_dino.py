# Unbiased Teacher on DINO 4-scale R50 (no mixing): ./any_detector.py's recipe (EMA teacher,
# 180k iterations, warm-up, and no burn-in, as in the Faster R-CNN cells: a young DINO teacher
# at tau 0.4 gives few boxes, so at first the unlabeled images are mostly taught background; set
# model.semi_train_cfg.burn_in_iters to train on labeled images alone first) with DINO's
# pseudo-label and optimiser settings (../models/dino-4scale_r50.py). The ChannelMapper neck is
# wrapped in UnmixNeck, a pass-through unless the batch was mixed, so MUM is switched on by the
# data preprocessor alone (./mum_dino.py).
_base_ = ['../models/dino-4scale_r50.py', './any_detector.py']
import copy  # noqa: E402

detector = copy.deepcopy(_base_.dino_detector)  # dino_detector stays mmdet's, for inheritors
detector.neck = dict(type='UnmixNeck', neck=detector.neck)

model = dict(
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        type='MultiBranchDataPreprocessor', data_preprocessor=detector.data_preprocessor),
    semi_train_cfg=dict(_base_.semi_train_cfg, **_base_.dino_semi_train_cfg),
    semi_test_cfg=dict(predict_on='teacher'))
optim_wrapper = dict(_delete_=True, **_base_.dino_optim_wrapper)
