from .ema_teacher_hook import EMATeacherHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

__all__ = ['EMATeacherHook', 'WeightsOnlyCheckpointHook']
