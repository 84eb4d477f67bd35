# MUM = the Unbiased Teacher recipe + mixing the student's unlabeled images (NG = NT = 4, p = 1,
# ./any_detector.py's mum_data_preprocessor). Unmixing happens in the UnmixNeck the recipe already
# wraps around the neck. Tile borders are exact at every FPN level up to P6 (stride 64).
_base_ = './unbiased_teacher.py'

model = dict(data_preprocessor=_base_.mum_data_preprocessor)
