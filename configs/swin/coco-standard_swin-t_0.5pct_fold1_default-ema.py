# Table 5, MUM x default EMA teacher: Swin-T, COCO-Standard 0.5 % fold 1, with the R50 recipe's EMA
# (no burn-in, keep ramp 0.5 -> 0.9996 over 2000 iterations). The refined-EMA cell is
# ./coco-standard_swin-t_0.5pct_fold1.py (2000 burn-in iterations, then keep 0.999, no ramp).
_base_ = './coco-standard_swin-t_0.5pct_fold1.py'

model = dict(semi_train_cfg=dict(burn_in_iters=0))
custom_hooks = [dict(type='EMATeacherHook', final_keep=0.9996, ramp_iters=2000)]
