"""One training run per work dir: an advisory lock held for the run's lifetime.

Two runs writing one work dir overwrite each other's checkpoints and ``last_checkpoint``
silently. The lock is ``fcntl.flock`` on ``WORK_DIR/.mum_run.lock`` (the kernel releases it
when its process dies, however it dies); the file holds the holder's PID and host, so a refused
run can name them. Written by hand: mmengine has no work-dir lock.
"""
import fcntl
import logging
import os
import os.path as osp
import socket
from typing import Optional

from mmengine.logging import print_log

LOCK_NAME = '.mum_run.lock'


class WorkDirBusyError(RuntimeError):
    """Another live process trains in the same work dir."""


class WorkDirLock:
    """The lock of one work dir (see the module doc).

    Args:
        work_dir (str): The run's work dir (created if missing).
    """

    def __init__(self, work_dir: str) -> None:
        self.work_dir = work_dir
        self.path = osp.join(work_dir, LOCK_NAME)
        self._file = None

    def acquire(self) -> None:
        """Takes the lock; a lock left by a dead process is taken over with a warning.

        Raises:
            WorkDirBusyError: When a live process holds it (one sentence naming PID and host).
        """
        os.makedirs(self.work_dir, exist_ok=True)
        lock_file = open(self.path, 'a+', encoding='utf-8')
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(lock_file)
            lock_file.close()
            raise WorkDirBusyError(
                f'Work dir {self.work_dir} is in use by another training run ({holder}, lock '
                f'file {self.path}); wait for it to end, or give this run another --work-dir.'
            ) from None
        stale = _read_holder(lock_file, default=None)
        if stale is not None:
            print_log(f'Work dir {self.work_dir}: took over the lock left by {stale}, which '
                      'ended without releasing it.', logger='current', level=logging.WARNING)
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(f'{os.getpid()} {socket.gethostname()}\n')
        lock_file.flush()
        self._file = lock_file

    def release(self) -> None:
        """Empties the lock file and releases the lock (a no-op when not held)."""
        if self._file is None:
            return
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
        self._file = None


def _read_holder(lock_file, default: Optional[str] = 'a process that did not record itself'):
    """'PID p on host h' as written in the lock file, or ``default`` when it is empty."""
    lock_file.seek(0)
    fields = lock_file.read().split()
    if len(fields) != 2:
        return default
    return f'PID {fields[0]} on host {fields[1]}'
