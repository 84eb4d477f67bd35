# MUM on BCCD: bccd_unbiased_teacher.py (fold, recipe and data there) with the student's
# unlabeled images mixed (NG = NT = 4). The detector's FPN ends at stride 32, so tile borders lie
# on 32-px units.
_base_ = './bccd_unbiased_teacher.py'

model = dict(data_preprocessor=dict(_base_.mum_data_preprocessor, largest_stride=32))
