# Table 2: MUM, Faster R-CNN R50-FPN, VOC07 trainval labeled + VOC12 trainval
# unlabeled, 45k iterations, EMA ramp R = 30000 (paper on VOC07 test: AP50 78.94, AP 50.22).
_base_ = ['../_base_/recipes/mum.py', '../_base_/datasets/semi_voc.py']

model = dict(detector=dict(roi_head=dict(bbox_head=dict(num_classes=20))))
custom_hooks = [dict(type='EMATeacherHook', final_keep=_base_.ema_final_keep, ramp_iters=30000)]
train_cfg = dict(max_iters=45000)
