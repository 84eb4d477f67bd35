# Supervised-only baseline on BCCD: bccd_unbiased_teacher.py (fold, recipe and data there)
# with the unlabeled loss switched off; its "teacher" is the EMA of the supervised student.
_base_ = './bccd_unbiased_teacher.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.0))
