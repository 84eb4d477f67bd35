"""One training run per work dir: a second run is refused by name, a dead run's lock is taken
over, and checkpoints are written under per-process temporary names."""
import os
import socket

import pytest
from toy_runner import toy_runner

from mum.engine.runner import MUMRunner, WorkDirBusyError, WorkDirLock
from mum.engine.runner.work_dir_lock import LOCK_NAME


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    first = WorkDirLock(str(tmp_path))
    first.acquire()
    try:
        with pytest.raises(WorkDirBusyError, match=(
                f'^Work dir {tmp_path} is in use by another training run \\(PID {os.getpid()} '
                f'on host {socket.gethostname()}, lock file {tmp_path}/{LOCK_NAME}\\); wait for '
                'it to end, or give this run another --work-dir.$')):
            WorkDirLock(str(tmp_path)).acquire()
    finally:
        first.release()
    second = WorkDirLock(str(tmp_path))
    second.acquire()  # free again once released
    second.release()


def test_the_lock_of_a_dead_process_is_taken_over_with_a_warning(tmp_path, mmengine_warnings):
    (tmp_path / LOCK_NAME).write_text('4194305 oldhost\n')  # written, never released: it died
    lock = WorkDirLock(str(tmp_path))
    lock.acquire()
    assert mmengine_warnings == [f'Work dir {tmp_path}: took over the lock left by PID 4194305 '
                                 'on host oldhost, which ended without releasing it.']
    assert (tmp_path / LOCK_NAME).read_text() == f'{os.getpid()} {socket.gethostname()}\n'
    lock.release()
    assert (tmp_path / LOCK_NAME).read_text() == ''  # a clean end leaves nothing to take over


def test_training_holds_the_lock_and_saves_under_per_process_names(tmp_path, monkeypatch):
    held, temporaries = [], []
    runner = toy_runner(tmp_path, MUMRunner, max_iters=1)
    save = MUMRunner.__mro__[1].save_checkpoint

    def record(self, out_dir, filename, *args, **kwargs):
        temporaries.append(filename)
        with pytest.raises(WorkDirBusyError):  # a second run would be refused now
            WorkDirLock(str(tmp_path)).acquire()
        held.append(True)
        return save(self, out_dir, filename, *args, **kwargs)

    monkeypatch.setattr(MUMRunner.__mro__[1], 'save_checkpoint', record)
    runner.train()
    assert held and temporaries == [f'.iter_1.pth.{os.getpid()}.tmp']
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_1.pth']
    WorkDirLock(str(tmp_path)).acquire()  # released after training
