"""WorkerIgnoresSigterm: a DataLoader worker outlives a SIGTERM sent while the main process runs
(a scheduler signals every process of the job), under the fork and the spawn start method.
Exit at the main process's end: tests/test_tools/test_failure_paths.py (a training signalled
as a process group ends with its final checkpoint and does not hang)."""
import multiprocessing
import os
import signal
import subprocess
import sys

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from mum.engine.runner import MUMRunner
from mum.engine.runner.worker_signals import WorkerIgnoresSigterm


@pytest.mark.parametrize('start_method', ['fork', 'spawn'])
def test_a_worker_serves_on_after_a_sigterm_from_another_process(start_method):
    dataset = TensorDataset(torch.arange(8.))
    loader = MUMRunner.build_dataloader(
        DataLoader(dataset, batch_size=1, num_workers=1,
                   multiprocessing_context=multiprocessing.get_context(start_method)))
    assert isinstance(loader.worker_init_fn, WorkerIgnoresSigterm)
    batches = iter(loader)
    first = next(batches)  # the worker has run its init function
    workers = multiprocessing.active_children()
    assert len(workers) == 1
    # from another process, as a scheduler sends it (torch's own worker handler treats a
    # SIGTERM from its parent as an order to exit)
    subprocess.run([sys.executable, '-c', f'import os; os.kill({workers[0].pid}, '
                    f'{int(signal.SIGTERM)})'], check=True, timeout=60)
    rest = [batch[0].item() for batch in batches]
    assert [first[0].item(), *rest] == list(range(8))
    assert workers[0].exitcode in (None, 0)  # alive, or ended by the loader's shutdown


def test_a_loader_without_workers_is_left_as_it_is():
    loader = MUMRunner.build_dataloader(DataLoader(TensorDataset(torch.arange(2.))))
    assert loader.worker_init_fn is None


def test_the_loader_s_own_init_function_still_runs(tmp_path):
    marker = tmp_path / 'worker_0'
    init_fn = WorkerIgnoresSigterm(_TouchFile(str(tmp_path)))
    loader = DataLoader(TensorDataset(torch.arange(2.)), num_workers=1, worker_init_fn=init_fn)
    assert len(list(loader)) == 2
    assert marker.exists()


class _TouchFile:
    """A worker init function that creates ``folder/worker_<id>``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, worker_id: int) -> None:
        open(os.path.join(self.folder, f'worker_{worker_id}'), 'w').close()
