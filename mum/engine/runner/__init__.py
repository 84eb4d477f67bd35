from .cpu_distributed import prepare_cpu_distributed
from .mum_runner import CheckpointFileError, MUMRunner

__all__ = ['CheckpointFileError', 'MUMRunner', 'prepare_cpu_distributed']
