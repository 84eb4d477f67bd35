"""Lets tools/train.py and tools/test.py run distributed on machines without a GPU."""
import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Without a GPU: gloo instead of NCCL, the process group started here, and a CPU DDP wrapper.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` for the 'pytorch' launcher, which a
    CPU-only torch cannot do (the runner skips ``init_dist`` when a process group exists), and its
    default DDP wrapper passes ``device_ids=[LOCAL_RANK]``, which DDP refuses for CPU modules.
    Nothing changes on a machine with a GPU.

    Args:
        cfg (Config): The training or test config (``env_cfg.dist_cfg.backend`` is set).
        launcher (str): 'none', 'pytorch', 'slurm' or 'mpi'.
    """
    if torch.cuda.is_available():
        return
    if cfg.get('env_cfg', {}).get('dist_cfg') is not None:
        cfg.env_cfg.dist_cfg.backend = 'gloo'
    if launcher == 'none':
        return
    if launcher == 'pytorch' and not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False)
