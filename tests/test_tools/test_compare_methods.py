"""compare_methods: tiny real runs over two seeds, and the mean ± std arithmetic of its table."""
import glob
import json
import os
import os.path as osp
import shutil
import subprocess

import pytest
from analysis_helpers import run_tool as run_in_process
from conftest import REPO, exit_in_process, import_tool, run_tool
from mmengine.config import Config

from mum.datasets.demo_data import generate_demo_dataset

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'compare_methods.py')
TINY_RUN = ['train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
            'default_hooks.logger.interval=1', 'custom_hooks.2.num_images=0',  # no gallery
            # no burn-in: the one iteration makes pseudo-labels (the oracle's from ground truth)
            'model.semi_train_cfg.burn_in_iters=0']


@pytest.mark.slow
def test_trains_every_method_per_seed_and_writes_table_plot_and_results(demo_workspace):
    out_dir = osp.join(demo_workspace, 'work_dirs', 'compare')
    results_dir = osp.join(demo_workspace, 'results', 'compare')
    result = run_tool([TOOL, '--out-dir', out_dir, '--seeds', '0', '1', '--configs',
                       osp.join(REPO, 'configs/mum/demo_mum.py'), '--max-iters', '1',
                       '--val-interval', '1', '--cfg-options', *TINY_RUN,
                       '--results-dir', results_dir],
                      cwd=demo_workspace, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for run in ('demo_mum', 'oracle'):
        for seed in (0, 1):
            assert osp.isfile(osp.join(out_dir, run, f'seed{seed}', 'iter_1.pth'))
            with open(osp.join(out_dir, run, f'seed{seed}', 'environment.json')) as records:
                [record] = json.load(records)
            assert 'git_commit' in record and record['command'][1].endswith('train.py')
            # mmengine's own files under the names --results-dir expects
            copied = osp.join(results_dir, run, f'seed{seed}')
            assert not osp.isfile(osp.join(copied, 'demo_mum.py'))  # vis_data's config again
            assert len(glob.glob(osp.join(copied, '*', 'vis_data', 'scalars.json'))) == 1
            assert len(glob.glob(osp.join(copied, '*', 'vis_data', 'config.py'))) == 1
    assert not [name for _, _, names in os.walk(results_dir) for name in names
                if not name.endswith(('.json', '.py', '.md', '.finished'))]
    with open(osp.join(out_dir, 'results.json')) as results_file:
        results = json.load(results_file)
    assert set(results) == {'demo_mum', 'oracle'}
    assert set(results['oracle']) == {'0', '1'}
    # the oracle's pseudo-labels are the ground truth: the option reached the model
    for seed in ('0', '1'):
        assert results['oracle'][seed]['pseudo precision'] == 1.0
        assert results['oracle'][seed]['pseudo recall'] == 1.0
        assert results['oracle'][seed]['iterations'] == 1
    table = open(osp.join(out_dir, 'comparison.md')).read()
    assert '| oracle | 2 | 1 |' in table
    assert '| 100.0 ± 0.0 | 100.0 ± 0.0 |' in table
    assert '| demo_mum | 1 |' in table  # per-seed rows
    assert osp.getsize(osp.join(out_dir, 'comparison.png')) > 1000


def _write_log(work_dir, ap50_values, precision=None):
    run_dir = work_dir / '20260101_000000' / 'vis_data'
    run_dir.mkdir(parents=True)
    lines = []
    for step, value in zip((150, 300), ap50_values):
        train_line = dict(loss=1.0, lr=0.02, iter=step, step=step)
        if precision is not None:
            train_line.update(unsup_pseudo_precision=precision, unsup_pseudo_recall=precision / 2,
                              unsup_pseudo_boxes_per_img=2.0)
        lines.append(train_line)
        lines.append({'teacher/coco/bbox_mAP': value / 2, 'teacher/coco/bbox_mAP_50': value,
                      'student/coco/bbox_mAP': value / 3, 'student/coco/bbox_mAP_50': value,
                      'step': 0})  # mmengine's by-epoch metric logging writes step 0
    (run_dir / 'scalars.json').write_text('\n'.join(json.dumps(line) for line in lines) + '\n')


def test_table_gives_mean_and_sample_std_over_seeds(tmp_path):
    _write_log(tmp_path / 'demo_supervised' / 'seed0', [0.4, 0.6])
    _write_log(tmp_path / 'demo_supervised' / 'seed1', [0.4, 0.8])
    _write_log(tmp_path / 'demo_mum' / 'seed0', [0.5, 0.7], precision=0.8)
    _write_log(tmp_path / 'demo_mum' / 'seed1', [0.5, 0.9], precision=0.6)
    # in this process: only the logs are read (no training)
    run_in_process('analysis_tools/compare_methods.py', '--out-dir', tmp_path, '--skip-training',
                   '--no-oracle', '--seeds', 0, 1, '--configs',
                   'configs/supervised/demo_supervised.py', 'configs/mum/demo_mum.py')
    table = (tmp_path / 'comparison.md').read_text()
    # AP50 0.6 and 0.8: mean 70.0, sample std 14.1; no pseudo-labels for supervised
    assert ('| demo_supervised | 2 | 300 | 70.0 ± 14.1 | 35.0 ± 7.1 | 70.0 ± 14.1 | n/a | n/a | '
            'n/a |') in table
    assert ('| demo_mum | 2 | 300 | 80.0 ± 14.1 | 40.0 ± 7.1 | 80.0 ± 14.1 | 70.0 ± 14.1 | '
            '35.0 ± 7.1 | 2.00 ± 0.00 |') in table
    assert '| demo_mum | 1 | 90.0 | 45.0 | 90.0 | 60.0 | 30.0 | 2.00 |' in table
    # MUM against supervised: +10.0 on both seeds, under the larger std (14.1)
    assert ('| demo_mum - demo_supervised | teacher AP50 | 2 | +10.00 | 14.14 | no | 2 of 2 | '
            'n/a |' in table)
    assert (tmp_path / 'comparison.png').stat().st_size > 1000


def test_missing_run_is_one_sentence(tmp_path):
    message = exit_in_process(TOOL, '--out-dir', tmp_path, '--skip-training', '--configs',
                              'configs/mum/demo_mum.py')
    assert 'demo_mum/seed0 does not exist' in message


def _write_start(run_dir, records):
    (run_dir / 'vis_data').mkdir(parents=True)
    (run_dir / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(json.dumps(record) for record in records) + '\n')


def test_a_resumed_run_reads_as_one_curve_with_the_retrained_part_replaced(tmp_path):
    from mum.analysis.logs import read_run_scalars

    # first start: logged 100, 200 (evaluated there) and 300, then stopped; resumed from 200
    _write_start(tmp_path / '20260101_000000', [
        dict(loss=3.0, iter=100, step=100), dict(loss=2.0, iter=200, step=200),
        {'teacher/coco/bbox_mAP_50': 0.2, 'step': 0}, dict(loss=1.9, iter=300, step=300)])
    _write_start(tmp_path / '20260101_010000', [
        dict(loss=1.5, iter=300, step=300), dict(loss=1.0, iter=400, step=400),
        {'teacher/coco/bbox_mAP_50': 0.4, 'step': 0}])
    curves = read_run_scalars(str(tmp_path))
    assert curves['loss'] == ([100, 200, 300, 400], [3.0, 2.0, 1.5, 1.0])
    assert curves['teacher/coco/bbox_mAP_50'] == ([200, 400], [0.2, 0.4])


def test_runs_that_finished_are_kept_and_not_trained_again(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no configs/ or data/demo/ here: a training run would fail
    for name, ap50 in (('demo_supervised', 0.5), ('demo_mum', 0.7)):
        _write_log(tmp_path / name / 'seed0', [ap50 - 0.1, ap50])
        (tmp_path / name / 'seed0' / 'compare_methods.finished').write_text('done\n')
    run_in_process('analysis_tools/compare_methods.py', '--out-dir', tmp_path, '--no-oracle',
                   '--seeds', 0, '--configs', 'configs/supervised/demo_supervised.py',
                   'configs/mum/demo_mum.py')
    assert 'demo_mum (seed 0) finished earlier' in capsys.readouterr().out
    assert '| demo_mum | 0 | 70.0 |' in (tmp_path / 'comparison.md').read_text()


def test_the_std_bands_of_the_curves_stay_within_0_and_100(tmp_path, monkeypatch):
    import matplotlib.axes
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    bands = []
    fill_between = matplotlib.axes.Axes.fill_between

    def record_band(axis, x, lower, upper, **kwargs):
        bands.append((list(lower), list(upper)))
        return fill_between(axis, x, lower, upper, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, 'fill_between', record_band)
    # two seeds: precision 80 and 100 % (mean 90, sample std 14.1: 104.1 unclipped), recall 0
    # and 4 % (mean 2, std 2.8: -0.8 unclipped)
    results = {'demo_mum': {seed: dict(curves={
        'teacher/coco/bbox_mAP_50': ([100, 200], [0.5, 0.5]),
        'unsup_pseudo_precision': ([100, 200], [precision, precision]),
        'unsup_pseudo_recall': ([100, 200], [recall, recall]),
    }) for seed, (precision, recall) in enumerate(((0.8, 0.0), (1.0, 0.04)))}}
    compare_methods.plot(results, str(tmp_path / 'comparison.png'))
    assert len(bands) == 3
    assert all(0 <= value <= 100 for lower, upper in bands for value in lower + upper)
    precision_band, recall_band = bands[1], bands[2]
    assert precision_band[1] == [100, 100] and recall_band[0] == [0, 0]


def test_continue_from_starts_each_run_at_the_earlier_comparisons_last_checkpoint(
        tmp_path, monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    old = tmp_path / 'compare_600' / 'demo_mum' / 'seed0'
    _write_log(old, [0.4, 0.6])
    (old / 'iter_600.pth').write_bytes(b'checkpoint of iteration 600')
    (old / 'iter_400.pth').write_bytes(b'an older one')
    (old / 'last_checkpoint').write_text('/another/machine/compare_600/demo_mum/seed0/iter_600.pth')
    (old / 'compare_methods.finished').write_text('done\n')
    commands = []

    def fake_training(command):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(compare_methods.subprocess, 'run', fake_training)
    new_out = tmp_path / 'compare_1200'
    compare_methods.main(['--out-dir', str(new_out), '--continue-from',
                          str(tmp_path / 'compare_600'), '--seeds', '0', '--no-oracle',
                          '--configs', 'configs/mum/demo_mum.py', '--max-iters', '1200'])
    new = new_out / 'demo_mum' / 'seed0'
    assert (new / 'iter_600.pth').read_bytes() == b'checkpoint of iteration 600'
    assert (new / 'last_checkpoint').read_text() == str(new / 'iter_600.pth')
    assert not (new / 'iter_400.pth').exists()
    assert (new / '20260101_000000' / 'vis_data' / 'scalars.json').is_file()  # curves from 0
    [command] = commands
    assert '--resume' in command and 'train_cfg.max_iters=1200' in command
    assert str(new) in command
    assert (new / 'compare_methods.finished').is_file()  # written after its (fake) training


def test_continue_from_a_run_without_a_checkpoint_is_one_sentence(tmp_path):
    (tmp_path / 'old' / 'demo_mum' / 'seed0').mkdir(parents=True)
    message = exit_in_process(TOOL, '--out-dir', tmp_path / 'new', '--continue-from',
                              tmp_path / 'old', '--no-oracle', '--configs',
                              'configs/mum/demo_mum.py')
    assert 'old/demo_mum/seed0/last_checkpoint does not exist' in message


def _comparison_with_checkpoint(tmp_path):
    """A finished demo_mum seed-0 run with a log and an iteration-300 checkpoint."""
    work_dir = tmp_path / 'compare' / 'demo_mum' / 'seed0'
    _write_log(work_dir, [0.4, 0.6])
    (work_dir / 'iter_300.pth').write_bytes(b'checkpoint')
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_300.pth'))
    (work_dir / 'compare_methods.finished').write_text('done\n')
    return work_dir


def _tiny_demo_data(path):
    """Demo data with two validation images of 64 px, as --test-data reads it."""
    generate_demo_dataset(str(path), num_labeled=1, num_unlabeled=1, num_val=2, image_size=64)
    return path


def _fake_test(commands):
    """A tools/test.py stand-in: each call writes a new start folder with its metrics (teacher
    AP50 0.5 + 0.05 x the number of calls so far)."""

    def fake_test(command):
        commands.append(command)
        timestamp = f'2026010{len(commands)}_000000'
        start = osp.join(command[command.index('--work-dir') + 1], timestamp)
        os.makedirs(start)
        with open(osp.join(start, f'{timestamp}.json'), 'w') as metrics:
            json.dump({'coco/bbox_mAP_50': 0.5 + 0.05 * len(commands),
                       'coco/bbox_mAP': 0.25}, metrics)
        return subprocess.CompletedProcess(command, 0)

    return fake_test


def _scored_comparison(tmp_path, monkeypatch):
    """compare_methods with tools/test.py faked, the run of :func:`_comparison_with_checkpoint`,
    the list of test commands it gets and the arguments that score that run with --test-data
    (the last argument is the data dir)."""
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    work_dir = _comparison_with_checkpoint(tmp_path)
    data_dir = _tiny_demo_data(tmp_path / 'demo_val480')
    commands = []
    monkeypatch.setattr(compare_methods.subprocess, 'run', _fake_test(commands))
    arguments = ['--out-dir', str(tmp_path / 'compare'), '--seeds', '0', '--no-oracle',
                 '--configs', 'configs/mum/demo_mum.py', '--skip-training',
                 '--test-data', str(data_dir)]
    return compare_methods, work_dir, commands, arguments


def test_test_data_evaluates_the_last_checkpoint_once_and_joins_the_table(tmp_path,
                                                                          monkeypatch):
    compare_methods, work_dir, commands, arguments = _scored_comparison(tmp_path, monkeypatch)
    compare_methods.main(arguments)

    [command] = commands
    assert command[1].endswith(osp.join('tools', 'test.py'))
    assert command[3] == str(work_dir / 'iter_300.pth')
    data_dir = arguments[-1]
    assert f'test_dataloader.dataset.data_root={data_dir}/' in command
    assert 'test_dataloader.dataset.ann_file=annotations/val.json' in command
    assert f'test_evaluator.ann_file={data_dir}/annotations/val.json' in command
    table = (tmp_path / 'compare' / 'comparison.md').read_text()
    assert 'test-data teacher AP50 | test-data teacher AP |' in table
    assert '| 55.0 | 25.0 |' in table
    assert f'validation split of {data_dir}.' in table

    compare_methods.main(arguments)  # same data and checkpoint: kept
    assert len(commands) == 1
    (work_dir / 'iter_400.pth').write_bytes(b'a later checkpoint')
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_400.pth'))
    compare_methods.main(arguments)
    assert len(commands) == 2 and commands[1][3] == str(work_dir / 'iter_400.pth')
    assert '| 60.0 | 25.0 |' in (tmp_path / 'compare' / 'comparison.md').read_text()


def test_a_scored_run_whose_checkpoints_are_gone_keeps_its_score(tmp_path, monkeypatch):
    compare_methods, work_dir, commands, arguments = _scored_comparison(tmp_path, monkeypatch)
    compare_methods.main(arguments)
    assert len(commands) == 1
    (work_dir / 'iter_300.pth').unlink()  # deleted to save disk: the pointer names a lost file
    compare_methods.main(arguments)
    (work_dir / 'last_checkpoint').unlink()  # records copied back from a --results-dir
    compare_methods.main(arguments)
    assert len(commands) == 1
    assert '| 55.0 | 25.0 |' in (tmp_path / 'compare' / 'comparison.md').read_text()

    other_data = _tiny_demo_data(tmp_path / 'other_val')
    with pytest.raises(SystemExit, match='--test-data: demo_mum \\(seed 0\\) has no checkpoint'):
        compare_methods.main(arguments[:-1] + [str(other_data)])
    assert len(commands) == 1


@pytest.mark.parametrize('manifest', [None, dict(generator_version=1, files=[])],
                         ids=['no manifest', 'another generator version'])
def test_test_data_that_is_not_demo_data_is_refused_before_training(tmp_path, manifest):
    data_dir = tmp_path / 'old_demo'
    (data_dir / 'annotations').mkdir(parents=True)
    (data_dir / 'annotations' / 'val.json').write_text('{}')
    if manifest is not None:
        (data_dir / 'manifest.json').write_text(json.dumps(manifest))
    # no run has trained here: the data is checked first
    message = exit_in_process(TOOL, '--out-dir', tmp_path / 'compare', '--seeds', '0',
                              '--no-oracle', '--configs', 'configs/mum/demo_mum.py',
                              '--test-data', data_dir)
    assert 'old_demo is not a complete demo dataset of this generator version' in message
    assert not (tmp_path / 'compare' / 'demo_mum').exists()


def _strings_in(node):
    """Every string value in a config node, however deep."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings_in(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _strings_in(value)


@pytest.mark.parametrize('config', [
    'configs/supervised/demo_supervised.py', 'configs/unbiased_teacher/demo_unbiased_teacher.py',
    'configs/mum/demo_mum.py'])
def test_train_data_options_leave_no_dataset_of_a_demo_config_on_data_demo(config):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    cfg = Config.fromfile(osp.join(REPO, config))
    used_by_the_runner = ('train_dataloader', 'val_dataloader', 'test_dataloader',
                          'val_evaluator', 'test_evaluator')
    assert any('data/demo/' in text for key in used_by_the_runner for text in _strings_in(cfg[key]))

    cfg.merge_from_dict(dict(option.split('=', 1)
                             for option in compare_methods.train_data_options('/data/cover')))
    assert not [text for key in used_by_the_runner for text in _strings_in(cfg[key])
                if 'data/demo/' in text]
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    assert labeled.data_root == unlabeled.data_root == cfg.val_dataloader.dataset.data_root
    assert labeled.data_root == '/data/cover/'


def test_train_data_goes_to_every_run_before_the_users_options(tmp_path, monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    data_dir = tmp_path / 'demo_cover'
    generate_demo_dataset(str(data_dir), num_labeled=1, num_unlabeled=1, num_val=1,
                          image_size=64, cover_labeled=True)
    commands = []

    def fake_training(command):
        commands.append(command)
        # the work dir exists: its environment.json was written before training
        os.makedirs(command[command.index('--work-dir') + 1], exist_ok=True)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(compare_methods.subprocess, 'run', fake_training)
    monkeypatch.setattr(compare_methods, 'summarise', lambda *args, **kwargs: '')
    compare_methods.main(['--out-dir', str(tmp_path / 'compare'), '--seeds', '0', '--no-oracle',
                          '--train-data', str(data_dir), '--cfg-options',
                          'val_dataloader.dataset.data_root=mine/'])
    assert len(commands) == 3
    for command in commands:
        options = command[command.index('--cfg-options') + 1:]
        assert f'train_dataloader.dataset.datasets.0.data_root={data_dir}/' in options
        assert f'val_evaluator.ann_file={data_dir}/annotations/val.json' in options
        assert (options.index(f'val_dataloader.dataset.data_root={data_dir}/')
                < options.index('val_dataloader.dataset.data_root=mine/'))


def test_train_data_that_is_not_demo_data_is_refused_before_training(tmp_path):
    message = exit_in_process(TOOL, '--out-dir', tmp_path / 'compare', '--seeds', '0',
                              '--no-oracle', '--train-data', tmp_path / 'nothing')
    assert '--train-data:' in message
    assert 'nothing is not a complete demo dataset of this generator version' in message
    assert not (tmp_path / 'compare' / 'demo_supervised').exists()


SEED_FOLDS = ['train_dataloader.dataset.datasets.0.ann_file='
              'annotations/bccd_train.seed{seed}@10.json',
              'train_dataloader.dataset.datasets.1.ann_file='
              'annotations/bccd_train.seed{seed}@10-unlabeled.json']


def test_seed_cfg_options_reach_every_run_of_their_seed_after_train_data_and_before_the_users(
        tmp_path, monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    data_dir = tmp_path / 'demo_cover'
    generate_demo_dataset(str(data_dir), num_labeled=1, num_unlabeled=1, num_val=1,
                          image_size=64, cover_labeled=True)
    commands = []

    def fake_training(command):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(compare_methods.subprocess, 'run', fake_training)
    monkeypatch.setattr(compare_methods, 'summarise', lambda *args, **kwargs: '')
    users_option = 'train_dataloader.dataset.datasets.1.ann_file=mine.json'
    compare_methods.main(['--out-dir', str(tmp_path / 'compare'), '--seeds', '0', '3',
                          '--configs', 'configs/mum/demo_mum.py', '--train-data', str(data_dir),
                          '--seed-cfg-options', *SEED_FOLDS, '--cfg-options', users_option])
    work_dirs = [command[command.index('--work-dir') + 1] for command in commands]
    # the oracle as every run
    assert [osp.relpath(work_dir, tmp_path / 'compare') for work_dir in work_dirs] == [
        'demo_mum/seed0', 'oracle/seed0', 'demo_mum/seed3', 'oracle/seed3']
    for work_dir, command in zip(work_dirs, commands):
        seed = int(work_dir[-1])
        options = command[command.index('--cfg-options') + 1:]
        labeled = ('train_dataloader.dataset.datasets.0.ann_file='
                   f'annotations/bccd_train.seed{seed}@10.json')
        unlabeled = ('train_dataloader.dataset.datasets.1.ann_file='
                     f'annotations/bccd_train.seed{seed}@10-unlabeled.json')
        assert labeled in options and unlabeled in options, (work_dir, options)
        assert not [option for option in options if '{seed}' in option]
        assert (options.index(f'train_dataloader.dataset.datasets.1.data_root={data_dir}/')
                < options.index(unlabeled) < options.index(users_option))


def test_seed_cfg_options_without_the_seed_in_the_value_are_refused_before_training(tmp_path):
    message = exit_in_process(TOOL, '--out-dir', tmp_path / 'compare', '--no-oracle', '--configs',
                              'configs/mum/demo_mum.py', '--seed-cfg-options',
                              'train_dataloader.dataset.datasets.0.ann_file=fold0.json')
    assert message.startswith("--seed-cfg-options: 'train_dataloader.dataset.datasets.0.ann_file="
                              "fold0.json' is not key=value with {seed} in the value")
    assert not (tmp_path / 'compare').exists()


def _write_coco(path, num_images=2):
    path.write_text(json.dumps(dict(
        images=[dict(id=index, file_name=f'JPEGImages/{index}.jpg', width=64, height=64)
                for index in range(num_images)],
        annotations=[], categories=[dict(id=1, name='RBC')])))


def test_test_ann_file_evaluates_the_last_checkpoint_once_and_joins_the_table(tmp_path,
                                                                              monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    work_dir = _comparison_with_checkpoint(tmp_path)
    _write_coco(tmp_path / 'bccd_test.json')
    ann_file = str(tmp_path / 'bccd_test.json')
    commands = []
    monkeypatch.setattr(compare_methods.subprocess, 'run', _fake_test(commands))
    monkeypatch.chdir(tmp_path)  # the file is given relative to here
    arguments = ['--out-dir', str(tmp_path / 'compare'), '--seeds', '0', '--no-oracle',
                 '--configs', 'configs/mum/demo_mum.py', '--skip-training',
                 '--seed-cfg-options', *SEED_FOLDS, '--test-ann-file', 'bccd_test.json']
    compare_methods.main(arguments)

    [command] = commands
    assert command[1].endswith(osp.join('tools', 'test.py'))
    assert command[3] == str(work_dir / 'iter_300.pth')
    options = command[command.index('--cfg-options') + 1:]
    assert options[-2:] == [f'test_dataloader.dataset.ann_file={ann_file}',
                            f'test_evaluator.ann_file={ann_file}']
    # the images come from the config's data_root and data_prefix
    assert not [option for option in options if 'data_root' in option or 'data_prefix' in option]
    # the run's fold, as it trained
    assert ('train_dataloader.dataset.datasets.0.ann_file=annotations/bccd_train.seed0@10.json'
            in options)
    table = (tmp_path / 'compare' / 'comparison.md').read_text()
    assert 'test-data teacher AP50 | test-data teacher AP |' in table
    assert '| 55.0 | 25.0 |' in table
    assert f'on {ann_file}.' in table
    results = json.loads((tmp_path / 'compare' / 'results.json').read_text())
    assert results['demo_mum']['0']['test ann file'] == ann_file

    compare_methods.main(arguments)  # same file and checkpoint: kept
    assert len(commands) == 1
    (work_dir / 'iter_400.pth').write_bytes(b'a later checkpoint')
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_400.pth'))
    compare_methods.main(arguments)
    assert len(commands) == 2 and commands[1][3] == str(work_dir / 'iter_400.pth')
    assert '| 60.0 | 25.0 |' in (tmp_path / 'compare' / 'comparison.md').read_text()
    _write_coco(tmp_path / 'bccd_test_v2.json')
    compare_methods.main([*arguments[:-1], 'bccd_test_v2.json'])  # another file
    assert len(commands) == 3 and commands[2][-1].endswith('bccd_test_v2.json')


@pytest.mark.parametrize('content, problem', [
    (None, 'does not exist'),
    ('images: []', 'is not a JSON file'),
    ('{"images": [], "annotations": []}', 'is not a COCO annotation file with images'),
    ('[{"id": 1}]', 'is not a COCO annotation file with images'),
], ids=['missing', 'not JSON', 'no images', 'a list'])
def test_a_test_ann_file_that_is_not_coco_with_images_is_refused_before_training(
        tmp_path, content, problem):
    ann_file = tmp_path / 'bccd_test.json'
    if content is not None:
        ann_file.write_text(content)
    message = exit_in_process(TOOL, '--out-dir', tmp_path / 'compare', '--seeds', '0',
                              '--no-oracle', '--configs', 'configs/mum/demo_mum.py',
                              '--test-ann-file', ann_file)
    assert message.startswith(f'--test-ann-file: {ann_file} {problem}')
    assert not (tmp_path / 'compare' / 'demo_mum').exists()


def test_test_data_and_test_ann_file_exclude_each_other(tmp_path, capsys):
    assert exit_in_process(TOOL, '--out-dir', tmp_path, '--test-data', tmp_path,
                           '--test-ann-file', tmp_path / 'test.json') == 2
    assert 'not allowed with argument' in capsys.readouterr().err


def _fake_tools(commands, failing_trainings=()):
    """Stand-ins for tools/train.py and tools/test.py as compare_methods calls them.

    A training writes what mmengine writes: a start folder with its scalar log, config and text
    log, an image, a checkpoint and the config dump; the trainings numbered in
    ``failing_trainings`` (from 1) stop (exit status 1) after their start folder. A test writes
    metrics as :func:`_fake_test`.
    """
    fake_test = _fake_test([])

    def fake_tool(command):
        if command[1].endswith('test.py'):
            return fake_test(command)
        commands.append(command)
        work_dir = command[command.index('--work-dir') + 1]
        timestamp = f'2026020{len(commands)}_000000'
        vis_data = osp.join(work_dir, timestamp, 'vis_data')
        os.makedirs(osp.join(vis_data, 'vis_image'))
        with open(osp.join(vis_data, 'scalars.json'), 'w') as scalars:
            scalars.write(json.dumps(dict(loss=1.0, iter=1, step=1)) + '\n'
                          + json.dumps({'teacher/coco/bbox_mAP_50': 0.5, 'step': 1}) + '\n')
        for path in (osp.join(vis_data, 'config.py'), osp.join(work_dir, 'demo_mum.py')):
            with open(path, 'w') as config:
                config.write(f'# leg {len(commands)}\n')
        for path in (osp.join(work_dir, timestamp, f'{timestamp}.log'),
                     osp.join(vis_data, 'vis_image', 'gallery_1.png')):
            with open(path, 'w') as other:
                other.write('not for the results\n')
        if len(commands) in failing_trainings:
            return subprocess.CompletedProcess(command, 1)
        with open(osp.join(work_dir, 'iter_1.pth'), 'wb') as checkpoint:
            checkpoint.write(b'checkpoint')
        with open(osp.join(work_dir, 'last_checkpoint'), 'w') as pointer:
            pointer.write(osp.join(work_dir, 'iter_1.pth'))
        return subprocess.CompletedProcess(command, 0)

    return fake_tool


def test_every_training_call_appends_its_environment_to_the_run(tmp_path, monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=REPO, capture_output=True, text=True)
    expected_commit = head.stdout.strip() if head.returncode == 0 else None
    commands = []
    monkeypatch.setattr(compare_methods.subprocess, 'run', _fake_tools(commands, {1}))
    arguments = ['--out-dir', str(tmp_path / 'compare'), '--seeds', '0', '--no-oracle',
                 '--configs', 'configs/mum/demo_mum.py']
    with pytest.raises(SystemExit, match='Training demo_mum'):
        compare_methods.main(arguments)  # the first leg stops
    compare_methods.main(arguments)  # resumed: the second leg
    compare_methods.main(arguments)  # finished: kept, not trained
    assert len(commands) == 2
    path = tmp_path / 'compare' / 'demo_mum' / 'seed0' / 'environment.json'
    records = json.loads(path.read_text())
    assert [record['command'] for record in records] == commands
    assert [record['git_commit'] for record in records] == [expected_commit] * 2


def test_results_dir_receives_the_tables_configs_logs_metrics_and_records_only(tmp_path,
                                                                               monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    _write_coco(tmp_path / 'bccd_test.json')
    commands = []
    # the first leg of seed 1 stops
    monkeypatch.setattr(compare_methods.subprocess, 'run', _fake_tools(commands, {2}))
    results = tmp_path / 'results'
    arguments = ['--out-dir', str(tmp_path / 'compare'), '--seeds', '0', '1', '--no-oracle',
                 '--configs', 'configs/mum/demo_mum.py', '--test-ann-file',
                 str(tmp_path / 'bccd_test.json')]
    with pytest.raises(SystemExit, match='Training demo_mum'):
        compare_methods.main([*arguments, '--results-dir', str(results)])
    # copied after each run: seed 0's is there
    assert (results / 'demo_mum' / 'seed0' / 'compare_methods.finished').is_file()
    compare_methods.main([*arguments, '--results-dir', str(results)])

    def files_in(folder):
        return sorted(str(path.relative_to(folder)) for path in folder.rglob('*')
                      if path.is_file())

    per_run = ['environment.json', 'test_data.json', 'compare_methods.finished']
    expected = ['comparison.md', 'results.json',
                *[f'demo_mum/seed{seed}/{name}' for seed in (0, 1) for name in per_run],
                # each leg's log and config, by its start folder
                *[f'demo_mum/seed{seed}/2026020{leg}_000000/vis_data/{name}'
                  for seed, leg in ((0, 1), (1, 2), (1, 3)) for name in ('scalars.json',
                                                                         'config.py')]]
    assert files_in(results) == sorted(expected)
    seed1 = results / 'demo_mum' / 'seed1'
    assert (seed1 / '20260203_000000' / 'vis_data' / 'config.py').read_text() == '# leg 3\n'
    assert len(json.loads((seed1 / 'environment.json').read_text())) == 2
    assert (results / 'comparison.md').read_text() == (
        tmp_path / 'compare' / 'comparison.md').read_text()
    # --skip-training copies too, at the end
    compare_methods.main([*arguments, '--skip-training', '--results-dir',
                          str(tmp_path / 'results_again')])
    assert files_in(tmp_path / 'results_again') == sorted(expected)
    # the copy alone gives the tables again
    reread = tmp_path / 'reread'
    shutil.copytree(results, reread)
    compare_methods.main(['--out-dir', str(reread), '--seeds', '0', '1', '--no-oracle',
                          '--configs', 'configs/mum/demo_mum.py', '--skip-training'])
    assert (reread / 'comparison.md').read_text() == (results / 'comparison.md').read_text()


def test_the_results_dir_holds_this_comparison_s_tables_when_another_shares_the_out_dir(
        tmp_path, monkeypatch):
    """Two comparisons of other seeds may share an --out-dir, each with its own --results-dir:
    the tables in each results dir are its own, whatever the other wrote into the out-dir."""
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    _write_coco(tmp_path / 'bccd_test.json')
    monkeypatch.setattr(compare_methods.subprocess, 'run', _fake_tools([], set()))
    shared = ['--out-dir', str(tmp_path / 'compare'), '--no-oracle', '--configs',
              'configs/mum/demo_mum.py', '--test-ann-file', str(tmp_path / 'bccd_test.json')]
    for seed in ('0', '1'):
        compare_methods.main([*shared, '--seeds', seed, '--results-dir', str(tmp_path / seed)])
    for seed in ('0', '1'):
        assert list(json.loads((tmp_path / seed / 'results.json').read_text())['demo_mum']) == [
            seed]
        assert f'| demo_mum | {seed} |' in (tmp_path / seed / 'comparison.md').read_text()
    # the second comparison's tables replaced the first's in the shared out-dir
    assert list(json.loads((tmp_path / 'compare' / 'results.json').read_text())['demo_mum']) == [
        '1']
    # copying the first's records again leaves its tables alone
    runs = compare_methods.comparison_runs(['configs/mum/demo_mum.py'], oracle=False)
    compare_methods.copy_records(runs, [0], str(tmp_path / 'compare'), str(tmp_path / '0'))
    assert list(json.loads((tmp_path / '0' / 'results.json').read_text())['demo_mum']) == ['0']


def test_only_finished_runs_are_copied_into_the_results_dir(tmp_path):
    """A run still training in another comparison that shares the out-dir is left out."""
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    runs = compare_methods.comparison_runs(['configs/mum/demo_mum.py'], oracle=False)
    work_dir = tmp_path / 'compare' / 'demo_mum' / 'seed0'
    (work_dir / '20260201_000000' / 'vis_data').mkdir(parents=True)
    (work_dir / '20260201_000000' / 'vis_data' / 'scalars.json').write_text('{}\n')
    (work_dir / 'demo_mum.py').write_text('# dump\n')
    results = tmp_path / 'results'
    compare_methods.copy_records(runs, [0], str(tmp_path / 'compare'), str(results))
    assert not results.exists()
    (work_dir / 'compare_methods.finished').write_text('tools/train.py ...\n')
    compare_methods.copy_records(runs, [0], str(tmp_path / 'compare'), str(results))
    assert (results / 'demo_mum' / 'seed0' / '20260201_000000' / 'vis_data' /
            'scalars.json').is_file()
