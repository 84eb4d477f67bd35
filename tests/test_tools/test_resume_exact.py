"""A run stopped after a checkpoint and resumed ends bit-identical to an uninterrupted run.

The runs (tests/stop_resume.py) go past burn-in (iteration 1), so the teacher's EMA, the
pseudo-labels and MUM's mixing act before and after the stop; the stop is deterministic: SIGKILL
sent by a hook when iteration 3 starts (iter_2.pth complete), or SIGTERM during iteration 3 (the
final checkpoint iter_3.pth is written on the way out; the ``sigterm_run`` fixture, shared with
test_failure_paths). Teacher, student, optimizer, LR schedule and the message hub's scalars are
compared with the uninterrupted run's after the last iteration.
"""
import json
import os
import os.path as osp
import signal

import pytest
import torch
from stop_resume import (ADAPTIVE_CONFIG, BURN_IN_ITERS, DINO_CONFIG, MAX_ITERS, STOPS,
                         stop_then_resume, straight)


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
def straight_run(demo_workspace, tmp_path_factory):
    """Work dir of the uninterrupted run."""
    return straight(demo_workspace, tmp_path_factory.mktemp('straight'))


@pytest.mark.slow
@pytest.mark.parametrize('signum', [signal.SIGKILL, signal.SIGTERM], ids=['SIGKILL', 'SIGTERM'])
def test_stop_then_resume_is_bit_identical(straight_run, demo_workspace, tmp_path, request,
                                           signum):
    if signum == signal.SIGTERM:
        run = request.getfixturevalue('sigterm_run')
    else:
        run = stop_then_resume(demo_workspace, tmp_path, signum)
    _assert_resumed_run_is_the_straight_run(straight_run, run, signum)


@pytest.mark.slow
def test_dino_stop_then_resume_is_bit_identical(demo_workspace, tmp_path):
    """The same for MUM on DINO (configs/mum/demo_dino_mum.py), killed after iter_2.pth."""
    (tmp_path / 'straight').mkdir()
    (tmp_path / 'stopped').mkdir()
    straight_run = straight(demo_workspace, tmp_path / 'straight', DINO_CONFIG)
    run = stop_then_resume(demo_workspace, tmp_path / 'stopped', signal.SIGKILL, DINO_CONFIG)
    _assert_resumed_run_is_the_straight_run(straight_run, run, signal.SIGKILL)


@pytest.mark.slow
def test_adaptive_thresholds_stop_then_resume_is_bit_identical(demo_workspace, tmp_path):
    """MUM with DensityMatchingThreshold (configs/mum/demo_mum_adaptive.py), the thresholds
    updated at every iteration, killed after iter_2.pth: the thresholds, their score histogram
    and everything else end as in the straight run."""
    (tmp_path / 'straight').mkdir()
    (tmp_path / 'stopped').mkdir()
    straight_run = straight(demo_workspace, tmp_path / 'straight', ADAPTIVE_CONFIG)
    run = stop_then_resume(demo_workspace, tmp_path / 'stopped', signal.SIGKILL,
                           ADAPTIVE_CONFIG)
    _assert_resumed_run_is_the_straight_run(straight_run, run, signal.SIGKILL)
    state = torch.load(osp.join(straight_run, f'iter_{MAX_ITERS}.pth'), map_location='cpu',
                       weights_only=True)['state_dict']
    # the thresholds moved off tau = 0.05 and their histogram holds scores: compared, not vacuous
    assert not torch.allclose(state['pseudo_thresholds.upper_thr'], torch.tensor(0.05))
    assert state['pseudo_thresholds.score_counts'].sum() > 0


def _assert_resumed_run_is_the_straight_run(straight_run, run, signum):
    """``run`` (stopped by ``signum``, resumed) ends bit-identical to ``straight_run``."""
    scalars = _scalars(straight_run)
    # the teacher acts: pseudo-boxes before and after the stop, never during burn-in
    assert 'unsup_pseudo_boxes_per_img' not in scalars[BURN_IN_ITERS]
    assert all(scalars[i]['unsup_pseudo_boxes_per_img'] > 0
               for i in range(BURN_IN_ITERS + 1, MAX_ITERS + 1))
    last = STOPS[signum]['last']
    assert BURN_IN_ITERS < last < MAX_ITERS  # teacher steps on both sides of the stop
    assert run.stopped.returncode == (-signum if signum == signal.SIGKILL else 128 + signum)
    assert f'iter_{last}.pth' in run.checkpoints_at_stop
    assert f'iter_{last + 1}.pth' not in run.checkpoints_at_stop
    assert run.last_checkpoint_at_stop == osp.join(run.work_dir, f'iter_{last}.pth')

    assert run.resumed.returncode == 0, run.resumed.stderr[-3000:]
    assert f'resumed epoch: 0, iter: {last}' in run.resumed.stdout
    expected, resumed = (
        torch.load(osp.join(d, f'iter_{MAX_ITERS}.pth'), map_location='cpu', weights_only=True)
        for d in (straight_run, run.work_dir))
    assert any(k.startswith('teacher.') for k in expected['state_dict'])
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'message_hub'):
        _assert_same(expected[key], resumed[key], key)
    # the EMA teacher differs from the student after burn-in: comparing it is not vacuous
    state = expected['state_dict']
    assert any(not torch.equal(value, state['student.' + key[len('teacher.'):]])
               for key, value in state.items()
               if key.startswith('teacher.') and value.is_floating_point())
