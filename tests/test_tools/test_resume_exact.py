"""A run killed with SIGKILL after a checkpoint and resumed ends bit-identical to an
uninterrupted run (teacher, student, optimizer and MUM permutation stream)."""
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch
from conftest import REPO, run_tool

TRAIN = osp.join(REPO, 'tools', 'train.py')
CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')
RUN = ['train_cfg.max_iters=5', 'train_cfg.val_interval=100', 'default_hooks.logger.interval=1',
       'default_hooks.checkpoint.interval=2', 'train_dataloader.num_workers=0',
       'train_dataloader.persistent_workers=False', 'randomness.seed=3',
       'custom_hooks.1.num_images=0']


def _final_state(work_dir):
    return torch.load(osp.join(work_dir, 'iter_5.pth'), map_location='cpu',
                      weights_only=True)['state_dict']


@pytest.mark.slow
def test_sigkill_then_resume_is_bit_identical(demo_workspace):
    straight = osp.join(demo_workspace, 'work_dirs', 'straight')
    result = run_tool([TRAIN, CONFIG, '--work-dir', straight, '--cfg-options', *RUN],
                      cwd=demo_workspace)
    assert result.returncode == 0, result.stderr[-3000:]

    killed = osp.join(demo_workspace, 'work_dirs', 'killed')
    process = subprocess.Popen([sys.executable, TRAIN, CONFIG, '--work-dir', killed,
                                '--cfg-options', *RUN], cwd=demo_workspace,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not osp.exists(osp.join(killed, 'last_checkpoint')) and time.time() < deadline:
        assert process.poll() is None, 'the run ended before writing a checkpoint'
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not osp.exists(osp.join(killed, 'iter_5.pth')), 'killed too late to test anything'

    result = run_tool([TRAIN, CONFIG, '--work-dir', killed, '--resume', '--cfg-options', *RUN],
                      cwd=demo_workspace)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 0, iter: ' in result.stdout + result.stderr
    expected, resumed = _final_state(straight), _final_state(killed)
    assert expected.keys() == resumed.keys()
    for key in expected:
        if isinstance(expected[key], torch.Tensor):
            assert torch.equal(expected[key], resumed[key]), key
        else:
            assert expected[key] == resumed[key], key
