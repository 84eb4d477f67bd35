"""Short MUM runs of a demo config (Faster R-CNN or DINO) through tools/train.py, stopped by a
signal and resumed.

Shared by tests/test_tools/test_resume_exact.py and test_failure_paths.py through the fixtures
``straight_run`` (test_resume_exact.py) and ``sigterm_run`` (tests/conftest.py), so that each run
is trained once per test session.

The runs are the smallest that have the teacher act on both sides of a stop: burn-in is
iteration 1, so iterations 2 to 4 take EMA steps, make pseudo-labels (a low tau gives the young
teacher boxes) and mix the student's images; a checkpoint every 2 iterations; no validation and
no gallery (nothing here is asserted about them).
"""
import os
import os.path as osp
import signal
import subprocess
import sys
from typing import List, NamedTuple

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TRAIN = osp.join(REPO, 'tools', 'train.py')
CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')
DINO_CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_dino_mum.py')
ADAPTIVE_CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_mum_adaptive.py')
BURN_IN_ITERS = 1
MAX_ITERS = 4
RUN = [f'train_cfg.max_iters={MAX_ITERS}', f'train_cfg.val_begin={MAX_ITERS + 1}',
       'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=2',
       'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
       'randomness.seed=3', f'model.semi_train_cfg.burn_in_iters={BURN_IN_ITERS}']
# per config, the model's changes: tau low enough that the young teacher gives boxes (DINO's
# sigmoid scores start near 0.01); DINO with 1 encoder and 2 decoder layers and 20 queries; the
# adaptive thresholds updated at every iteration, clamped low enough for a young teacher
MODEL_CHANGES = {
    CONFIG: 'dict(semi_train_cfg=dict(cls_pseudo_thr=0.05))',
    ADAPTIVE_CONFIG: ('dict(semi_train_cfg=dict(cls_pseudo_thr=0.05, pseudo_thr_policy=dict('
                      'interval=1, window=2, thr_range=(0.01, 0.9))))'),
    DINO_CONFIG: ('dict(semi_train_cfg=dict(cls_pseudo_thr=0.001), detector=dict('
                  'num_queries=20, encoder=dict(num_layers=1), decoder=dict(num_layers=2)))'),
}
# SIGKILL when iteration 3 starts (iter_2.pth complete); SIGTERM during iteration 3 (the final
# checkpoint iter_3.pth is written on the way out)
STOPS = {signal.SIGKILL: dict(iteration=3, last=2), signal.SIGTERM: dict(iteration=3, last=3)}

STOP_HOOK = '''
import os

from mmdet.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class StopAtHook(Hook):
    """Sends ``signum`` to this process when iteration ``iteration`` (1-based) starts."""

    def __init__(self, signum, iteration):
        self.signum, self.iteration = signum, iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), self.signum)
'''


class StoppedRun(NamedTuple):
    """A run stopped by a signal, then resumed with ``--resume`` to MAX_ITERS."""
    work_dir: str
    stopped: subprocess.CompletedProcess
    checkpoints_at_stop: List[str]  # the .pth files in work_dir after the stop
    last_checkpoint_at_stop: str  # what work_dir/last_checkpoint named after the stop
    resumed: subprocess.CompletedProcess


def train(work_dir: str, cwd: str, config: str, resume: bool = False):
    """tools/train.py CONFIG with the RUN options in ``cwd``; the folder of CONFIG is on
    PYTHONPATH (for the stop hook)."""
    env = dict(os.environ, PYTHONWARNINGS='ignore',
               PYTHONPATH=f'{osp.dirname(config)}:{os.environ.get("PYTHONPATH", "")}')
    args = [sys.executable, TRAIN, config, '--work-dir', work_dir,
            *(['--resume'] if resume else []), '--cfg-options', *RUN]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def stop_config(folder, signum=None, iteration=None, config: str = CONFIG) -> str:
    """``config`` (a MUM demo config) with the EMA hook as its only custom hook (no gallery
    drawn), plus a hook sending ``signum`` when iteration ``iteration`` starts; written into
    ``folder``."""
    (folder / 'stop_at_hook.py').write_text(STOP_HOOK)
    hooks = '_base_.custom_hooks[0]'
    if signum is not None:
        hooks += f", dict(type='StopAtHook', signum={int(signum)}, iteration={iteration})"
    written = folder / f'demo_{signum}.py'
    written.write_text(
        f"_base_ = {config!r}\n"
        "custom_imports = dict(imports=['mum', 'stop_at_hook'], allow_failed_imports=False)\n"
        f"custom_hooks = [{hooks}]\n"
        f"model = {MODEL_CHANGES[config]}\n")
    return str(written)


def straight(cwd: str, folder, config: str = CONFIG) -> str:
    """Trains the uninterrupted run of ``config`` in ``folder``/work_dir; returns the work dir."""
    work_dir = str(folder / 'work_dir')
    result = train(work_dir, cwd, stop_config(folder, config=config))
    assert result.returncode == 0, result.stderr[-3000:]
    return work_dir


def stop_then_resume(cwd: str, folder, signum: int, config: str = CONFIG) -> StoppedRun:
    """Trains ``config`` in ``folder``/work_dir until ``signum`` (at
    STOPS[signum]['iteration']), then resumes to MAX_ITERS."""
    work_dir = str(folder / 'work_dir')
    stopped = train(work_dir, cwd,
                    stop_config(folder, signum, STOPS[signum]['iteration'], config))
    checkpoints = sorted(p for p in os.listdir(work_dir) if p.endswith('.pth'))
    last_checkpoint = osp.join(work_dir, 'last_checkpoint')
    last = open(last_checkpoint).read() if osp.exists(last_checkpoint) else None
    resumed = train(work_dir, cwd, stop_config(folder, config=config), resume=True)
    return StoppedRun(work_dir, stopped, checkpoints, last, resumed)
