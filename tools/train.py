"""Train a detector from a config: ``python tools/train.py CONFIG [options]``.

Logs and checkpoints go to ``work_dirs/<config name>/`` unless ``--work-dir`` is given.
Multi-GPU: ``tools/dist_train.sh CONFIG GPUS``; SLURM: ``tools/slurm_train.sh``.
"""
import argparse
import signal
import sys

from mmengine.config import Config
from mmengine.device import get_device
from mmengine.registry import RUNNERS

from mum.engine.hooks.safe_checkpoint_hook import last_complete_checkpoint
from mum.engine.hooks.stop_signal_hook import TrainingInterrupted
from mum.engine.runner import UNSAFE_FLAG, MUMRunner, allow_unsafe_load, prepare_cpu_distributed
from mum.utils import (add_runner_arguments, errors_in_one_sentence, format_config_once,
                       load_config, parse_runner_args)

# the devices on which mmengine's AmpOptimWrapper (--amp) runs
AMP_DEVICES = ('cuda', 'npu', 'mlu', 'musa')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a detector (MUM / Unbiased Teacher).')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and checkpoints')
    parser.add_argument('--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate with the total batch size')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest one in the work dir when '
        'no path is given')
    add_runner_arguments(parser, 'model.semi_train_cfg.unsup_weight=2.0')
    parser.add_argument(UNSAFE_FLAG, action='store_true',
                        help='unpickle checkpoints (load_from, --resume, pretrained weights) in '
                        'full, running any code they hold; only for files you trust that '
                        'torch.load(weights_only=True) refuses')
    return parse_runner_args(parser)


def build_config(args: argparse.Namespace) -> Config:
    """Loads the config and applies the command-line switches."""
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    cfg.launcher = args.launcher
    if args.amp:
        if get_device() not in AMP_DEVICES:
            raise SystemExit(f'--amp needs a CUDA, NPU, MLU or MUSA device (mmengine\'s '
                             f'AmpOptimWrapper), and this machine has only {get_device()}.')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise SystemExit(f'--auto-scale-lr needs auto_scale_lr.base_batch_size in '
                             f'{args.config}.')
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    prepare_cpu_distributed(cfg, args.launcher)
    return cfg


def main() -> None:
    format_config_once()
    args = parse_args()
    allow_unsafe_load(args.unsafe_load)
    cfg = build_config(args)
    try:
        with errors_in_one_sentence(args.debug, passed_on=(TrainingInterrupted, )):
            runner = MUMRunner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
            runner.train()
    except TrainingInterrupted as stop:
        print(stop, file=sys.stderr)
        sys.exit(128 + stop.signum)
    except KeyboardInterrupt:
        last = last_complete_checkpoint(cfg.work_dir)
        print(f'Interrupted (Ctrl-C); the last complete checkpoint is '
              f'{last or "none (none was written)"}.', file=sys.stderr)
        sys.exit(128 + signal.SIGINT)


if __name__ == '__main__':
    main()
