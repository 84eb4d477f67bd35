"""Stops training at the first NaN or infinite loss term, naming the term and the iteration."""
import math
from typing import Optional

import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.runner import Runner


class NonFiniteLossError(RuntimeError):
    """A loss term became NaN or infinite."""


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Raises :class:`NonFiniteLossError` when a logged loss term is NaN or infinite.

    It runs before the checkpoint hook of the same iteration, so the checkpoint of a broken
    iteration is never written and the last checkpoint on disk is the last good one.
    """
    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Checks every loss term the model returned for this iteration."""
        bad = {name: float(value) for name, value in _as_floats(outputs or {}).items()
               if 'loss' in name and not math.isfinite(value)}
        if not bad:
            return
        last = self._last_checkpoint(runner)
        raise NonFiniteLossError(
            f'Loss term(s) {", ".join(f"{k}={v}" for k, v in bad.items())} at iteration '
            f'{runner.iter + 1}: training stopped; the last good checkpoint is {last}.')

    @staticmethod
    def _last_checkpoint(runner: Runner) -> str:
        path = runner.message_hub.get_info('last_ckpt')
        return path if path else 'none (no checkpoint was written yet)'


def _as_floats(outputs: dict) -> dict:
    """The logged values as Python floats (the model returns tensors, some requiring grad)."""
    return {name: float(value.detach()) if isinstance(value, torch.Tensor) else float(value)
            for name, value in outputs.items()}
