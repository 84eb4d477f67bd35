# Supervised-only baseline on Faster R-CNN Swin-T-FPN: the Swin-T Unbiased Teacher recipe with the
# unlabeled branch switched off, as in ./supervised.py (the reported teacher is the EMA student).
_base_ = './unbiased_teacher_swin-t.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.0))
