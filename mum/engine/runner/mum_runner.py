"""mmengine's Runner with checkpoint files handled safely: written atomically, refused by name
when unreadable or when their shapes do not fit the model, and a clear line when there is none;
one training run per work dir; no evaluation on an empty set or without its annotation file."""
import contextlib
import logging
import os
import os.path as osp
from typing import Callable, Iterator, Optional, Union

from mmengine.dist import is_main_process, master_only
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model
from torch.utils.data import DataLoader

from .weights_only_loading import CheckpointFileError
from .work_dir_lock import WorkDirLock
from .worker_signals import leave_sigterm_to_the_main_process


class EmptyEvaluationSetError(ValueError):
    """The validation or test dataset has no image."""


class MissingAnnotationFileError(FileNotFoundError):
    """An evaluator's ``ann_file`` (the ground truth it scores against) does not exist."""


class MUMRunner(Runner):
    """The Runner that tools/train.py and tools/test.py build (mmengine's, plus these checks).

    * ``save_checkpoint`` writes ``.NAME.PID.tmp`` next to the checkpoint and renames it to
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
    * ``train`` holds the work dir's :class:`WorkDirLock` (main process): a second run on the
      same work dir is refused naming the PID and host of the first.
    * DataLoader workers ignore a SIGTERM that does not come from the main process
      (:mod:`.worker_signals`), so a SIGTERM sent to every process of the job stops training
      through StopSignalHook, with its final checkpoint.
    * a validation or test dataset without any image is refused by name when its loop is
      built (before training), instead of a ZeroDivisionError at the first evaluation.
    * an evaluator whose local ``ann_file`` does not exist is refused by key and file when its
      loop is built, instead of mmdet's CocoMetric's bare ``[Errno 2]``. The loop builds its
      dataloader first, so a file that a dataset writes on first use (the demo's) is there.

    Checkpoints are loaded with ``weights_only=True`` (:mod:`.weights_only_loading`).
    """
    refuse_shape_mismatch = False
    _evaluator_key = 'evaluator'  # the config key of the evaluator being built (messages)

    def load_or_resume(self) -> None:
        """mmengine's, warning in one line when there is no checkpoint to resume."""
        # mmengine's find_latest_checkpoint would log a line of its own when there is none
        if (not self._has_loaded and self._resume and self._load_from is None
                and not osp.isfile(osp.join(self.work_dir, 'last_checkpoint'))):
            print_log(f'--resume: no checkpoint to resume in {self.work_dir}, starting at '
                      'iteration 0.', logger='current', level=logging.WARNING)
            self._resume = False
        super().load_or_resume()

    def train(self):
        """mmengine's ``train``, holding the work dir's lock while it runs."""
        lock = WorkDirLock(self.work_dir) if is_main_process() else None
        if lock is not None:
            lock.acquire()
        try:
            return super().train()
        finally:
            if lock is not None:
                lock.release()

    @staticmethod
    def build_dataloader(dataloader: Union[DataLoader, dict],
                         seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> DataLoader:
        """mmengine's, with workers that take SIGTERM from the main process only."""
        return leave_sigterm_to_the_main_process(
            Runner.build_dataloader(dataloader, seed=seed, diff_rank_seed=diff_rank_seed))

    def build_val_loop(self, loop):
        """mmengine's, refusing a validation dataset without images or its annotation file."""
        with self._building_evaluator_of('val_evaluator'):
            loop = super().build_val_loop(loop)
        _refuse_empty(loop, 'validation')
        return loop

    def build_test_loop(self, loop):
        """mmengine's, refusing a test dataset without images or its annotation file."""
        with self._building_evaluator_of('test_evaluator'):
            loop = super().build_test_loop(loop)
        _refuse_empty(loop, 'test')
        return loop

    @contextlib.contextmanager
    def _building_evaluator_of(self, key: str) -> Iterator[None]:
        """Names the evaluator that a loop builds, for build_evaluator's messages."""
        self._evaluator_key = key
        try:
            yield
        finally:
            self._evaluator_key = 'evaluator'

    def build_evaluator(self, evaluator):
        """mmengine's, refusing a missing local ``ann_file`` by key and file (see the class
        doc)."""
        if isinstance(evaluator, (dict, list)):
            _refuse_missing_ann_files(evaluator, self._evaluator_key)
        return super().build_evaluator(evaluator)

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
        except CheckpointFileError:
            raise  # already one sentence (weights-only refusal)
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
        temporary = f'.{filename}.{os.getpid()}.tmp'  # unique even if two runs share the dir
        try:
            super().save_checkpoint(out_dir, temporary, *args, **kwargs)
        except BaseException:
            if osp.exists(osp.join(out_dir, temporary)):
                os.remove(osp.join(out_dir, temporary))
            raise
        os.replace(osp.join(out_dir, temporary), osp.join(out_dir, filename))


def _refuse_empty(loop, split: str) -> None:
    """Raises EmptyEvaluationSetError when ``loop``'s dataset has no image."""
    dataset = getattr(getattr(loop, 'dataloader', None), 'dataset', None)
    if dataset is not None and len(dataset) == 0:
        source = getattr(dataset, 'ann_file', None) or type(dataset).__name__
        raise EmptyEvaluationSetError(
            f'The {split} set {source} has no image: give an annotation file that lists at '
            'least one image.')


def _refuse_missing_ann_files(evaluator: Union[dict, list], key: str) -> None:
    """Raises MissingAnnotationFileError when a metric of ``evaluator`` (one metric config, a
    list of them, or an Evaluator config with ``metrics``) names a local ``ann_file`` that does
    not exist; ``key`` is its config key."""
    if isinstance(evaluator, dict) and 'metrics' in evaluator:
        metrics, key = evaluator['metrics'], f'{key}.metrics'
    else:
        metrics = evaluator
    listed = isinstance(metrics, (list, tuple))
    for index, metric in enumerate(metrics if listed else [metrics]):
        ann_file = metric.get('ann_file') if isinstance(metric, dict) else None
        if ann_file and '://' not in str(ann_file) and not osp.isfile(ann_file):
            where = f'{key}[{index}]' if listed else key
            raise MissingAnnotationFileError(
                f"{where}.ann_file '{ann_file}' does not exist: the metric reads the ground "
                'truth from it; point it at the annotation file of the dataloader it scores, or '
                'make that file first.')


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
