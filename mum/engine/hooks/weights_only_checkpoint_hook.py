"""Writes runner checkpoints that ``torch.load(weights_only=True)`` accepts, and reads them back.

torch >= 2.6 unpickles with ``weights_only=True``. mmengine 0.10.7 puts objects in checkpoints that
this refuses: the message hub's ``HistoryBuffer`` objects (whose pickle needs ``builtins.getattr``,
which must not be allow-listed since it re-opens code execution through pickle) and numpy scalars
and arrays. This hook converts them to plain Python values and tensors before a checkpoint is
written and restores the HistoryBuffers after one is loaded, so ``--resume`` works while every
file, ours or downloaded, is still loaded with ``weights_only=True``.
"""
from typing import Any

import numpy as np
import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

_BUFFER_TAG = '__history_buffer__'
_ARRAY_TAG = '__ndarray__'


def to_weights_only(value: Any) -> Any:
    """Recursively replaces HistoryBuffers and numpy values by tagged dicts, tensors and scalars.

    Args:
        value: A checkpoint or any part of it.

    Returns:
        The same structure holding only types ``weights_only`` unpickling accepts.
    """
    if isinstance(value, HistoryBuffer):
        log_history, count_history = value.data
        return {_BUFFER_TAG: True, 'max_length': value.max_length,
                'log_history': torch.from_numpy(np.ascontiguousarray(log_history)),
                'count_history': torch.from_numpy(np.ascontiguousarray(count_history))}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return [to_weights_only(v) for v in value.tolist()]
        return {_ARRAY_TAG: torch.from_numpy(np.ascontiguousarray(value))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return type(value)((k, to_weights_only(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(to_weights_only(v) for v in value)
    return value


def from_weights_only(value: Any) -> Any:
    """Inverse of :func:`to_weights_only` for HistoryBuffers and numpy arrays."""
    if isinstance(value, dict):
        if value.get(_BUFFER_TAG) is True:
            return HistoryBuffer(value['log_history'].numpy(), value['count_history'].numpy(),
                                 max_length=value['max_length'])
        if set(value) == {_ARRAY_TAG}:
            return value[_ARRAY_TAG].numpy()
        return type(value)((k, from_weights_only(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(from_weights_only(v) for v in value)
    return value


@HOOKS.register_module()
class WeightsOnlyCheckpointHook(Hook):
    """Makes the runner's checkpoints loadable with ``weights_only=True`` (see module doc).

    It has the lowest priority so that it converts what every other hook added when saving.
    """
    priority = 'LOWEST'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Converts the checkpoint in place, just before it is written."""
        for key in list(checkpoint):
            checkpoint[key] = to_weights_only(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Restores HistoryBuffers and arrays in place, before the runner uses them."""
        for key in list(checkpoint):
            if key != 'state_dict':
                checkpoint[key] = from_weights_only(checkpoint[key])
