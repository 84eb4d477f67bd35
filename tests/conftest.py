"""Shared fixtures: the repository paths, a tiny generated copy of the demo data, BCCD converted
once, log capture."""
import importlib.util
import logging
import os
import os.path as osp
import runpy
import signal
import subprocess
import sys

import pytest
import torch

# one thread: on this shared 2-core machine OpenMP's spinning threads make tiny models ~4x slower
torch.set_num_threads(1)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TINY_DEMO = dict(num_labeled=8, num_unlabeled=8, num_val=4)
BCCD_ROOT = osp.join(osp.dirname(REPO), 'shared', 'data', 'bccd')  # real images, read-only


def pytest_collection_modifyitems(config, items) -> None:
    """Skips the tests marked ``cuda`` where torch sees no CUDA GPU."""
    if torch.cuda.is_available():
        return
    no_gpu = pytest.mark.skip(reason='needs a CUDA GPU: torch.cuda.is_available() is False')
    for item in items:
        if item.get_closest_marker('cuda') is not None:
            item.add_marker(no_gpu)


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO


@pytest.fixture(scope='session')
def demo_workspace(tmp_path_factory) -> str:
    """A folder holding data/demo/ (tiny demo data): run tools with it as working directory.

    The configs name data/demo/ relative to the working directory, so a tool started here
    reads this copy and writes work_dirs/ here.
    """
    from mum.datasets.demo_data import generate_demo_dataset
    workspace = tmp_path_factory.mktemp('workspace')
    generate_demo_dataset(osp.join(workspace, 'data', 'demo'), **TINY_DEMO)
    return str(workspace)


@pytest.fixture(scope='session')
def bccd_data_root(tmp_path_factory) -> str:
    """BCCD made ready as configs/_base_/datasets/semi_bccd.py's header says, in a tmp folder: the
    converter's bccd_{train,val,test}.json and the split tool's fold 0 in annotations/, the
    images linked from ../shared/data/bccd/ beside the repository (skipped where it is absent).
    Returns the folder, a config's data_root."""
    from mum.datasets.splits import write_splits
    from mum.datasets.voc_folder_to_coco import write_voc_folder
    if not osp.isdir(BCCD_ROOT):
        pytest.skip(f'BCCD not found at {BCCD_ROOT}')
    data_root = tmp_path_factory.mktemp('bccd')
    annotations = data_root / 'annotations'
    write_voc_folder(BCCD_ROOT, annotations, ['train', 'val', 'test'], name='bccd')
    write_splits(annotations / 'bccd_train.json', annotations, [10], seeds=[0])
    os.symlink(osp.join(BCCD_ROOT, 'JPEGImages'), data_root / 'JPEGImages')
    return f'{data_root}/'


@pytest.fixture(scope='session')
def sigterm_run(demo_workspace, tmp_path_factory):
    """A short MUM run past burn-in (tests/stop_resume.py) stopped by SIGTERM during iteration
    3, then resumed (a ``stop_resume.StoppedRun``): trained once for test_resume_exact (which
    compares it with an uninterrupted run) and test_failure_paths (its messages)."""
    import stop_resume
    return stop_resume.stop_then_resume(demo_workspace, tmp_path_factory.mktemp('sigterm'),
                                        signal.SIGTERM)


class _MessageList(logging.Handler):
    """A logging handler that keeps the text of every record it receives."""

    def __init__(self, level: int) -> None:
        super().__init__(level=level)
        self.messages = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def mmengine_warnings():
    """The warnings mmengine's current logger (print_log's 'current') emits during the test."""
    from mmengine.logging import MMLogger
    handler = _MessageList(logging.WARNING)
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


def run_tool(args, cwd, timeout=300) -> subprocess.CompletedProcess:
    """Runs ``python tools/<...>`` of this repository as a user would, in ``cwd``."""
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    result = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    return result


def run_cli(tool, *args) -> subprocess.CompletedProcess:
    """Runs the CLI ``tool`` with ``args`` in a fresh interpreter from the repository root."""
    return run_tool([str(tool), *map(str, args)], cwd=REPO)


def exit_in_process(tool, *args):
    """Runs a CLI that is expected to exit (``--help``, errors) in this interpreter; returns the
    exit code. In-process saves the seconds that importing ``mum`` (torch, mmdet) costs."""
    argv = sys.argv
    sys.argv = [str(tool), *map(str, args)]
    try:
        with pytest.raises(SystemExit) as exit_info:
            runpy.run_path(str(tool), run_name='__main__')
    finally:
        sys.argv = argv
    return exit_info.value.code


def import_tool(tool: str):
    """``tools/<tool>`` (e.g. 'analysis_tools/compare_methods.py') as a module, so that a test
    can call its functions; the tools folder is not a package."""
    path = osp.join(REPO, 'tools', tool)
    spec = importlib.util.spec_from_file_location(osp.splitext(osp.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
