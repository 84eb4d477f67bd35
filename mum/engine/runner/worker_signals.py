"""DataLoader workers that take SIGTERM from the main process only.

A scheduler's pre-emption (Slurm signals every process of a job) or ``kill -- -PGID`` reaches
the DataLoader workers as well. torch's own worker handler exits quietly on a SIGTERM from its
parent (the main process ending its workers) and dies of any other, so torch then raises
``DataLoader worker ... is killed by signal: Terminated`` in the main process, and training ends
before :class:`~mum.engine.hooks.StopSignalHook` writes its final checkpoint. With
:func:`leave_sigterm_to_the_main_process` a worker ignores a SIGTERM from any other process and
keeps serving, so the main process finishes its iteration and stops as designed. The parent's
SIGTERM still ends it at once (torch's shutdown, multiprocessing's exit), as does any SIGTERM
once the parent is gone, and SIGKILL.

How: the worker blocks SIGTERM and a thread of its own waits for it with ``sigwaitinfo``, which,
unlike a Python signal handler, tells who sent it, and also runs while the worker's main thread
waits in C code that releases the GIL (reading, decoding). Threads started later inherit the
block, and so do processes the worker starts. Limits:

* threads that exist before the worker's init function keep torch's handler: none under
  ``fork`` (mmengine's default start method, used by this project's configs), but under
  ``spawn`` or ``forkserver`` the worker's imports may start a BLAS thread pool, and a SIGTERM
  that lands on one of its threads still kills the worker; ``OMP_NUM_THREADS=1`` and
  ``OPENBLAS_NUM_THREADS=1`` keep them from starting;
* a SIGTERM before the init function runs still kills the worker (the start-up of each worker);
* where ``sigwaitinfo`` is missing (macOS), loaders are left as torch makes them.
"""
import os
import signal
import threading
from typing import Callable, Optional

from torch.utils.data import DataLoader


def leave_sigterm_to_the_main_process(loader: DataLoader) -> DataLoader:
    """Makes the workers of ``loader`` take SIGTERM from the main process only (module doc).

    Args:
        loader (DataLoader): Its ``worker_init_fn`` is wrapped in place; a loader without
            workers, or not a torch DataLoader, is left as it is.

    Returns:
        DataLoader: ``loader``.
    """
    if (isinstance(loader, DataLoader) and loader.num_workers > 0
            and hasattr(signal, 'sigwaitinfo')
            and not isinstance(loader.worker_init_fn, WorkerIgnoresSigterm)):
        loader.worker_init_fn = WorkerIgnoresSigterm(loader.worker_init_fn)
    return loader


class WorkerIgnoresSigterm:
    """A DataLoader ``worker_init_fn``: blocks SIGTERM in the worker and starts the thread that
    exits on the parent's SIGTERM and ignores any other (module doc); then the loader's own init
    function (mmengine's per-worker seeding), if any, runs.

    A class rather than a closure, so that it pickles for the ``spawn`` start method.

    Args:
        init_fn (callable, optional): The loader's ``worker_init_fn``; called with the worker
            id.
    """

    def __init__(self, init_fn: Optional[Callable[[int], None]] = None) -> None:
        self.init_fn = init_fn

    def __call__(self, worker_id: int) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        threading.Thread(target=_exit_on_sigterm_from_parent, args=(os.getppid(), ),
                         name='sigterm-from-parent', daemon=True).start()
        if self.init_fn is not None:
            self.init_fn(worker_id)


def _exit_on_sigterm_from_parent(parent: int) -> None:
    """Waits for SIGTERM (blocked in the worker): exits with status 0, as torch's worker does,
    when ``parent`` sent it or is gone; ignores it otherwise."""
    while True:
        sender = signal.sigwaitinfo({signal.SIGTERM}).si_pid
        if sender == parent or os.getppid() != parent:
            os._exit(0)
