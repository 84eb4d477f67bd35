# MUM on Faster R-CNN Swin-T-FPN: the Swin-T Unbiased Teacher recipe with the student's unlabeled
# images mixed exactly as in ./mum.py (NG = NT = 4, p = 1, tile borders on the stride-64 grid).
_base_ = './unbiased_teacher_swin-t.py'

model = dict(data_preprocessor=_base_.mum_data_preprocessor)
