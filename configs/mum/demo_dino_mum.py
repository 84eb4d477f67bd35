# MUM with DINO on the embedded demo data: the DINO Unbiased Teacher demo with the student's
# unlabeled images mixed (NG = NT = 4). DINO's largest stride is 64, so tile borders lie on
# 64-px units (the demo's 256 x 144-176 px training images are padded to 256 x 256 when mixed).
_base_ = '../unbiased_teacher/demo_dino_unbiased_teacher.py'

model = dict(
    data_preprocessor=dict(
        type='MUMDataPreprocessor', group_size=4, num_tiles=4, mix_prob=1.0, largest_stride=64))
