# Supervised-only baseline in the same teacher-student wrapper: the unlabeled branch is switched
# off (unsup_weight 0, no pseudo-labelling is computed) and the reported "teacher" is the EMA of
# the supervised student, evaluated exactly like the semi-supervised methods.
_base_ = './unbiased_teacher.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.0))
