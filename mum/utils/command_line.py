"""What tools/train.py and tools/test.py share: their common options, the config from the
command line, and errors reported as one sentence printed last (the traceback goes to the run's
log, or to the screen with ``--debug``)."""
import argparse
import contextlib
import logging
import os
import os.path as osp
import re
import sys
import traceback
from typing import Iterator, List, Optional, Tuple

from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger

from .config_keys import check_component_keys

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
# mmengine's Registry.build prefixes the error of a failed constructor with this, once per level
REGISTRY_PREFIX = re.compile(r'^(class `\w+` in [\w./\\-]+\.py: )+')


def add_runner_arguments(parser: argparse.ArgumentParser, cfg_options_example: str) -> None:
    """Adds the options both tools take: ``--cfg-options`` (its help shows
    ``cfg_options_example``), ``--launcher``, ``--debug`` and the launcher's ``--local-rank``."""
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help=f'override config settings, e.g. {cfg_options_example}')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--debug', action='store_true',
                        help='on an error, print its traceback instead of one sentence')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_runner_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parses the command line; ``LOCAL_RANK`` defaults to ``--local-rank`` (older launchers
    pass only the option)."""
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def load_config(config_path: str, cfg_options: Optional[dict], work_dir: Optional[str]) -> Config:
    """The config of a tool's command line, checked.

    Args:
        config_path (str): The config file.
        cfg_options (dict, optional): ``--cfg-options``.
        work_dir (str, optional): ``--work-dir``; ``work_dirs/<config name>`` when neither it
            nor the config gives one.

    Returns:
        Config: The config, with ``work_dir`` set and each dataloader's ``persistent_workers``
        switched off where its ``num_workers`` is 0.

    Raises:
        SystemExit: With one sentence, for a missing config file or base, a misspelt component
            argument or a work dir that is not a folder.
    """
    if not osp.isfile(config_path):
        raise SystemExit(f'Config file {config_path!r} does not exist.')
    try:
        cfg = Config.fromfile(config_path)
    except FileNotFoundError as error:
        if not str(error.filename or '').endswith('.py'):
            raise  # not a missing base config: mmengine's or the config's own message stands
        raise SystemExit(f'{config_path}: its base {error.filename!r} does not exist; relative '
                         '_base_ paths are read from the config\'s own folder, so keep a config '
                         'that inherits ../_base_/... under configs/<a folder>/.') from None
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    try:
        check_component_keys(cfg.to_dict())
    except ValueError as error:
        raise SystemExit(str(error)) from None
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])
    if osp.exists(cfg.work_dir) and not osp.isdir(cfg.work_dir):
        raise SystemExit(f'Work dir {cfg.work_dir} is a file, not a folder: give --work-dir a '
                         'folder (it is created if missing).')
    persistent_workers_need_workers(cfg)
    return cfg


def persistent_workers_need_workers(cfg: Config) -> List[str]:
    """Sets ``persistent_workers=False`` on every dataloader with ``num_workers=0``.

    PyTorch refuses persistent workers without workers, so ``--cfg-options
    train_dataloader.num_workers=0`` alone (the usual first step of debugging) would fail.

    Args:
        cfg (Config): A config; changed in place.

    Returns:
        list[str]: The dataloaders changed.
    """
    changed = []
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader and loader.get('num_workers', 0) == 0 and loader.get('persistent_workers'):
            loader.persistent_workers = False
            changed.append(name)
    return changed


def error_sentence(error: BaseException) -> str:
    """The error's message without mmengine's ``class `X` in file.py: `` prefixes; an error
    whose message is empty is named by its type."""
    message = REGISTRY_PREFIX.sub('', str(error).strip())
    if isinstance(error, KeyError) and message.startswith(("'", '"')) and message[-1:] in "'\"":
        message = message[1:-1]  # KeyError's str() quotes its message
    return message or type(error).__name__


@contextlib.contextmanager
def errors_in_one_sentence(debug: bool, passed_on: Tuple[type, ...] = ()) -> Iterator[None]:
    """Ends the tool with the error's sentence as its last line (exit status 1).

    The traceback is written to the run's log file when mmengine's logger has one (else it is
    not shown); with ``debug`` the error propagates with its traceback, as Python prints it.

    Args:
        debug (bool): The tool's ``--debug``.
        passed_on (tuple[type]): Exceptions the tool handles itself (raised unchanged).
    """
    try:
        yield
    except Exception as error:  # noqa: B902  (every error ends in one sentence)
        if debug or isinstance(error, passed_on):
            raise
        log_file = _log_traceback(error)
        where = f'the traceback is in {log_file}' if log_file else 'no log file was written yet'
        print(f'({where}; --debug prints it)', file=sys.stderr)
        raise SystemExit(error_sentence(error)) from None


def _log_traceback(error: BaseException) -> Optional[str]:
    """Writes the traceback into the current MMLogger's log file only; returns the file."""
    logger = MMLogger.get_current_instance()
    files = [h for h in logger.handlers if isinstance(h, logging.FileHandler)]
    text = ''.join(traceback.format_exception(type(error), error, error.__traceback__))
    for handler in files:
        handler.emit(logging.LogRecord(logger.name, logging.ERROR, __file__, 0, text, None,
                                       None))
        handler.flush()
    return files[0].baseFilename if files else None
