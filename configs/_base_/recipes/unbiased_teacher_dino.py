# Unbiased Teacher on DINO 4-scale R50 (no mixing): ./any_detector.py's recipe (EMA teacher,
# burn-in, 180k iterations, warm-up) with DINO's pseudo-label and optimiser settings
# (../models/dino-4scale_r50.py). The ChannelMapper neck is wrapped in UnmixNeck, a pass-through
# unless the batch was mixed, so MUM is switched on by the data preprocessor alone
# (./mum_dino.py).
_base_ = ['../models/dino-4scale_r50.py', './any_detector.py']

detector = _base_.dino_detector
detector.neck = dict(type='UnmixNeck', neck=detector.neck)

model = dict(
    type='MUMTeacher',
    detector=detector,
    data_preprocessor=dict(
        type='MultiBranchDataPreprocessor', data_preprocessor=detector.data_preprocessor),
    semi_train_cfg=dict(_base_.semi_train_cfg, **_base_.dino_semi_train_cfg),
    semi_test_cfg=dict(predict_on='teacher'))
optim_wrapper = dict(_delete_=True, **_base_.dino_optim_wrapper)
