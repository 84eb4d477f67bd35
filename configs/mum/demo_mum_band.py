# MUM on the demo data with an ignore band: pseudo-labels keep tau = 0.7, and the student's
# proposals that overlap a teacher box scored in (0.3, 0.7] are ignored by both assigners (no
# classification loss) instead of being taught as background.
_base_ = './demo_mum.py'

ignore_on_band = dict(assigner=dict(ignore_iof_thr=0.5))
model = dict(
    semi_train_cfg=dict(pseudo_thr_policy=dict(type='FixedThreshold', ignore_thr=0.3)),
    detector=dict(train_cfg=dict(rpn=ignore_on_band, rcnn=ignore_on_band)))
