# Supervised-only DINO on the embedded demo data: the DINO Unbiased Teacher demo with the
# unlabeled loss switched off (its "teacher" is the EMA of the supervised student).
_base_ = '../unbiased_teacher/demo_dino_unbiased_teacher.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.0))
