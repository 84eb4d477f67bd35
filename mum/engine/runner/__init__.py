from .copy_aware_val_loop import CopyAwareTeacherStudentValLoop
from .cpu_distributed import prepare_cpu_distributed
from .mum_runner import EmptyEvaluationSetError, MissingAnnotationFileError, MUMRunner
from .weights_only_loading import UNSAFE_FLAG, CheckpointFileError, allow_unsafe_load
from .work_dir_lock import WorkDirBusyError, WorkDirLock

__all__ = [
    'CheckpointFileError', 'CopyAwareTeacherStudentValLoop', 'EmptyEvaluationSetError',
    'MissingAnnotationFileError', 'MUMRunner', 'UNSAFE_FLAG', 'WorkDirBusyError', 'WorkDirLock',
    'allow_unsafe_load', 'prepare_cpu_distributed'
]
