# MUM on Faster R-CNN Swin-T-FPN: the Swin-T Unbiased Teacher recipe with the student's unlabeled
# images mixed exactly as in ./mum.py (NG = NT = 4, p = 1, tile borders on the stride-64 grid).
_base_ = './unbiased_teacher_swin-t.py'

model = dict(
    data_preprocessor=dict(
        type='MUMDataPreprocessor',
        mix_branches=('unsup_student', ),
        group_size=4,
        num_tiles=4,
        mix_prob=1.0,
        largest_stride=64))
