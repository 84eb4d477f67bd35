"""DataLoader workers that leave SIGTERM to the main process while it runs.

A scheduler's pre-emption (Slurm signals every process of a job) or ``kill -- -PGID`` reaches
the DataLoader workers as well. Left alone, a worker dies of it, torch raises ``DataLoader
worker ... is killed by signal: Terminated`` in the main process, and training ends before
:class:`~mum.engine.hooks.StopSignalHook` writes its final checkpoint. So a worker ignores
SIGTERM until the main process exits: Python's multiprocessing then ends the workers that are
still alive with SIGTERM and waits for them, so from then on a SIGTERM ends the worker quietly
(status 0, as torch's own worker handler does for its parent's). A worker also ends when the
main process shuts its loader down or is gone (torch's watchdog), and on SIGKILL.
"""
import atexit
import multiprocessing
import os
import signal
from multiprocessing.context import BaseContext
from typing import Callable, Optional


class WorkerIgnoresSigterm:
    """A DataLoader ``worker_init_fn``: the worker ignores SIGTERM until the main process exits,
    then the loader's own init function (mmengine's per-worker seeding), if any, runs.

    A class rather than a closure, so that it pickles for the ``spawn`` start method.

    Args:
        init_fn (callable, optional): The loader's ``worker_init_fn``; called with the worker
            id.
        context (multiprocessing context, optional): The loader's ``multiprocessing_context``;
            None for the default start method. The flag is made in it, so that a ``spawn``
            worker can open it.
    """

    def __init__(self,
                 init_fn: Optional[Callable[[int], None]] = None,
                 context: Optional[BaseContext] = None) -> None:
        self.init_fn = init_fn
        self.main_exiting = (context or multiprocessing.get_context()).Event()
        # atexit runs last-registered first: this runs before multiprocessing's own exit
        # function, which sends SIGTERM to the workers still alive and waits for them
        atexit.register(self.main_exiting.set)

    def __call__(self, worker_id: int) -> None:
        signal.signal(signal.SIGTERM, self._on_sigterm)
        if self.init_fn is not None:
            self.init_fn(worker_id)

    def _on_sigterm(self, signum: int, frame) -> None:
        """Ignored while the main process runs; once it exits, SIGTERM ends the worker."""
        if self.main_exiting.is_set():
            os._exit(0)
