"""Every checkpoint mmengine loads for this project is unpickled with ``weights_only=True``.

mmengine 0.10.7's loaders call ``torch.load`` without ``weights_only`` (and
``torch.hub.load_state_dict_from_url`` with ``weights_only=False``), so whether a checkpoint can
run code rests on torch's default, which ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` turns off. This
module registers, over mmengine's own, a loader for each of its URL schemes that passes
``weights_only=True`` explicitly (an explicit value wins over that variable): ``load_from``,
``--resume``, ``tools/test.py`` and ``init_cfg=dict(type='Pretrained')`` all go through
``CheckpointLoader``. The URL resolution of the named schemes (``torchvision://``,
``open-mmlab://``, ``mmcls://``) is mmengine's; only the final load is replaced.

A user who trusts a file that weights-only unpickling refuses (an old checkpoint holding other
objects) opts in with ``tools/train.py --unsafe-load`` / ``tools/test.py --unsafe-load``, which
call :func:`allow_unsafe_load`.
"""
import contextlib
import io
import os.path as osp
import pickle
from typing import Iterator

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

UNSAFE_FLAG = '--unsafe-load'
_unsafe = {'allowed': False}


class CheckpointFileError(RuntimeError):
    """A checkpoint file cannot be read, or does not fit the model."""


def allow_unsafe_load(allowed: bool = True) -> None:
    """Lets the loaders below unpickle in full (``weights_only=False``); ``--unsafe-load``."""
    _unsafe['allowed'] = bool(allowed)


def torch_load(source, map_location=None, name: str = None):
    """``torch.load(source, weights_only=True)``, or ``False`` after :func:`allow_unsafe_load`.

    Args:
        source (str | file-like): A local file or a buffer.
        map_location: As for ``torch.load``.
        name (str, optional): The checkpoint's name for the error message; ``source`` if None.

    Returns:
        The unpickled object.

    Raises:
        CheckpointFileError: When weights-only unpickling refuses the file (one sentence naming
            the file and the opt-in flag).
    """
    with _refused_as_one_sentence(name or source):
        return torch.load(source, map_location=map_location,
                          weights_only=not _unsafe['allowed'])


@contextlib.contextmanager
def _refused_as_one_sentence(name) -> Iterator[None]:
    """Turns torch's weights-only refusal of checkpoint ``name`` into one sentence naming the
    opt-in flag (a refusal under the opt-in, impossible in practice, propagates unchanged)."""
    try:
        yield
    except pickle.UnpicklingError as error:
        if _unsafe['allowed']:
            raise
        raise CheckpointFileError(
            f'Checkpoint {name} cannot be read with torch.load(weights_only=True): it '
            'holds objects other than tensors and plain Python values '
            f'({_reason(error)}); if you trust its source, rerun with {UNSAFE_FLAG}, which '
            'unpickles it in full and runs any code it holds.') from None


def _reason(error: Exception) -> str:
    """The line of torch's weights-only message that names what was refused."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    named = [line for line in lines if 'WeightsUnpickler error' in line]
    return (named or lines or [type(error).__name__])[0]


def load_from_local(filename: str, map_location=None):
    """mmengine's local loader, weights-only."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return torch_load(filename, map_location)


def _download(url: str, map_location=None, model_dir: str = None):
    """``torch.hub.load_state_dict_from_url`` with an explicit ``weights_only``."""
    with _refused_as_one_sentence(url):
        return torch.hub.load_state_dict_from_url(url, model_dir=model_dir,
                                                  map_location=map_location,
                                                  weights_only=not _unsafe['allowed'])


def load_from_http(filename: str, map_location=None, model_dir: str = None):
    """mmengine's http(s) loader (rank 0 downloads first), weights-only."""
    rank, world_size = get_dist_info()
    if rank == 0:
        checkpoint = _download(filename, map_location, model_dir)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = _download(filename, map_location, model_dir)
    return checkpoint


def load_from_ceph(filename: str, map_location=None, backend: str = 'petrel'):
    """mmengine's s3 / petrel loader, weights-only."""
    file_backend = get_file_backend(filename, backend_args={'backend': backend})
    with io.BytesIO(file_backend.get(filename)) as buffer:
        return torch_load(buffer, map_location, name=filename)


def load_from_torchvision(filename: str, map_location=None):
    """``torchvision://NAME`` (``modelzoo://NAME``) resolved as mmengine does, weights-only."""
    model_name = filename.split('://', 1)[1]
    return load_from_http(mmengine_checkpoint.get_torchvision_models()[model_name],
                          map_location)


def load_from_openmmlab(filename: str, map_location=None):
    """``open-mmlab://NAME`` resolved as mmengine does (deprecated names too), weights-only."""
    model_name = filename.split('://', 1)[1]
    model_name = mmengine_checkpoint.get_deprecated_model_names().get(model_name, model_name)
    model_url = mmengine_checkpoint.get_external_models()[model_name]
    if model_url.startswith(('http://', 'https://')):
        return load_from_http(model_url, map_location)
    return load_from_local(osp.join(mmengine_checkpoint._get_mmengine_home(), model_url),
                           map_location)


def load_from_mmcls(filename: str, map_location=None):
    """``mmcls://NAME`` resolved and converted as mmengine does, weights-only."""
    model_url = mmengine_checkpoint.get_mmcls_models()[filename[len('mmcls://'):]]
    return mmengine_checkpoint._process_mmcls_checkpoint(load_from_http(model_url, map_location))


def load_from_pavi(filename: str, map_location=None):
    """pavi's model cloud has no weights-only download: refused in one sentence."""
    raise CheckpointFileError(f'Checkpoint {filename}: pavi:// files cannot be loaded '
                              'weights-only; download it and give the local file.')


def register_weights_only_loaders() -> None:
    """Replaces mmengine's loader of every scheme by the weights-only one above."""
    for prefixes, loader in (('', load_from_local),
                             (('http://', 'https://'), load_from_http),
                             ([r'(\S+\:)?s3://', r'(\S+\:)?petrel://'], load_from_ceph),
                             (('modelzoo://', 'torchvision://'), load_from_torchvision),
                             (('open-mmlab://', 'openmmlab://'), load_from_openmmlab),
                             ('mmcls://', load_from_mmcls),
                             ('pavi://', load_from_pavi)):
        CheckpointLoader.register_scheme(prefixes, loader, force=True)


register_weights_only_loaders()
