"""WorkerIgnoresSigterm: a DataLoader worker outlives a SIGTERM from another process (a
scheduler signals every process of the job), under the fork and the spawn start method, and a
program that exits with live workers still ends (its SIGTERM to them is obeyed). The training
path: tests/test_tools/test_failure_paths.py (a run signalled as a process group writes its final
checkpoint)."""
import multiprocessing
import os.path as osp
import signal
import subprocess
import sys

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from mum.engine.runner import MUMRunner
from mum.engine.runner.worker_signals import WorkerIgnoresSigterm

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
def test_a_worker_serves_on_after_a_sigterm_from_another_process(start_method):
    dataset = TensorDataset(torch.arange(8.))
    loader = MUMRunner.build_dataloader(
        DataLoader(dataset, batch_size=1, num_workers=1,
                   multiprocessing_context=multiprocessing.get_context(start_method)))
    assert isinstance(loader.worker_init_fn, WorkerIgnoresSigterm)
    batches = iter(loader)
    first = next(batches)  # the worker has run its init function
    worker = batches._workers[0]
    # from another process, as a scheduler sends it
    subprocess.run([sys.executable, '-c', f'import os; os.kill({worker.pid}, '
                    f'{int(signal.SIGTERM)})'], check=True, timeout=60)
    rest = [batch[0].item() for batch in batches]
    assert [first[0].item(), *rest] == list(range(8))
    assert worker.exitcode in (None, 0)  # alive, or ended by the loader's shutdown


@pytest.mark.parametrize('where', ['main', 'child'])
def test_a_program_that_exits_with_a_live_worker_ends(where, tmp_path):
    script = tmp_path / 'exits_with_a_live_worker.py'
    script.write_text(EXITS_WITH_A_LIVE_WORKER)
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    result = subprocess.run([sys.executable, str(script), where], cwd=repo, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_loader_without_workers_is_left_as_it_is():
    loader = MUMRunner.build_dataloader(DataLoader(TensorDataset(torch.arange(2.))))
    assert loader.worker_init_fn is None


def test_the_loader_s_own_init_function_still_runs(tmp_path):
    init_fn = WorkerIgnoresSigterm(_TouchFile(str(tmp_path)))
    loader = DataLoader(TensorDataset(torch.arange(2.)), num_workers=1, worker_init_fn=init_fn)
    assert len(list(loader)) == 2
    assert (tmp_path / 'worker_0').exists()


class _TouchFile:
    """A worker init function that creates ``folder/worker_<id>``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, worker_id: int) -> None:
        open(osp.join(self.folder, f'worker_{worker_id}'), 'w').close()
