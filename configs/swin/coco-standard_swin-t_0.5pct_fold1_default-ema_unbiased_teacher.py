# Table 5, Cutout x default EMA teacher: Swin-T, COCO-Standard 0.5 % fold 1. "Cutout" reads as the
# Unbiased Teacher step: the student's strong view ends in three Cutout-style random erasings and is
# never tile-mixed. EMA of the R50 recipe (no burn-in, ramp 0.5 -> 0.9996 over 2000 iterations);
# the refined-EMA cell is ./coco-standard_swin-t_0.5pct_fold1_unbiased_teacher.py.
_base_ = './coco-standard_swin-t_0.5pct_fold1_unbiased_teacher.py'

model = dict(semi_train_cfg=dict(burn_in_iters=0))
custom_hooks = [dict(type='EMATeacherHook', final_keep=0.9996, ramp_iters=2000)]
