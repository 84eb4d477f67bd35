"""Saves torch's random state in checkpoints and restores it where a resumed run reaches the
first new iteration, so that ``--resume`` continues bit-identically."""
from typing import Optional

import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.runner import Runner

STATE_KEY = 'torch_random_states'


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Makes a resumed run draw the same random numbers as an uninterrupted one.

    The model draws from torch's global generator (e.g. the RPN and RoI samplers). A checkpoint
    written after iteration ``k`` stores its state (CPU and, if present, every GPU's), and the
    resumed run restores it just before iteration ``k + 1`` runs, after mmengine has replayed the
    dataloader over the ``k`` batches already seen. numpy's and Python's generators are used by
    data loading (transforms, the multi-source sampler), which that replay repeats draw for draw,
    so they are left alone; dataloader workers are reseeded by mmengine, and MUM's permutation
    stream is restored by the data preprocessor's own state.
    """
    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._pending: Optional[dict] = None

    def before_save_checkpoint(self, runner: Runner, checkpoint: dict) -> None:
        """Stores the torch generator states (tensors, loadable with weights_only=True)."""
        states = dict(cpu=torch.get_rng_state())
        if torch.cuda.is_available():
            states['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint[STATE_KEY] = states

    def after_load_checkpoint(self, runner: Runner, checkpoint: dict) -> None:
        """Keeps the states until the resumed run's first iteration."""
        self._pending = checkpoint.get(STATE_KEY)

    def before_train_iter(self, runner: Runner, batch_idx: int,
                          data_batch: Optional[dict] = None) -> None:
        """Restores the stored states once, after the dataloader was replayed."""
        if self._pending is None:
            return
        states, self._pending = self._pending, None
        torch.set_rng_state(states['cpu'])
        if 'cuda' in states and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(states['cuda'])
