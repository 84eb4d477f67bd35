"""Every entry point that loads a checkpoint refuses one that carries code, before running it,
also under ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (which turns torch's weights-only default off).

The payload copies a file when unpickled; the controls show that it does so under
``torch.load(weights_only=False)`` and under a plain ``torch.load`` with that variable set, so
the refusals below are not vacuous. A config text holding code in the checkpoint's meta is a
plain string, which weights-only unpickling accepts: the tools must never execute it.
"""

import pytest
import torch
from analysis_helpers import CopyingPayload
from analysis_helpers import run_tool as run_in_process
from analysis_helpers import semi_checkpoint, tiny_mum_config, val_images

from mum.engine.runner import allow_unsafe_load

SHORT_RUN = ['train_cfg.max_iters=1', 'train_cfg.val_interval=100',
             'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
             'custom_hooks.1.num_images=0']


@pytest.fixture
def evil(tmp_path):
    """(path of a checkpoint whose meta runs code when unpickled, the marker it would write)."""
    marker = tmp_path / 'exploit_ran'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': CopyingPayload(str(marker))}, path)
    return str(path), marker


def test_control_the_payload_runs_under_weights_only_false(evil):
    path, marker = evil
    torch.load(path, weights_only=False)
    assert marker.exists()


def test_control_the_payload_runs_under_the_force_variable(evil, monkeypatch):
    path, marker = evil
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    torch.load(path)  # what mmengine's loaders call
    assert marker.exists()


@pytest.mark.slow
@pytest.mark.parametrize('force_unsafe', [False, True], ids=['default', 'force-no-weights-only'])
@pytest.mark.parametrize('entry', ['load_from', 'resume', 'test'])
def test_train_and_test_tools_refuse_it(entry, force_unsafe, evil, demo_workspace, tmp_path,
                                        monkeypatch):
    path, marker = evil
    if force_unsafe:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
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
    with pytest.raises(SystemExit) as exit_info:
        run_in_process(*args)
    assert str(exit_info.value.code).startswith(
        f'Checkpoint {path} cannot be read with torch.load(weights_only=True): it holds objects '
        'other than tensors and plain Python values (')
    assert 'rerun with --unsafe-load' in str(exit_info.value.code)
    assert not marker.exists()
    assert not list(work_dir.glob('*.pth'))


@pytest.mark.slow
def test_unsafe_load_is_an_explicit_opt_in(evil, demo_workspace, tmp_path):
    path, marker = evil
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    try:
        with pytest.raises(SystemExit):  # unpickled in full: the payload ran, the meta is bad
            run_in_process('test.py', config, path, '--work-dir', tmp_path / 'wd',
                           '--unsafe-load')
    finally:
        allow_unsafe_load(False)  # the opt-in is process-wide: not for the tests after this one
    assert marker.exists()


CODE_IN_CONFIG = ("model = dict(type='X')\n"
                  "_x = __import__('shutil').copyfile({source!r}, {marker!r})\n")


@pytest.mark.slow
def test_config_text_with_code_in_the_meta_is_never_executed(demo_workspace, tmp_path, capsys):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    path = semi_checkpoint(config, str(tmp_path / 'semi.pth'))
    marker = tmp_path / 'config_code_ran'
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['meta']['cfg'] = CODE_IN_CONFIG.format(source=__file__, marker=str(marker))
    torch.save(checkpoint, path)
    torch.load(path, weights_only=True)  # a plain string: weights-only unpickling accepts it
    with pytest.raises(SystemExit) as exit_info:
        run_in_process('model_converters/extract_teacher.py', path, tmp_path / 'out.pth')
    assert exit_info.value.code == 2
    assert (f'The config stored in {path} holds code, not only data (a Call at line 2); it is '
            'never run. Pass --config with the training config file.') in capsys.readouterr().err
    assert not marker.exists()


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


def test_every_mmengine_loader_scheme_passes_weights_only(monkeypatch):
    """No scheme keeps mmengine's own loader, and the remote ones download with weights_only
    set explicitly (which TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD cannot override); nothing is
    downloaded: torch's download function is replaced by one that records its call."""
    from mmengine.runner import checkpoint as mmengine_checkpoint
    from mmengine.runner.checkpoint import CheckpointLoader

    import mum  # noqa: F401, registers the loaders
    allow_unsafe_load(False)  # the default of a process, whatever a test before this one set
    loaders = CheckpointLoader._schemes
    assert len(loaders) >= 8 and {loader.__module__ for loader in loaders.values()} == {
        'mum.engine.runner.weights_only_loading'}
    downloads = []
    monkeypatch.setattr(torch.hub, 'load_state_dict_from_url',
                        lambda url, **kwargs: downloads.append((url, kwargs['weights_only'])) or {})
    name, url = next((name, url) for name, url in mmengine_checkpoint.get_external_models().items()
                     if url.startswith('https://'))
    for source in ('https://example.com/weights.pth', f'open-mmlab://{name}'):
        CheckpointLoader.load_checkpoint(source)
    assert downloads == [('https://example.com/weights.pth', True), (url, True)]
