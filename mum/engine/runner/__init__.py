from .copy_aware_val_loop import CopyAwareTeacherStudentValLoop
from .cpu_distributed import prepare_cpu_distributed
from .mum_runner import CheckpointFileError, MUMRunner

__all__ = [
    'CheckpointFileError', 'CopyAwareTeacherStudentValLoop', 'MUMRunner', 'prepare_cpu_distributed'
]
