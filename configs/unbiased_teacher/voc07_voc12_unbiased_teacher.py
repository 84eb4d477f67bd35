# Table 2: Unbiased Teacher, Faster R-CNN R50-FPN, VOC07 trainval labeled + VOC12 trainval
# unlabeled, 45k iterations, EMA ramp R = 30000.
_base_ = ['../_base_/recipes/unbiased_teacher.py', '../_base_/datasets/semi_voc.py']

model = dict(detector=dict(roi_head=dict(bbox_head=dict(num_classes=20))))
custom_hooks = [dict(type='EMATeacherHook', final_keep=_base_.ema_final_keep, ramp_iters=30000)]
train_cfg = dict(max_iters=45000)
