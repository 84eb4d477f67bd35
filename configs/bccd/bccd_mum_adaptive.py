# MUM on BCCD (bccd_mum.py) with per-class pseudo-label thresholds that match the labeled set's
# boxes per image (distribution matching, clamped to [0.3, 0.9], updated every 10 iterations
# over an exponential window of about 50 batches) instead of the fixed tau = 0.7.
_base_ = './bccd_mum.py'

model = dict(semi_train_cfg=dict(
    pseudo_thr_policy=dict(type='DensityMatchingThreshold', thr_range=(0.3, 0.9), interval=10,
                           window=50)))
