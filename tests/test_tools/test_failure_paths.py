"""Failure paths of a long run through tools/train.py and tools/test.py: a misspelt key and a
checkpoint of another head shape (refused before anything runs: the tools run in this process),
SIGTERM and Ctrl-C (subprocesses, as a user or a cluster sends them)."""
import json
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
from analysis_helpers import run_tool as run_in_process
from analysis_helpers import semi_checkpoint, tiny_mum_config
from conftest import REPO, exit_in_process
from stop_resume import MAX_ITERS

from mum.utils import load_config

TRAIN = osp.join(REPO, 'tools', 'train.py')
TEST = osp.join(REPO, 'tools', 'test.py')
CONFIG = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')
TIMEOUT = 300
SHORT = ['train_cfg.val_interval=100', 'default_hooks.logger.interval=1',
         'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False']

SIGNAL_HOOK = '''
import os
import subprocess
import sys

from mmdet.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class SignalDuringSaveHook(Hook):
    """Sends ``signum`` to this process while the checkpoint of iteration ``iteration``
    (1-based) is being written."""

    def __init__(self, signum, iteration):
        self.signum, self.iteration = signum, iteration

    def before_save_checkpoint(self, runner, checkpoint):
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), self.signum)


@HOOKS.register_module()
class SignalProcessGroupHook(Hook):
    """Sends ``signum`` to every process of this process group (the DataLoader workers too),
    as a scheduler's pre-emption does, when iteration ``iteration`` (1-based) starts."""

    def __init__(self, signum, iteration):
        self.signum, self.iteration = signum, iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.iteration:
            # from another process, as a scheduler sends it: torch's workers take a SIGTERM
            # from their parent (the main process) as its order to exit quietly
            subprocess.run([sys.executable, '-c',
                            f'import os; os.killpg({os.getpgrp()}, {int(self.signum)})'])
'''


def _signal_config(tmp_path, signum, iteration, hook='SignalDuringSaveHook'):
    (tmp_path / 'signal_during_save_hook.py').write_text(SIGNAL_HOOK)
    config = tmp_path / 'signal_demo.py'
    config.write_text(
        f"_base_ = {CONFIG!r}\n"
        "custom_imports = dict(imports=['mum', 'signal_during_save_hook'], "
        "allow_failed_imports=False)\n"
        # the EMA hook only: no gallery drawn after training
        f"custom_hooks = [_base_.custom_hooks[0], dict(type={hook!r}, "
        f"signum={int(signum)}, iteration={iteration})]\n")
    return str(config)


def _train(config, work_dir, cwd, *options):
    """tools/train.py CONFIG on the tiny demo data, with the SHORT run's and these options; the
    folder of CONFIG is on PYTHONPATH (for the signal hooks). It runs in a session of its own,
    so that a signal to its process group reaches it and its DataLoader workers only."""
    env = dict(os.environ, PYTHONWARNINGS='ignore',
               PYTHONPATH=f'{osp.dirname(config)}:{os.environ.get("PYTHONPATH", "")}')
    args = [sys.executable, TRAIN, config, '--work-dir', work_dir, '--cfg-options', *SHORT,
            *options]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          start_new_session=True)


