"""mmengine's CheckpointHook that deletes old checkpoints only once the new one is complete."""
import contextlib
import os.path as osp
from typing import Iterator, List, Optional, Tuple

from mmdet.registry import HOOKS
from mmengine.hooks import CheckpointHook


class CheckpointSaveError(RuntimeError):
    """Writing a checkpoint failed; the message names the last complete one."""


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """CheckpointHook whose deletions wait for the new checkpoint.

    mmengine's hook removes the oldest kept checkpoint (``max_keep_ckpts``) and the previous
    best one before writing the new one, so a save that fails (a full disk) loses them. Here the
    removals it asks for are held back and done only after the new file is complete (the runner
    writes it atomically, see :class:`mum.engine.runner.MUMRunner`); when the save fails they
    are dropped, and :class:`CheckpointSaveError` says which checkpoint is still good. A
    validation without training (``runner.val()`` on a loaded checkpoint) keeps no best
    checkpoint; mmengine's hook fails there on the output folder it sets up only before training.
    All arguments are CheckpointHook's.
    """

    def after_val_epoch(self, runner, metrics) -> None:
        """CheckpointHook's best-checkpoint update, skipped when no training has started."""
        if not hasattr(self, 'file_backend'):  # set in before_train
            return
        super().after_val_epoch(runner, metrics)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        """CheckpointHook's periodic save, old checkpoints removed after it succeeded."""
        with self._removals_after_success(runner):
            super()._save_checkpoint_with_step(runner, step, meta)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        """CheckpointHook's best-checkpoint save, the previous best removed after it."""
        with self._removals_after_success(runner):
            super()._save_best_checkpoint(runner, metrics)

    @contextlib.contextmanager
    def _removals_after_success(self, runner) -> Iterator[None]:
        backend = self.file_backend
        deferred = _DeferredRemovals(backend)
        good = last_complete_checkpoint(runner.work_dir)
        self.file_backend = deferred
        try:
            yield
        except CheckpointSaveError:
            raise  # from a nested save, already naming the last complete checkpoint
        except Exception as error:
            raise CheckpointSaveError(
                f'Saving a checkpoint in {self.out_dir} failed ({type(error).__name__}: '
                f'{error}); nothing was deleted, the last complete checkpoint is '
                f'{good or "none (no checkpoint was written yet)"}.') from error
        finally:
            self.file_backend = backend
        deferred.apply()


def last_complete_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint named in ``WORK_DIR/last_checkpoint`` (written after each complete save)."""
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as last_checkpoint:
        return last_checkpoint.read().strip() or None


class _DeferredRemovals:
    """A file backend that records ``remove`` / ``rmtree`` calls instead of doing them."""

    def __init__(self, backend) -> None:
        self._backend = backend
        self._pending: List[Tuple[str, str]] = []

    def remove(self, path: str) -> None:
        self._pending.append(('remove', path))

    def rmtree(self, path: str) -> None:
        self._pending.append(('rmtree', path))

    def apply(self) -> None:
        """Does the recorded removals on the real backend."""
        for method, path in self._pending:
            getattr(self._backend, method)(path)

    def __getattr__(self, name):
        return getattr(self._backend, name)
