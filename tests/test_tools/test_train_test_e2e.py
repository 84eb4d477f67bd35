"""End to end through tools/train.py and tools/test.py, as a user runs them (subprocesses)."""
import os.path as osp
import pickle

import pytest
import torch
from conftest import REPO, run_tool

TRAIN = osp.join(REPO, 'tools', 'train.py')
TEST = osp.join(REPO, 'tools', 'test.py')
SHORT_RUN = ['train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'default_hooks.logger.interval=1',
             'default_hooks.checkpoint.interval=2', 'train_dataloader.num_workers=0',
             'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
             'val_dataloader.persistent_workers=False']
# where nothing is asserted about them: no validation (not even after the last iteration), no
# pseudo-label or prediction gallery
NO_EXTRAS = ['train_cfg.val_begin=100', 'custom_hooks.1.num_images=0',
             'custom_hooks.2.num_images=0']


def _config(name):
    return osp.join(REPO, 'configs', name)


def _assert_ok(result):
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_train_evaluate_checkpoint_then_test_and_resume(demo_workspace):
    work_dir = osp.join(demo_workspace, 'work_dirs', 'e2e')
    result = run_tool([TRAIN, _config('mum/demo_mum.py'), '--work-dir', work_dir,
                       '--cfg-options', *SHORT_RUN], cwd=demo_workspace)
    _assert_ok(result)
    log = result.stdout + result.stderr
    assert 'Iter(train) [2/2]' in log
    assert log.count('Evaluating bbox...') == 2  # CocoMetric on the teacher, then the student
    checkpoint = osp.join(work_dir, 'iter_2.pth')
    assert osp.isfile(checkpoint)
    assert osp.isfile(osp.join(work_dir, 'teacher_predictions.png'))  # PredictionGalleryHook
    # the runner's own checkpoint loads under torch's safe default (weights_only=True)
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    assert state['meta']['iter'] == 2 and 'message_hub' in state

    out = osp.join(work_dir, 'predictions.pkl')
    result = run_tool([TEST, _config('mum/demo_mum.py'), checkpoint, '--work-dir', work_dir,
                       '--out', out], cwd=demo_workspace)
    _assert_ok(result)
    assert 'Evaluating bbox...' in result.stdout + result.stderr
    with open(out, 'rb') as f:
        assert len(pickle.load(f)) == 4  # the tiny val split

    result = run_tool([TRAIN, _config('mum/demo_mum.py'), '--work-dir', work_dir, '--resume',
                       '--cfg-options', *SHORT_RUN, 'train_cfg.max_iters=3', *NO_EXTRAS],
                      cwd=demo_workspace)
    _assert_ok(result)
    log = result.stdout + result.stderr
    assert 'resumed epoch: 0, iter: 2' in log and 'Iter(train) [3/3]' in log


@pytest.mark.slow
@pytest.mark.parametrize('config', ['unbiased_teacher/demo_unbiased_teacher.py',
                                    'supervised/demo_supervised.py'])
def test_other_demo_configs_train_two_iterations(config, demo_workspace):
    work_dir = osp.join(demo_workspace, 'work_dirs', osp.basename(config))
    result = run_tool([TRAIN, _config(config), '--work-dir', work_dir, '--cfg-options',
                       *SHORT_RUN, *NO_EXTRAS, 'model.semi_train_cfg.burn_in_iters=1'],
                      cwd=demo_workspace)
    _assert_ok(result)
    log = result.stdout + result.stderr
    assert 'Iter(train) [2/2]' in log
    assert ('unsup_loss_cls' in log) == config.startswith('unbiased_teacher')
