"""mmengine's Runner with checkpoint files handled safely: written atomically, refused by name
when unreadable or when their shapes do not fit the model, and a clear line when there is none."""
import logging
import os
import os.path as osp
from typing import Callable, Optional, Union

from mmengine.dist import master_only
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import (_load_checkpoint, _load_checkpoint_to_model,
                                        find_latest_checkpoint)


class CheckpointFileError(RuntimeError):
    """A checkpoint file cannot be read, or does not fit the model."""


class MUMRunner(Runner):
    """The Runner that tools/train.py and tools/test.py build (mmengine's, plus these checks).

    * ``save_checkpoint`` writes ``.NAME.tmp`` next to the checkpoint and renames it to
      ``NAME`` once complete, so a checkpoint under its real name is always whole (a crash or a
      full disk leaves the temporary file, never a truncated ``NAME``); non-local backends
      (``backend_args``) are written as mmengine does.
    * ``load_checkpoint`` raises :class:`CheckpointFileError` naming the file when it cannot be
      read (e.g. truncated; torch's own message follows) and, when
      ``refuse_shape_mismatch`` is set (tools/test.py, and always when resuming), naming the
      parameters whose shapes differ from the model's instead of leaving them initialised at
      random with a warning.
    * ``--resume`` without a checkpoint in the work dir starts at iteration 0 as mmengine does,
      with one warning line saying so.
    """
    refuse_shape_mismatch = False

    def load_or_resume(self) -> None:
        """mmengine's, warning in one line when there is no checkpoint to resume."""
        if (not self._has_loaded and self._resume and self._load_from is None
                and find_latest_checkpoint(self.work_dir) is None):
            print_log(f'--resume: no checkpoint to resume in {self.work_dir}, starting at '
                      'iteration 0.', logger='current', level=logging.WARNING)
            self._resume = False
        super().load_or_resume()

    def resume(self, filename: str, *args, **kwargs) -> None:
        """mmengine's resume; a checkpoint whose shapes differ from the model is refused."""
        refuse, self.refuse_shape_mismatch = self.refuse_shape_mismatch, True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self.refuse_shape_mismatch = refuse

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: list = [(r'^module.', '')]):
        """mmengine's ``load_checkpoint`` with the file named on a read error or a shape
        mismatch (see the class doc)."""
        try:
            checkpoint = _load_checkpoint(filename, map_location=map_location)
        except (RuntimeError, EOFError) as error:  # torch's PytorchStreamReader, unpickling
            raise CheckpointFileError(
                f'Checkpoint {filename} cannot be read: it is truncated or not a checkpoint '
                f'({str(error).splitlines()[0]}).') from None
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        if self.refuse_shape_mismatch:
            _check_shapes(model, checkpoint, filename)
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        backend_args: Optional[dict] = None, **kwargs) -> None:
        """mmengine's ``save_checkpoint``, writing a temporary file renamed when complete."""
        file_client_args = kwargs.get('file_client_args', args[0] if args else None)
        if backend_args is not None or file_client_args is not None or '://' in out_dir:
            super().save_checkpoint(out_dir, filename, *args, backend_args=backend_args,
                                    **kwargs)
            return
        temporary = f'.{filename}.tmp'
        try:
            super().save_checkpoint(out_dir, temporary, *args, **kwargs)
        except BaseException:
            if osp.exists(osp.join(out_dir, temporary)):
                os.remove(osp.join(out_dir, temporary))
            raise
        os.replace(osp.join(out_dir, temporary), osp.join(out_dir, filename))


def _check_shapes(model, checkpoint: dict, filename: str) -> None:
    """Raises CheckpointFileError naming the parameters whose shapes differ from the model's."""
    state = checkpoint.get('state_dict', checkpoint)
    own = model.state_dict()
    mismatched = []
    for key, value in state.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if key in own and hasattr(value, 'shape') and tuple(value.shape) != tuple(own[key].shape):
            mismatched.append(f'{key} {tuple(value.shape)} vs {tuple(own[key].shape)}')
    if mismatched:
        more = len(mismatched) - 6
        shown = ', '.join(mismatched[:6]) + (f' and {more} more' if more > 0 else '')
        raise CheckpointFileError(
            f'Checkpoint {filename} does not fit the model of this config: {len(mismatched)} '
            f'parameter(s) differ in shape (checkpoint vs model): {shown}.')
