# MUM on the embedded demo data: the Unbiased Teacher demo with the student's unlabeled images
# mixed (NG = NT = 4). The demo FPN's largest stride is 32, so tile borders lie on 32-px units.
_base_ = '../unbiased_teacher/demo_unbiased_teacher.py'

model = dict(
    data_preprocessor=dict(
        type='MUMDataPreprocessor', group_size=4, num_tiles=4, mix_prob=1.0, largest_stride=32))
