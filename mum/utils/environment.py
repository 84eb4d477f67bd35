"""The environment a training run was made in, recorded beside its results.

A number in a comparison can be checked only against what made it: the commit of the code (and
whether the tree had changes on top), the installed packages, the torch build and the machine.
:func:`collect_environment` gathers these for one training call and
:func:`append_environment_record` adds them to a JSON list in the run's folder, one entry per
call, so that a run stopped and resumed shows each leg. The host name is left out on purpose.
"""
import datetime
import json
import os
import os.path as osp
import platform
import subprocess
import sys
from importlib import metadata
from typing import List, Optional, Sequence

import torch

CPUINFO = '/proc/cpuinfo'
# OpenMMLab packages whose versions are recorded (their distribution names)
OPENMMLAB_PACKAGES = ('mmcv', 'mmdet', 'mmengine')
# seconds any one external command (git, pip, nvidia-smi) may take
COMMAND_TIMEOUT = 120


def command_output(command: Sequence[str], cwd: Optional[str] = None) -> Optional[str]:
    """The standard output of ``command``, or None when it is missing, fails or times out.

    It is started with ``subprocess.Popen``, not ``subprocess.run`` (nor ``check_output``, which
    calls it): the tests of a tool that records its environment replace ``subprocess.run`` by a
    fake training.
    """
    try:
        with subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) as process:
            try:
                output, _ = process.communicate(timeout=COMMAND_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                return None
    except OSError:
        return None
    return output if process.returncode == 0 else None


def git_state(repo_dir: str) -> dict:
    """The commit checked out in ``repo_dir`` and whether its tree has changes.

    Returns:
        dict: ``git_commit`` (the full hash) and ``git_dirty`` (``git status --porcelain``
        lists anything outside ``results/``, untracked files included); both None where
        ``repo_dir`` is not a git checkout or git is missing. ``results/`` holds what runs
        stored, not code: a comparison's own earlier records must not mark its later runs.
    """
    commit = command_output(['git', 'rev-parse', 'HEAD'], cwd=repo_dir)
    # --no-optional-locks: reading the state must not take the index lock from a commit
    status = command_output(['git', '--no-optional-locks', 'status', '--porcelain', '--',
                             ':/', ':(top,exclude)results'], cwd=repo_dir)
    if commit is None or status is None:
        return dict(git_commit=None, git_dirty=None)
    return dict(git_commit=commit.strip(), git_dirty=bool(status.strip()))


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else the machine type (``platform.machine()``).

    Not ``platform.processor()``: off Windows it runs ``uname -p`` through
    ``subprocess.check_output`` (see :func:`command_output`), which adds nothing to the machine
    type on Linux.
    """
    if osp.isfile(CPUINFO):
        with open(CPUINFO, encoding='utf-8', errors='replace') as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(':')
                if key.strip() == 'model name':
                    return value.strip()
    return platform.machine()


def package_version(name: str) -> Optional[str]:
    """The installed version of the distribution ``name``, or None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def lines_or_none(text: Optional[str]) -> Optional[List[str]]:
    """``text`` as its non-empty lines, or None."""
    return None if text is None else [line for line in text.splitlines() if line.strip()]


def collect_environment(repo_dir: str, command: Sequence[str]) -> dict:
    """What one training call is made of, as a JSON-ready dict.

    Args:
        repo_dir (str): The repository whose code runs (its commit is recorded).
        command (Sequence[str]): The training command line.

    Returns:
        dict: ``start_utc`` (ISO 8601, now), ``command``, ``git_commit`` and ``git_dirty`` (see
        :func:`git_state`), ``python``, ``system`` (OS, kernel release, machine type),
        ``cpu_model``, ``cpu_count``,
        ``gpu_models`` (nvidia-smi's names, None without it), ``torch``, ``torch_cuda``,
        ``torch_build`` (the lines of ``torch.__config__.show()``), the version of each
        OPENMMLAB_PACKAGES name, and ``pip_freeze`` (the lines of ``python -m pip freeze`` of
        this interpreter, None when pip fails).
    """
    record = dict(
        start_utc=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        command=list(command),
        **git_state(repo_dir),
        python=sys.version,
        # not platform.platform(): it runs uname -p through subprocess.run
        system=' '.join((platform.system(), platform.release(), platform.machine())),
        cpu_model=cpu_model(),
        cpu_count=os.cpu_count(),
        gpu_models=lines_or_none(command_output(
            ['nvidia-smi', '--query-gpu=name', '--format=csv,noheader'])),
        torch=torch.__version__,
        torch_cuda=torch.version.cuda,
        torch_build=lines_or_none(torch.__config__.show()))
    record.update({name: package_version(name) for name in OPENMMLAB_PACKAGES})
    record['pip_freeze'] = lines_or_none(
        command_output([sys.executable, '-m', 'pip', 'freeze']))
    return record


def append_environment_record(path: str, record: dict) -> None:
    """Adds ``record`` to the JSON list in ``path`` (created, with its folder, if missing).

    The list is written to a temporary file that then replaces ``path``, so that a process
    stopped while writing leaves the earlier list intact.
    """
    records = []
    if osp.isfile(path):
        with open(path, encoding='utf-8') as record_file:
            records = json.load(record_file)
    records.append(record)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    partial_path = f'{path}.partial'
    with open(partial_path, 'w', encoding='utf-8') as record_file:
        json.dump(records, record_file, indent=1)
    os.replace(partial_path, path)
