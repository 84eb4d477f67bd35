"""The demo configs evaluate at the end of burn-in and at the last iteration only (the main
job's time budget), and compare_methods.py --val-interval gives a regular interval instead."""
import argparse
import os.path as osp
from subprocess import CompletedProcess
from types import SimpleNamespace

from conftest import import_tool
from mmengine.config import Config, DictAction
from mmengine.hooks import Hook
from toy_runner import toy_runner

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIGS = ['supervised/demo_supervised.py', 'unbiased_teacher/demo_unbiased_teacher.py',
                'mum/demo_mum.py']


class ValidationIterations(Hook):
    """Records the iteration of each validation."""

    def __init__(self):
        self.iterations = []

    def after_val_epoch(self, runner, metrics=None):
        self.iterations.append(runner.iter)


def _validation_iterations(tmp_path, train_cfg: dict) -> list:
    recorder = ValidationIterations()
    runner = toy_runner(tmp_path, max_iters=train_cfg['max_iters'], validate=True,
                        train_cfg=train_cfg, num_samples=train_cfg['max_iters'],
                        default_hooks=dict(checkpoint=None), custom_hooks=[recorder])
    runner.train()
    return recorder.iterations


def test_the_demo_evaluates_at_the_end_of_burn_in_and_at_the_end(tmp_path):
    for name in DEMO_CONFIGS:
        cfg = Config.fromfile(osp.join(REPO, 'configs', name))
        burn_in, max_iters = cfg.model.semi_train_cfg.burn_in_iters, cfg.train_cfg.max_iters
        assert (burn_in, max_iters) == (100, 300), name
    loop = {key: cfg.train_cfg[key] for key in ('max_iters', 'val_interval', 'dynamic_intervals')}
    assert _validation_iterations(tmp_path, loop) == [100, 300]


def test_compare_methods_val_interval_replaces_the_demo_schedule(tmp_path, monkeypatch):
    compare_methods = import_tool('analysis_tools/compare_methods.py')
    commands = []

    def record(command):
        commands.append(command)
        return CompletedProcess(command, 0)

    monkeypatch.setattr(compare_methods, 'subprocess', SimpleNamespace(run=record))
    args = compare_methods.parse_args(['--val-interval', '100', '--configs', DEMO_CONFIGS[-1]])
    run = compare_methods.comparison_runs(args.configs, oracle=False)[0]
    (tmp_path / 'run').mkdir()
    compare_methods.train(run, 0, str(tmp_path / 'run'), args)
    (command, ) = commands
    # the options as tools/train.py reads them
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    options = parser.parse_args(command[command.index('--cfg-options'):]).cfg_options
    cfg = Config.fromfile(osp.join(REPO, 'configs', DEMO_CONFIGS[-1]))
    cfg.merge_from_dict(options)
    loop = {key: cfg.train_cfg[key] for key in ('max_iters', 'val_interval', 'dynamic_intervals')}
    assert _validation_iterations(tmp_path, loop) == [100, 200, 300]
