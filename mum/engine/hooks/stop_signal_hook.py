"""Ctrl-C (SIGINT) and SIGTERM (cluster pre-emption) end training cleanly, in one line."""
import os.path as osp
import signal
import threading
from typing import Optional

import torch
from mmdet.registry import HOOKS
from mmengine.dist import all_reduce, barrier, get_world_size
from mmengine.hooks import CheckpointHook, Hook
from mmengine.runner import Runner

from .safe_checkpoint_hook import last_complete_checkpoint

SIGNAL_NAMES = {signal.SIGINT: 'Ctrl-C (SIGINT)', signal.SIGTERM: 'SIGTERM'}


class TrainingInterrupted(Exception):
    """Training was stopped by a signal; the message names the last complete checkpoint.

    Args:
        message (str): One sentence for the user.
        signum (int): The signal.
    """

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.signum = signum


@HOOKS.register_module()
class StopSignalHook(Hook):
    """Turns SIGINT and SIGTERM into a stop at the end of the current training iteration.

    The signal only sets a flag, so it never interrupts an iteration or a checkpoint being
    written. When the iteration (and its checkpoint, if one is due) is complete, on SIGTERM a
    final checkpoint of this iteration is written (by the runner's CheckpointHook, unless it
    just wrote one), and :class:`TrainingInterrupted` is raised naming the last complete
    checkpoint; ``--resume`` then continues from there. Ctrl-C stops without writing one; a
    second Ctrl-C interrupts at once (KeyboardInterrupt). Under DDP the ranks agree on the stop
    (one all-reduce of the flag per iteration), so they stop at the same iteration, and they
    leave together once rank 0 has written the final checkpoint (a rank that exits first would
    have a launcher such as ``srun --kill-on-bad-exit`` kill rank 0 in the middle of the save).
    """
    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW) of the same iteration

    def __init__(self) -> None:
        self.requested: Optional[int] = None
        self._previous_handlers = {}

    def before_train(self, runner: Runner) -> None:
        """Installs the handlers (only possible in the main thread)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in SIGNAL_NAMES:
            self._previous_handlers[signum] = signal.signal(signum, self._request_stop)

    def after_train(self, runner: Runner) -> None:
        """Restores the handlers that were there before training."""
        self._restore_handlers()

    def _request_stop(self, signum: int, frame) -> None:
        if signum == signal.SIGINT and self.requested == signal.SIGINT:
            raise KeyboardInterrupt  # the second Ctrl-C: stop now
        self.requested = signum

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Stops here when a signal came (on any rank), after a final checkpoint on SIGTERM."""
        requested = self.requested or 0
        if get_world_size() > 1:
            flag = torch.tensor([requested])
            all_reduce(flag, op='max')
            requested = int(flag.item())
        if not requested:
            return
        completed = runner.iter + 1
        if requested == signal.SIGTERM:
            self._save_final_checkpoint(runner, completed)
            barrier()
        self._restore_handlers()
        last = last_complete_checkpoint(runner.work_dir)
        raise TrainingInterrupted(
            f'{SIGNAL_NAMES.get(requested, requested)} after iteration {completed}: training '
            f'stopped; the last complete checkpoint is {last or "none (none was written)"}'
            f'{"; continue with --resume" if last else ""}.', requested)

    @staticmethod
    def _save_final_checkpoint(runner: Runner, completed: int) -> None:
        hooks = [hook for hook in runner.hooks if isinstance(hook, CheckpointHook)]
        if not hooks:
            return
        hook = hooks[0]
        if hook.last_ckpt and osp.basename(hook.last_ckpt) == hook.filename_tmpl.format(completed):
            return  # written at this iteration already
        runner.logger.info(f'SIGTERM: saving a final checkpoint at {completed} iterations')
        hook._save_checkpoint(runner)  # CheckpointHook's own save: keep-count, last_checkpoint

    def _restore_handlers(self) -> None:
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._previous_handlers = {}
