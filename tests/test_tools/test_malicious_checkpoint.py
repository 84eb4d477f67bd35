"""Every entry point that loads a checkpoint refuses one that carries code, before running it.

The payload copies a file when unpickled; the control shows that it does so under
``torch.load(weights_only=False)``, so the refusals below are not vacuous.
"""
import pickle
import shutil

import pytest
import torch
from analysis_helpers import run_tool as run_in_process
from analysis_helpers import tiny_mum_config, val_images

SHORT_RUN = ['train_cfg.max_iters=1', 'train_cfg.val_interval=100',
             'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
             'custom_hooks.1.num_images=0']


class _Exploit:
    """Unpickling this object creates the file ``marker``: a stand-in for arbitrary code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (shutil.copyfile, (__file__, self.marker))


@pytest.fixture
def evil(tmp_path):
    """(path of a checkpoint whose meta runs code when unpickled, the marker it would write)."""
    marker = tmp_path / 'exploit_ran'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': _Exploit(str(marker))}, path)
    return str(path), marker


def test_control_the_payload_runs_under_weights_only_false(evil):
    path, marker = evil
    torch.load(path, weights_only=False)
    assert marker.exists()


@pytest.mark.slow
@pytest.mark.parametrize('entry', ['load_from', 'resume', 'test'])
def test_train_and_test_tools_refuse_it(entry, evil, demo_workspace, tmp_path):
    path, marker = evil
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    work_dir = tmp_path / 'wd'
    if entry == 'test':
        args = ['test.py', config, path, '--work-dir', work_dir]
    elif entry == 'resume':
        args = ['train.py', config, '--work-dir', work_dir, '--resume', path,
                '--cfg-options', *SHORT_RUN]
    else:
        args = ['train.py', config, '--work-dir', work_dir, '--cfg-options', *SHORT_RUN,
                f'load_from={path}']
    # in this process: the tools build their runner, whose load is refused before training or
    # testing (were the file unpickled, the tool would run on and return)
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed'):
        run_in_process(*args)
    assert not marker.exists()
    assert not list(work_dir.glob('*.pth'))


@pytest.mark.slow
@pytest.mark.parametrize('tool', ['extract_teacher', 'gradcam', 'browse_mum'])
def test_analysis_tools_refuse_it(tool, evil, demo_workspace, tmp_path, capsys):
    path, marker = evil
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    if tool == 'extract_teacher':
        args = ['model_converters/extract_teacher.py', path, tmp_path / 'out.pth']
    elif tool == 'gradcam':
        args = ['analysis_tools/gradcam.py', config, path, '--images',
                val_images(demo_workspace)[0], '--class-names', 'circle', '--out-dir',
                tmp_path / 'cam']
    else:
        args = ['analysis_tools/browse_mum.py', config, '--checkpoint', path, '--out-dir',
                tmp_path / 'browse']
    with pytest.raises(SystemExit) as exit_info:
        run_in_process(*args)
    code = exit_info.value.code  # extract_teacher prints the sentence and exits 2
    message = capsys.readouterr().err if code == 2 else str(code)
    assert f'Checkpoint {path} cannot be read with torch.load(weights_only=True)' in message
    assert not marker.exists()
