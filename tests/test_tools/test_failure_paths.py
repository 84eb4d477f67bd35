"""Failure paths of a long run through tools/train.py and tools/test.py (subprocesses): a
misspelt key, a checkpoint of another head shape, Ctrl-C and SIGTERM."""
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
from analysis_helpers import semi_checkpoint, tiny_mum_config
from conftest import REPO, run_tool

TRAIN = osp.join(REPO, 'tools', 'train.py')
TEST = osp.join(REPO, 'tools', 'test.py')
CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')
TIMEOUT = 300
SHORT = ['train_cfg.val_interval=100', 'default_hooks.logger.interval=1',
         'default_hooks.checkpoint.interval=2', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False']

SIGNAL_HOOK = '''
import os

from mmdet.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class SendSignalHook(Hook):
    """Sends ``signum`` to this process at iteration ``iteration`` (1-based): when it starts
    (``when='iteration'``) or while its checkpoint is being written (``when='save'``)."""

    def __init__(self, signum, iteration, when):
        self.signum, self.iteration, self.when = signum, iteration, when

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if self.when == 'iteration' and runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), self.signum)

    def before_save_checkpoint(self, runner, checkpoint):
        if self.when == 'save' and runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), self.signum)
'''


def _signal_config(tmp_path, signum, iteration, when):
    (tmp_path / 'send_signal_hook.py').write_text(SIGNAL_HOOK)
    config = tmp_path / 'signal_demo.py'
    config.write_text(
        f"_base_ = {CONFIG!r}\n"
        "custom_imports = dict(imports=['mum', 'send_signal_hook'], allow_failed_imports=False)\n"
        # the EMA hook only: no gallery drawn after training
        "custom_hooks = [_base_.custom_hooks[0], dict(type='SendSignalHook', "
        f"signum={int(signum)}, iteration={iteration}, when={when!r})]\n")
    return str(config)


def _train(config, work_dir, cwd, *options, resume=False):
    """tools/train.py CONFIG on the tiny demo data, with the SHORT run's and these options; the
    folder of CONFIG is on PYTHONPATH (for the signal hook)."""
    env = dict(os.environ, PYTHONWARNINGS='ignore',
               PYTHONPATH=f'{osp.dirname(config)}:{os.environ.get("PYTHONPATH", "")}')
    args = [sys.executable, TRAIN, config, '--work-dir', work_dir,
            *(['--resume'] if resume else []), '--cfg-options', *SHORT, *options]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


@pytest.mark.slow
def test_semi_train_cfg_typo_fails_before_training(demo_workspace, tmp_path):
    result = _train(CONFIG, str(tmp_path / 'wd'), demo_workspace,
                    'model.semi_train_cfg.cls_pseudo_thresh=0.5')
    assert result.returncode != 0
    assert ("model.semi_train_cfg.cls_pseudo_thresh is not a setting of MUMTeacher: did you "
            "mean 'cls_pseudo_thr'?") in result.stderr
    assert 'Iter(train)' not in result.stdout + result.stderr


@pytest.mark.slow
def test_test_tool_refuses_a_checkpoint_of_other_head_shapes(demo_workspace, tmp_path):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    checkpoint = semi_checkpoint(config, str(tmp_path / 'six_classes.pth'))
    result = run_tool([TEST, config, checkpoint, '--work-dir', str(tmp_path / 'wd'),
                       '--cfg-options', 'model.detector.roi_head.bbox_head.num_classes=2'],
                      cwd=demo_workspace)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f'Checkpoint {checkpoint} does not fit the model of this '
                                'config: 8 parameter(s) differ in shape (checkpoint vs model): ')
    assert 'student.roi_head.bbox_head.fc_cls.weight (' in last_line
    assert 'Evaluating bbox' not in result.stdout + result.stderr


@pytest.mark.slow
def test_sigterm_writes_a_final_checkpoint_then_resume_continues(demo_workspace, tmp_path):
    config = _signal_config(tmp_path, signal.SIGTERM, iteration=3, when='iteration')
    work_dir = str(tmp_path / 'wd')
    result = _train(config, work_dir, demo_workspace, 'train_cfg.max_iters=5')
    assert result.returncode == 128 + signal.SIGTERM, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == (
        f'SIGTERM after iteration 3: training stopped; the last complete checkpoint is '
        f'{work_dir}/iter_3.pth; continue with --resume.')
    assert 'Traceback' not in result.stdout + result.stderr
    assert sorted(p for p in os.listdir(work_dir) if p.endswith('.pth')) == \
        ['iter_2.pth', 'iter_3.pth']

    result = _train(config, work_dir, demo_workspace, 'train_cfg.max_iters=5', resume=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 0, iter: 3' in result.stdout and 'Iter(train) [5/5]' in result.stdout


@pytest.mark.slow
def test_ctrl_c_during_a_save_ends_in_one_line(demo_workspace, tmp_path):
    config = _signal_config(tmp_path, signal.SIGINT, iteration=2, when='save')
    work_dir = str(tmp_path / 'wd')
    result = _train(config, work_dir, demo_workspace, 'train_cfg.max_iters=5')
    assert result.returncode == 128 + signal.SIGINT, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == (
        f'Ctrl-C (SIGINT) after iteration 2: training stopped; the last complete checkpoint is '
        f'{work_dir}/iter_2.pth; continue with --resume.')
    output = result.stdout + result.stderr
    assert 'Traceback' not in output and 'SyntaxError' not in output
    assert sorted(p for p in os.listdir(work_dir) if p.endswith('.pth')) == ['iter_2.pth']
