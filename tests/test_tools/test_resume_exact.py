"""A run stopped after a checkpoint and resumed ends bit-identical to an uninterrupted run.

The runs go past burn-in, so the teacher's EMA, the pseudo-labels and MUM's mixing act before
and after the stop; the stop is deterministic: SIGKILL sent by a hook when iteration 5 starts
(iter_4.pth complete), or SIGTERM at iteration 3 (the final checkpoint iter_3.pth is written on
the way out). Teacher, student, optimizer, LR schedule and the message hub's scalars are
compared with the uninterrupted run's after the last iteration.
"""
import json
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
import torch
from conftest import REPO

TRAIN = osp.join(REPO, 'tools', 'train.py')
CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')
MAX_ITERS = 6
RUN = [f'train_cfg.max_iters={MAX_ITERS}', 'train_cfg.val_interval=100',
       'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=2',
       'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
       'randomness.seed=3',
       # burn-in ends after iteration 2; a low tau gives the random teacher pseudo-boxes
       'model.semi_train_cfg.burn_in_iters=2', 'model.semi_train_cfg.cls_pseudo_thr=0.05']

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


def _train(work_dir, cwd, config, resume=False):
    env = dict(os.environ, PYTHONWARNINGS='ignore',
               PYTHONPATH=f'{osp.dirname(config)}:{os.environ.get("PYTHONPATH", "")}')
    args = [sys.executable, TRAIN, config, '--work-dir', work_dir,
            *(['--resume'] if resume else []), '--cfg-options', *RUN]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _config(folder, signum=None, iteration=None):
    """demo_mum.py with the EMA hook as its only custom hook (no gallery drawn), plus a hook
    sending ``signum`` when iteration ``iteration`` starts."""
    (folder / 'stop_at_hook.py').write_text(STOP_HOOK)
    hooks = '_base_.custom_hooks[0]'
    if signum is not None:
        hooks += f", dict(type='StopAtHook', signum={int(signum)}, iteration={iteration})"
    config = folder / f'demo_{signum}.py'
    config.write_text(
        f"_base_ = {CONFIG!r}\n"
        "custom_imports = dict(imports=['mum', 'stop_at_hook'], allow_failed_imports=False)\n"
        f"custom_hooks = [{hooks}]\n")
    return str(config)


def _scalars(work_dir):
    """Per iteration, the logged values of the run(s) in ``work_dir`` (all timestamps); the
    training and validation lines of one iteration are merged."""
    values = {}
    for root, _, files in os.walk(work_dir):
        if 'scalars.json' in files:
            with open(osp.join(root, 'scalars.json')) as log:
                for line in log:
                    entry = json.loads(line)
                    values.setdefault(entry['step'], {}).update(entry)
    return values


def _assert_same(expected, actual, where):
    """Recursive equality; tensors bit-identical; timings and paths are not compared."""
    if isinstance(expected, torch.Tensor):
        assert torch.equal(expected, actual), where
    elif isinstance(expected, dict):
        assert expected.keys() == actual.keys(), where
        for key in expected:
            if 'time' in str(key) or key in ('last_ckpt', 'keep_ckpt_ids'):
                continue
            _assert_same(expected[key], actual[key], f'{where}.{key}')
    elif isinstance(expected, (list, tuple)):
        assert len(expected) == len(actual), where
        for index, (a, b) in enumerate(zip(expected, actual)):
            _assert_same(a, b, f'{where}[{index}]')
    else:
        assert expected == actual, where


@pytest.fixture(scope='module')
def straight(demo_workspace, tmp_path_factory):
    work_dir = osp.join(demo_workspace, 'work_dirs', 'straight')
    result = _train(work_dir, demo_workspace, _config(tmp_path_factory.mktemp('straight')))
    assert result.returncode == 0, result.stderr[-3000:]
    return work_dir


@pytest.mark.slow
@pytest.mark.parametrize('signum, iteration, last', [(signal.SIGKILL, 5, 4),
                                                     (signal.SIGTERM, 3, 3)])
def test_stop_then_resume_is_bit_identical(straight, demo_workspace, tmp_path, signum,
                                           iteration, last):
    scalars = _scalars(straight)
    # the teacher acts: pseudo-boxes before and after the stop, never during burn-in
    assert 'unsup_pseudo_boxes_per_img' not in scalars[2]
    assert all(scalars[i]['unsup_pseudo_boxes_per_img'] > 0 for i in range(3, MAX_ITERS + 1))

    work_dir = str(tmp_path / 'stopped')
    result = _train(work_dir, demo_workspace, _config(tmp_path, signum, iteration))
    assert result.returncode == (-signum if signum == signal.SIGKILL else 128 + signum)
    assert not osp.exists(osp.join(work_dir, f'iter_{last + 1}.pth'))
    with open(osp.join(work_dir, 'last_checkpoint')) as last_checkpoint:
        assert last_checkpoint.read() == osp.join(work_dir, f'iter_{last}.pth')

    result = _train(work_dir, demo_workspace, _config(tmp_path), resume=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f'resumed epoch: 0, iter: {last}' in result.stdout
    expected, resumed = (
        torch.load(osp.join(d, f'iter_{MAX_ITERS}.pth'), map_location='cpu', weights_only=True)
        for d in (straight, work_dir))
    assert any(k.startswith('teacher.') for k in expected['state_dict'])
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'message_hub'):
        _assert_same(expected[key], resumed[key], key)
    # the EMA teacher differs from the student after burn-in: comparing it is not vacuous
    state = expected['state_dict']
    assert any(not torch.equal(value, state['student.' + key[len('teacher.'):]])
               for key, value in state.items()
               if key.startswith('teacher.') and value.is_floating_point())
