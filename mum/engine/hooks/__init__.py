from .ema_teacher_hook import EMATeacherHook
from .finite_loss_hook import FiniteLossHook, NonFiniteLossError
from .prediction_gallery_hook import PredictionGalleryHook
from .pseudo_label_density_hook import PseudoLabelDensityHook
from .pseudo_label_gallery_hook import PseudoLabelGalleryHook
from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import CheckpointSaveError, SafeCheckpointHook
from .semi_config_check_hook import SemiConfigCheckHook
from .stop_signal_hook import StopSignalHook, TrainingInterrupted
from .unreadable_image_hook import UnreadableImageHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

__all__ = [
    'EMATeacherHook', 'FiniteLossHook', 'NonFiniteLossError', 'PredictionGalleryHook',
    'PseudoLabelDensityHook', 'PseudoLabelGalleryHook', 'RandomStateHook', 'SemiConfigCheckHook',
    'WeightsOnlyCheckpointHook',
    'CheckpointSaveError', 'SafeCheckpointHook', 'StopSignalHook', 'TrainingInterrupted',
    'UnreadableImageHook'
]
