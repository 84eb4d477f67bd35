# MUM on the demo data with adaptive thresholds and an ignore band: each class's threshold matches
# the labeled set's boxes per image (as demo_mum_adaptive.py), and the student's proposals that
# overlap a teacher box scored between that threshold and the score at which the teacher's boxes
# reach twice the labeled density are ignored by both assigners instead of taught as background.
# The ratio 2 was set before any run with it, not probed.
_base_ = './demo_mum_adaptive.py'

ignore_on_band = dict(assigner=dict(ignore_iof_thr=0.5))
model = dict(
    semi_train_cfg=dict(pseudo_thr_policy=dict(ignore_density_ratio=2.0)),
    detector=dict(train_cfg=dict(rpn=ignore_on_band, rcnn=ignore_on_band)))
