"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [options]``.

For teacher-student checkpoints the teacher is evaluated by default (the paper reports the
teacher); ``--predict-on student`` evaluates the student.
"""
import argparse
import os.path as osp

from mmengine.config import Config

from mum.engine.runner import UNSAFE_FLAG, MUMRunner, allow_unsafe_load, prepare_cpu_distributed
from mum.utils import (add_runner_arguments, errors_in_one_sentence, format_config_once,
                       load_config, parse_runner_args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Evaluate a detector checkpoint.')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument('--out', help='dump predictions to a pickle file (.pkl)')
    parser.add_argument('--show-dir', help='save images with drawn predictions into this '
                        'folder (under the work dir\'s timestamp folder)')
    parser.add_argument('--predict-on', choices=['teacher', 'student'], default='teacher',
                        help='which model of a teacher-student checkpoint to evaluate')
    add_runner_arguments(parser, 'test_dataloader.batch_size=2')
    parser.add_argument(UNSAFE_FLAG, action='store_true',
                        help='unpickle the checkpoint in full, running any code it holds; only '
                        'for a file you trust that torch.load(weights_only=True) refuses')
    return parse_runner_args(parser)


def build_config(args: argparse.Namespace) -> Config:
    """Loads the config and applies the command-line switches."""
    for path, what in ((args.config, 'Config'), (args.checkpoint, 'Checkpoint')):
        if not osp.isfile(path):
            raise SystemExit(f'{what} file {path!r} does not exist.')
    if args.out is not None and not args.out.endswith(('.pkl', '.pickle')):
        raise SystemExit(f'--out must name a .pkl file, got {args.out!r}.')
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint
    if 'semi_test_cfg' in cfg.model:
        cfg.model.semi_test_cfg.predict_on = args.predict_on
    if args.show_dir is not None:
        visualization = cfg.default_hooks.visualization
        visualization.draw = True
        visualization.test_out_dir = args.show_dir
    if args.out is not None:
        cfg.test_evaluator = [*_as_list(cfg.test_evaluator),
                              dict(type='DumpDetResults', out_file_path=args.out)]
    prepare_cpu_distributed(cfg, args.launcher)
    return cfg


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def main() -> None:
    format_config_once()
    args = parse_args()
    allow_unsafe_load(args.unsafe_load)
    cfg = build_config(args)
    with errors_in_one_sentence(args.debug):
        runner = MUMRunner.from_cfg(cfg)
        runner.refuse_shape_mismatch = True  # random heads would be evaluated silently otherwise
        runner.test()


if __name__ == '__main__':
    main()
