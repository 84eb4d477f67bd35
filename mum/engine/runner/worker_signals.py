"""DataLoader workers that take SIGTERM from their parent only.

A scheduler's pre-emption (Slurm signals every process of a job) or ``kill -- -PGID`` reaches
the DataLoader workers as well. torch's own worker handler exits quietly on a SIGTERM from its
parent (the main process ending its workers) and dies of any other, so torch then raises
``DataLoader worker ... is killed by signal: Terminated`` in the main process, and training ends
before :class:`~mum.engine.hooks.StopSignalHook` writes its final checkpoint. Here a worker
ignores a SIGTERM from any other process and keeps serving, so the main process finishes its
iteration and stops as designed; the parent's SIGTERM still ends it at once (torch's shutdown,
multiprocessing's exit), as does SIGKILL.

How: the worker blocks SIGTERM in its threads and a thread of its own waits for it with
``sigwaitinfo``, which, unlike a Python signal handler, tells who sent it and also works while
the worker's main thread is stuck in C code. Where ``sigwaitinfo`` is missing (macOS), workers
keep torch's handler. A SIGTERM that comes before the worker's init function runs (a spawned
worker's start-up) still ends it, and processes the worker starts inherit the blocked SIGTERM.
"""
import os
import signal
import threading
from typing import Callable, Optional


class WorkerIgnoresSigterm:
    """A DataLoader ``worker_init_fn``: the worker takes SIGTERM from its parent only (see the
    module doc); then the loader's own init function (mmengine's per-worker seeding), if any,
    runs.

    A class rather than a closure, so that it pickles for the ``spawn`` start method.

    Args:
        init_fn (callable, optional): The loader's ``worker_init_fn``; called with the worker
            id.
    """

    def __init__(self, init_fn: Optional[Callable[[int], None]] = None) -> None:
        self.init_fn = init_fn

    def __call__(self, worker_id: int) -> None:
        if hasattr(signal, 'sigwaitinfo'):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            threading.Thread(target=_exit_on_sigterm_from_parent, args=(os.getppid(), ),
                             name='sigterm-from-parent', daemon=True).start()
        if self.init_fn is not None:
            self.init_fn(worker_id)


def _exit_on_sigterm_from_parent(parent: int) -> None:
    """Waits for SIGTERM (blocked in every thread of the worker): exits with status 0, as
    torch's worker does, when ``parent`` sent it; ignores it otherwise."""
    while True:
        if signal.sigwaitinfo({signal.SIGTERM}).si_pid == parent:
            os._exit(0)
