# Supervised-only DINO in the same teacher-student wrapper: the unlabeled branch is switched off
# (unsup_weight 0) and the reported "teacher" is the EMA of the supervised student.
_base_ = './unbiased_teacher_dino.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.0))
