# Runtime shared by every config of this project.
default_scope = 'mmdet'
custom_imports = dict(imports=['mum'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    # metrics logged against the iteration (mmengine's default, by epoch, logs them at step 0)
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook, deleting old checkpoints only once the new one is complete
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=False, interval=5000, max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='DetVisualizationHook'),
    # checkpoints that torch.load(weights_only=True) accepts, so --resume works on torch >= 2.6
    weights_only_checkpoint=dict(type='WeightsOnlyCheckpointHook'),
    # a resumed run continues bit-identically (torch's global random state)
    random_state=dict(type='RandomStateHook'),
    # a NaN or infinite loss term stops training before its checkpoint is written
    finite_loss=dict(type='FiniteLossHook'),
    # datasets, model and MUM settings agree before the first iteration
    config_check=dict(type='SemiConfigCheckHook'),
    # Ctrl-C / SIGTERM stop after the current iteration (SIGTERM: with a final checkpoint)
    stop_signal=dict(type='StopSignalHook'),
    # skipped unreadable unlabeled images, logged per interval (max_unreadable_fraction)
    unreadable_images=dict(type='UnreadableImageHook', interval=50),
    # the teacher's pseudo-boxes per image per class next to the labeled set's; one warning
    # when they stay below a quarter of it (MUMTeacher's threshold policy gets the density)
    pseudo_label_density=dict(type='PseudoLabelDensityHook', interval=50))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))  # tools/train.py and test.py use gloo when there is no GPU

vis_backends = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
visualizer = dict(type='DetLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)

log_level = 'INFO'
load_from = None
resume = False
