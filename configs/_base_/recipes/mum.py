# MUM = the Unbiased Teacher recipe + mixing the student's unlabeled images (NG = NT = 4, p = 1).
# Unmixing happens in the UnmixNeck the recipe already wraps around the neck. Tile borders are
# exact at every FPN level up to P6 (stride 64).
_base_ = './unbiased_teacher.py'

model = dict(
    data_preprocessor=dict(
        type='MUMDataPreprocessor',
        mix_branches=('unsup_student', ),
        group_size=4,
        num_tiles=4,
        mix_prob=1.0,
        largest_stride=64))