@pytest.mark.slow
def test_semi_train_cfg_typo_fails_before_training(demo_workspace, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(demo_workspace)  # the config's data/demo/
    work_dir = tmp_path / 'wd'
    args = ['train.py', CONFIG, '--work-dir', work_dir, '--cfg-options', *SHORT,
            'train_cfg.max_iters=1', 'model.semi_train_cfg.cls_pseudo_thresh=0.5']
    # were the typo accepted, one iteration would train and the tool return
    with pytest.raises(SystemExit) as exit_info:
        run_in_process(*args)
    assert exit_info.value.code == ("model.semi_train_cfg.cls_pseudo_thresh is not a setting of "
                                    "MUMTeacher: did you mean 'cls_pseudo_thr'?")
    log_file, = work_dir.glob('*/*.log')
    assert capsys.readouterr().err == f'(the traceback is in {log_file}; --debug prints it)\n'
    assert 'Traceback (most recent call last)' in log_file.read_text()
    assert not list(work_dir.glob('*.pth'))
    with pytest.raises(ValueError, match='cls_pseudo_thresh is not a setting'):
        run_in_process(*args, '--debug')


def _empty_coco(path, classes):
    path.write_text(json.dumps(dict(images=[], annotations=[], categories=[
        dict(id=i, name=name) for i, name in enumerate(classes, 1)])))
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize('tool', ['train', 'test'])
def test_an_empty_evaluation_file_is_refused_before_training(tool, demo_workspace, tmp_path):
    from mum.datasets.demo_data import DEMO_CLASSES
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    empty = _empty_coco(tmp_path / 'empty.json', DEMO_CLASSES)
    work_dir = tmp_path / 'wd'
    if tool == 'train':
        args = ['train.py', config, '--work-dir', work_dir, '--cfg-options',
                'train_cfg.max_iters=1', f'val_dataloader.dataset.ann_file={empty}']
        split = 'validation'
    else:
        checkpoint = semi_checkpoint(config, str(tmp_path / 'semi.pth'))
        args = ['test.py', config, checkpoint, '--work-dir', work_dir, '--cfg-options',
                f'test_dataloader.dataset.ann_file={empty}']
        split = 'test'
    with pytest.raises(SystemExit) as exit_info:
        run_in_process(*args)
    assert exit_info.value.code == (f'The {split} set {empty} has no image: give an annotation '
                                    'file that lists at least one image.')
    assert not list(work_dir.glob('*.pth'))


@pytest.mark.slow
def test_a_class_missing_from_the_validation_file_is_refused_before_training(demo_workspace,
                                                                             tmp_path):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    val = json.loads(open(osp.join(demo_workspace, 'data', 'demo', 'annotations',
                                   'val.json')).read())
    renamed = val['categories'][0]['name']
    val['categories'][0]['name'] = renamed + 's'
    path = tmp_path / 'val_renamed.json'
    path.write_text(json.dumps(val))
    work_dir = tmp_path / 'wd'
    with pytest.raises(SystemExit) as exit_info:
        run_in_process('train.py', config, '--work-dir', work_dir, '--cfg-options',
                       'train_cfg.max_iters=1', f'val_dataloader.dataset.ann_file={path}')
    assert exit_info.value.code.startswith(
        f"Annotation file {path} does not match metainfo.classes: it lacks ['{renamed}'], and "
        f"has ['{renamed}s'] categories that are not classes")
    assert not list(work_dir.glob('*.pth'))


@pytest.mark.parametrize('tool', ['train', 'test'])
def test_a_missing_evaluator_file_is_refused_before_training_or_testing(
        tool, demo_workspace, tmp_path):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    absent = str(tmp_path / 'instances_val.json')
    key = 'val_evaluator' if tool == 'train' else 'test_evaluator'
    # the checkpoint is loaded after the test loop is built: any existing file will do
    args = ['train.py', config] if tool == 'train' else ['test.py', config, CONFIG]
    with pytest.raises(SystemExit) as exit_info:
        run_in_process(*args, '--work-dir', tmp_path / 'wd', '--cfg-options',
                       f'{key}.ann_file={absent}')
    assert exit_info.value.code == (
        f"{key}.ann_file '{absent}' does not exist: the metric reads the ground truth from it; "
        'point it at the annotation file of the dataloader it scores, or make that file first.')
    assert not list((tmp_path / 'wd').glob('*.pth'))


@pytest.mark.slow
def test_the_main_job_starts_where_the_demo_data_is_not_made_yet(tmp_path):
    # the README's main job on a fresh clone: the datasets write data/demo/ on first use, the
    # evaluator's val.json among it, so its ann_file is checked only once they are built
    fresh = tmp_path / 'fresh'
    config = tiny_mum_config(str(fresh), str(tmp_path))
    run_in_process('train.py', config, '--work-dir', tmp_path / 'wd', '--cfg-options',
                   'train_cfg.max_iters=1', *SHORT)
    assert (fresh / 'data' / 'demo' / 'annotations' / 'val.json').is_file()
    assert (tmp_path / 'wd' / 'iter_1.pth').is_file()


def test_a_file_as_work_dir_is_refused_in_one_sentence(tmp_path):
    not_a_folder = tmp_path / 'notes.txt'
    not_a_folder.write_text('')
    for tool in (TRAIN, TEST):
        checkpoint = [] if tool == TRAIN else [__file__]
        assert exit_in_process(tool, CONFIG, *checkpoint, '--work-dir', not_a_folder) == (
            f'Work dir {not_a_folder} is a file, not a folder: give --work-dir a folder (it is '
            'created if missing).')


def test_a_config_outside_configs_whose_base_is_missing_is_refused_in_one_sentence(tmp_path):
    copied = tmp_path / 'my_config.py'
    copied.write_text("_base_ = ['../_base_/recipes/any_detector.py']\n")
    for tool in (TRAIN, TEST):
        checkpoint = [] if tool == TRAIN else [__file__]
        message = exit_in_process(tool, copied, *checkpoint, '--work-dir', tmp_path / 'wd')
        assert message.startswith(f"{copied}: its base '") and message.endswith(
            "relative _base_ paths are read from the config's own folder, so keep a config that "
            'inherits ../_base_/... under configs/<a folder>/.'), message


def test_a_missing_file_that_is_not_a_base_keeps_its_own_error(tmp_path):
    config = tmp_path / 'reads_a_file.py'
    config.write_text(f"classes = open({str(tmp_path / 'missing.txt')!r}).read()\n")
    with pytest.raises(FileNotFoundError, match='missing.txt'):
        load_config(str(config), None, str(tmp_path / 'wd'))


def test_num_workers_zero_switches_persistent_workers_off():
    from mmengine.config import Config

    from mum.utils import persistent_workers_need_workers
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({'train_dataloader.num_workers': 0})
    assert cfg.train_dataloader.persistent_workers and cfg.val_dataloader.num_workers > 0
    assert persistent_workers_need_workers(cfg) == ['train_dataloader']
    assert cfg.train_dataloader.persistent_workers is False
    assert cfg.val_dataloader.persistent_workers  # it has workers: left as it was


@pytest.mark.slow
def test_num_workers_zero_alone_trains(demo_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(demo_workspace)
    work_dir = tmp_path / 'wd'
    run_in_process('train.py', CONFIG, '--work-dir', work_dir, '--cfg-options',
                   'train_dataloader.num_workers=0', 'train_cfg.max_iters=1',
                   'train_cfg.val_interval=100', 'custom_hooks.1.num_images=0')
    assert (work_dir / 'iter_1.pth').is_file()


@pytest.mark.slow
def test_a_second_run_on_a_busy_work_dir_is_refused(demo_workspace, tmp_path):
    from mum.engine.runner import WorkDirLock
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    work_dir = tmp_path / 'wd'
    first = WorkDirLock(str(work_dir))
    first.acquire()  # the first run, still training
    try:
        with pytest.raises(SystemExit) as exit_info:
            run_in_process('train.py', config, '--work-dir', work_dir, '--cfg-options',
                           'train_cfg.max_iters=1')
    finally:
        first.release()
    assert exit_info.value.code.startswith(f'Work dir {work_dir} is in use by another training '
                                           f'run (PID {os.getpid()} on host ')
    assert not list(work_dir.glob('*.pth'))


@pytest.mark.slow
def test_test_tool_refuses_a_checkpoint_of_other_head_shapes(demo_workspace, tmp_path):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    checkpoint = semi_checkpoint(config, str(tmp_path / 'six_classes.pth'))
    predictions = tmp_path / 'predictions.pkl'  # written after evaluating
    message = exit_in_process(TEST, config, checkpoint, '--work-dir', tmp_path / 'wd', '--out',
                              predictions, '--cfg-options',
                              'model.detector.roi_head.bbox_head.num_classes=2')
    assert message.startswith(f'Checkpoint {checkpoint} does not fit the model of this '
                              'config: 8 parameter(s) differ in shape (checkpoint vs model): ')
    assert 'student.roi_head.bbox_head.fc_cls.weight (' in message
    assert not predictions.exists()


@pytest.mark.slow
def test_sigterm_writes_a_final_checkpoint_then_resume_continues(sigterm_run):
    # tests/stop_resume.py: SIGTERM during iteration 3 of 4, past burn-in; test_resume_exact
    # shows that the resumed run ends bit-identical to an uninterrupted one
    stopped, work_dir = sigterm_run.stopped, sigterm_run.work_dir
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr[-3000:]
    assert stopped.stderr.strip().splitlines()[-1] == (
        f'SIGTERM after iteration 3: training stopped; the last complete checkpoint is '
        f'{work_dir}/iter_3.pth; continue with --resume.')
    assert 'Traceback' not in stopped.stdout + stopped.stderr
    assert sigterm_run.checkpoints_at_stop == ['iter_2.pth', 'iter_3.pth']

    resumed = sigterm_run.resumed
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert 'resumed epoch: 0, iter: 3' in resumed.stdout
    assert f'Iter(train) [{MAX_ITERS}/{MAX_ITERS}]' in resumed.stdout


@pytest.mark.slow
def test_sigterm_to_the_process_group_with_dataloader_workers_writes_a_final_checkpoint(
        demo_workspace, tmp_path):
    # a scheduler's pre-emption signals the DataLoader workers too: they must not die of it
    # (the main process would crash on the lost worker before its final checkpoint)
    config = _signal_config(tmp_path, signal.SIGTERM, iteration=2, hook='SignalProcessGroupHook')
    work_dir = str(tmp_path / 'wd')
    result = _train(config, work_dir, demo_workspace, 'train_cfg.max_iters=3',
                    'train_dataloader.num_workers=1', 'train_dataloader.persistent_workers=True')
    assert result.returncode == 128 + signal.SIGTERM, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == (
        f'SIGTERM after iteration 2: training stopped; the last complete checkpoint is '
        f'{work_dir}/iter_2.pth; continue with --resume.')
    assert 'Traceback' not in result.stdout + result.stderr
    assert sorted(p for p in os.listdir(work_dir) if p.endswith('.pth')) == ['iter_2.pth']


@pytest.mark.slow
def test_ctrl_c_during_a_save_ends_in_one_line(demo_workspace, tmp_path):
    config = _signal_config(tmp_path, signal.SIGINT, iteration=1)
    work_dir = str(tmp_path / 'wd')
    result = _train(config, work_dir, demo_workspace, 'train_cfg.max_iters=2',
                    'default_hooks.checkpoint.interval=1')
    assert result.returncode == 128 + signal.SIGINT, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == (
        f'Ctrl-C (SIGINT) after iteration 1: training stopped; the last complete checkpoint is '
        f'{work_dir}/iter_1.pth; continue with --resume.')
    output = result.stdout + result.stderr
    assert 'Traceback' not in output and 'SyntaxError' not in output
    assert sorted(p for p in os.listdir(work_dir) if p.endswith('.pth')) == ['iter_1.pth']
