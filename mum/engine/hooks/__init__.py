from .ema_teacher_hook import EMATeacherHook
from .prediction_gallery_hook import PredictionGalleryHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

__all__ = ['EMATeacherHook', 'PredictionGalleryHook', 'WeightsOnlyCheckpointHook']
