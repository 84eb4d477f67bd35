"""WorkerIgnoresSigterm: a DataLoader worker outlives a SIGTERM from another process (a
scheduler signals every process of the job), under the fork and the spawn start method, and a
program that exits with live workers still ends (its SIGTERM to them is obeyed). The training
path: tests/test_tools/test_failure_paths.py (a run signalled as a process group writes its final
checkpoint)."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from mum.engine.runner import MUMRunner
from mum.engine.runner.worker_signals import WorkerIgnoresSigterm

# reads 0..7 with one worker (start method argv[1]), sending the worker a SIGTERM from another
# process, as a scheduler does, after the first batch
SERVES_ON = '''
import multiprocessing, signal, subprocess, sys
import torch
from torch.utils.data import DataLoader, TensorDataset
from mum.engine.runner import MUMRunner
from mum.engine.runner.worker_signals import WorkerIgnoresSigterm

if __name__ == '__main__':
    context = multiprocessing.get_context(sys.argv[1])
    loader = MUMRunner.build_dataloader(DataLoader(TensorDataset(torch.arange(8)), num_workers=1,
                                                   multiprocessing_context=context))
    assert isinstance(loader.worker_init_fn, WorkerIgnoresSigterm)
    batches = iter(loader)
    numbers = [int(next(batches)[0])]
    worker = batches._workers[0]
    subprocess.run([sys.executable, '-c', f'import os; os.kill({worker.pid}, '
                    f'{int(signal.SIGTERM)})'], check=True)
    numbers += [int(batch[0]) for batch in batches]
    assert numbers == list(range(8)), numbers
    assert worker.exitcode in (None, 0)  # alive, or ended by the loader's shutdown
'''
# a program whose persistent worker is alive when it exits (in the main process, or in a
# multiprocessing child, which ends through multiprocessing's exit function, not atexit)
EXITS_WITH_A_LIVE_WORKER = '''
import multiprocessing, sys
import torch
from torch.utils.data import DataLoader, TensorDataset
from mum.engine.runner import MUMRunner

def read_one_batch():
    global batches
    loader = MUMRunner.build_dataloader(DataLoader(TensorDataset(torch.arange(4.)),
                                                   num_workers=1, persistent_workers=True))
    batches = iter(loader)  # kept alive until the interpreter exits
    next(batches)

if sys.argv[1] == 'main':
    read_one_batch()
else:
    child = multiprocessing.get_context('fork').Process(target=read_one_batch)
    child.start()
    child.join()
    sys.exit(child.exitcode)
'''


@pytest.mark.parametrize('start_method', ['fork', 'spawn'])
def test_a_worker_serves_on_after_a_sigterm_from_another_process(start_method, tmp_path):
    # in a program of its own: a worker killed by the signal would make torch raise from its
    # SIGCHLD handler, wherever the test process happens to be. A spawned worker's imports
    # start no BLAS threads with these (worker_signals' limits)
    threads = dict(OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
    assert _run(SERVES_ON, tmp_path, start_method, **threads).returncode == 0


@pytest.mark.parametrize('where', ['main', 'child'])
def test_a_program_that_exits_with_a_live_worker_ends(where, tmp_path):
    assert _run(EXITS_WITH_A_LIVE_WORKER, tmp_path, where).returncode == 0


def test_a_loader_without_workers_is_left_as_it_is():
    loader = MUMRunner.build_dataloader(DataLoader(TensorDataset(torch.arange(2.))))
    assert loader.worker_init_fn is None


def test_the_loader_s_own_init_function_still_runs(tmp_path):
    init_fn = WorkerIgnoresSigterm(_TouchFile(str(tmp_path)))
    loader = DataLoader(TensorDataset(torch.arange(2.)), num_workers=1, worker_init_fn=init_fn)
    assert len(list(loader)) == 2
    assert (tmp_path / 'worker_0').exists()


def _run(program: str, folder, argument: str, **environment) -> subprocess.CompletedProcess:
    """Runs ``program`` (Python source, written into ``folder``) with ``argument`` and these
    environment variables added; a failure shows its error output."""
    script = folder / 'program.py'
    script.write_text(program)
    result = subprocess.run([sys.executable, str(script), argument], capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, **environment))
    assert result.returncode == 0, result.stderr[-3000:]
    return result


class _TouchFile:
    """A worker init function that creates ``folder/worker_<id>``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, worker_id: int) -> None:
        open(osp.join(self.folder, f'worker_{worker_id}'), 'w').close()
