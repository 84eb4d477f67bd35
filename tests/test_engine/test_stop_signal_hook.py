"""StopSignalHook: Ctrl-C and SIGTERM end training after the current iteration, in one sentence
naming the last complete checkpoint; SIGTERM writes a final checkpoint first."""
import os
import os.path as osp
import signal

import pytest
import torch
from mmengine.hooks import Hook
from toy_runner import toy_runner

from mum.engine.hooks import SafeCheckpointHook, StopSignalHook, TrainingInterrupted
from mum.engine.runner import MUMRunner


class _SendSignal(Hook):
    """Sends ``signum`` to this process at iteration ``iteration`` (1-based): when it starts,
    or while its checkpoint is being written (``during_save``)."""

    def __init__(self, signum, iteration, during_save=False):
        self.signum, self.iteration, self.during_save = signum, iteration, during_save

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if not self.during_save and runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), self.signum)

    def before_save_checkpoint(self, runner, checkpoint):
        if self.during_save and runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), self.signum)


def _runner(work_dir, sender, interval=2, **kwargs):
    return toy_runner(work_dir, MUMRunner, max_iters=6, custom_hooks=[sender],
                      default_hooks=dict(checkpoint=SafeCheckpointHook(interval=interval,
                                                                       by_epoch=False),
                                         stop_signal=StopSignalHook()), **kwargs)


def _checkpoints(work_dir):
    return sorted(p for p in os.listdir(work_dir) if p.endswith('.pth'))


def test_sigterm_mid_iteration_writes_a_final_checkpoint(tmp_path):
    handler = signal.getsignal(signal.SIGTERM)
    runner = _runner(tmp_path, _SendSignal(signal.SIGTERM, iteration=3))
    with pytest.raises(TrainingInterrupted, match=r'^SIGTERM after iteration 3: training '
                       f'stopped; the last complete checkpoint is {tmp_path}/iter_3.pth; '
                       r'continue with --resume\.$') as stop:
        runner.train()
    assert stop.value.signum == signal.SIGTERM
    assert _checkpoints(tmp_path) == ['iter_2.pth', 'iter_3.pth']  # iter_3: the final one
    assert signal.getsignal(signal.SIGTERM) is handler  # the previous handler is back

    resumed = _runner(tmp_path, _SendSignal(signal.SIGTERM, iteration=99), resume=True)
    resumed.train()
    assert resumed.iter == 6


def test_under_ddp_the_ranks_leave_after_the_final_checkpoint_is_written(tmp_path,
                                                                         monkeypatch):
    # mmengine's barrier, a no-op in one process, stands for the other ranks' wait
    written_at_barrier = []
    monkeypatch.setattr('mum.engine.hooks.stop_signal_hook.barrier',
                        lambda: written_at_barrier.append(_checkpoints(tmp_path)))
    runner = _runner(tmp_path, _SendSignal(signal.SIGTERM, iteration=3))
    with pytest.raises(TrainingInterrupted):
        runner.train()
    assert written_at_barrier == [['iter_2.pth', 'iter_3.pth']]


def test_ctrl_c_during_a_save_lets_it_complete_and_writes_no_other(tmp_path):
    runner = _runner(tmp_path, _SendSignal(signal.SIGINT, iteration=2, during_save=True))
    with pytest.raises(TrainingInterrupted, match=r'^Ctrl-C \(SIGINT\) after iteration 2: '
                       f'training stopped; the last complete checkpoint is {tmp_path}/iter_2.pth'):
        runner.train()
    assert _checkpoints(tmp_path) == ['iter_2.pth']
    assert 'state_dict' in torch.load(osp.join(tmp_path, 'iter_2.pth'), weights_only=True)
