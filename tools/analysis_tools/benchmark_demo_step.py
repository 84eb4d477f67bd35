"""Cost of one training step of the demo configs: burn-in, Unbiased Teacher and MUM, in one run.

    python tools/analysis_tools/benchmark_demo_step.py [--detector faster-rcnn|dino] \
        [--rounds 8] [--checkpoint CKPT] [--device cpu|cuda] [--out results.json] \
        [--cfg-options k=v ...]

Builds the Unbiased Teacher and MUM demo models of the detector (Faster R-CNN, the default, or
DINO; the same weights: ImageNet backbone, or CKPT's, e.g. a trained demo run's), takes real
batches of the demo data, and times full training steps (preprocessing, losses, backward, AdamW
step, EMA update; data loading excluded) interleaved round by round: a burn-in step (supervised
only), a UT step and a MUM step on the same batch. Every step starts from the same weights and
random state (restored before it), so the UT and MUM steps of a round get the same pseudo-labels
and differ only by the mixing and unmixing (the same permutation in every MUM step); equal
losses on the labeled views and equal pseudo-boxes confirm it. The thresholds in force are the
start state's and do not adapt: CKPT's (a teacher-student run's adapted thresholds, as in its
training), else ``model.semi_train_cfg.cls_pseudo_thr``. Prints median seconds, the pseudo-boxes
per unlabeled image, the ratios MUM / UT (target <= 1.05) and UT / burn-in, and where a
post-burn-in step spends its time (supervised forward, teacher prediction, student forward on
the unlabeled batch, backward and the optimiser step, EMA, the rest).
--out also records the environment (git commit, packages, CPU; mum/utils/environment.py).
"""
import argparse
import copy
import json
import logging
import os.path as osp
import statistics
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Dict, Iterator, List, Tuple

import torch
from mmdet.registry import MODELS
from mmengine.config import Config, DictAction
from mmengine.logging import MessageHub, MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mum  # noqa: F401  (registers the project's components)
from mum.engine.hooks import EMATeacherHook
from mum.utils.environment import collect_environment

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# per detector: the Unbiased Teacher demo config and its MUM twin
DEMO_CONFIGS = {
    'faster-rcnn': ('configs/unbiased_teacher/demo_unbiased_teacher.py',
                    'configs/mum/demo_mum.py'),
    'dino': ('configs/unbiased_teacher/demo_dino_unbiased_teacher.py',
             'configs/mum/demo_dino_mum.py'),
}
# MUMTeacher methods timed in a post-burn-in step, and their names in the breakdown
PHASES = {
    'loss_by_gt_instances': 'supervised forward (labeled views)',
    'get_pseudo_instances': 'teacher prediction (weak unlabeled view)',
    'loss_by_pseudo_instances': 'student forward (strong unlabeled view, mix/unmix)',
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--detector', choices=list(DEMO_CONFIGS), default='faster-rcnn',
                        help='which demo detector to time (default: faster-rcnn)')
    parser.add_argument('--rounds', type=int, default=8,
                        help='timed rounds (each: burn-in, UT and MUM step on one batch)')
    parser.add_argument('--checkpoint', help='weights for both models (else ImageNet backbone)')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', help='also write the numbers to this JSON file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides applied to both configs')
    return parser.parse_args()


def build(config: str, args: argparse.Namespace):
    """The config's model (on the device) and an optimizer wrapper for it."""
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.merge_from_dict(args.cfg_options)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if args.checkpoint:
        state = torch.load(args.checkpoint, map_location='cpu', weights_only=True)
        model.load_state_dict(state.get('state_dict', state), strict=False)
    model.to(args.device).train()
    return model, build_optim_wrapper(model, cfg.optim_wrapper), cfg


def synchronise(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


@contextmanager
def phase_timers(model, device: str, totals: Dict[str, float]) -> Iterator[None]:
    """Adds the seconds spent in each PHASES method of ``model`` to ``totals`` meanwhile."""
    originals = {name: getattr(model, name) for name in PHASES}

    def timed(name, method):
        def wrapper(*args, **kwargs):
            synchronise(device)
            start = time.perf_counter()
            result = method(*args, **kwargs)
            synchronise(device)
            totals[name] += time.perf_counter() - start
            return result
        return wrapper

    for name, method in originals.items():
        setattr(model, name, timed(name, method))
    try:
        yield
    finally:
        for name in PHASES:
            delattr(model, name)  # the instance attribute goes: the class method is back


def train_step(model, optim_wrapper, batch: dict, iteration: int, start_weights: dict,
               seed: int, device: str, totals: Dict[str, float]) -> Tuple[float, dict]:
    """One training step at ``iteration`` (what the runner and the EMA hook do), taken from
    ``start_weights`` and random seed ``seed``: its seconds and its logged values."""
    MessageHub.get_current_instance().update_info('iter', iteration)
    batch = copy.deepcopy(batch)
    model.load_state_dict(start_weights)
    torch.manual_seed(seed)  # the same DINO denoising noise in every step of a round
    synchronise(device)
    start = time.perf_counter()
    with phase_timers(model, device, totals):
        log_vars = model.train_step(batch, optim_wrapper)
        synchronise(device)
        ema_start = time.perf_counter()
        EMATeacherHook().ema_update(model, keep=0.99)
        synchronise(device)
        totals['EMA update'] += time.perf_counter() - ema_start
    return time.perf_counter() - start, log_vars


def labeled_loss(log_vars: dict) -> float:
    """The step's loss on the labeled views: the sum of its ``sup_`` loss terms."""
    return sum(value.item() for key, value in log_vars.items()
               if key.startswith('sup_') and 'loss' in key)


def main() -> None:
    args = parse_args()
    init_default_scope('mmdet')
    MMLogger.get_current_instance().setLevel(logging.WARNING)  # no per-parameter init report
    torch.manual_seed(0)
    ut_config, mum_config = DEMO_CONFIGS[args.detector]
    ut_model, ut_optim, cfg = build(ut_config, args)
    mum_model, mum_optim, _ = build(mum_config, args)
    # the MUM model's state adds the mixing's random state (its data preprocessor's buffers)
    keys = mum_model.load_state_dict(ut_model.state_dict(), strict=False)
    if keys.unexpected_keys or not all(k.startswith('data_preprocessor.')
                                       for k in keys.missing_keys):
        raise SystemExit(f'{mum_config} and {ut_config} hold different models: '
                         f'{keys.unexpected_keys + keys.missing_keys}.')
    start_weights = {'UT': copy.deepcopy(ut_model.state_dict()),
                     'MUM': copy.deepcopy(mum_model.state_dict())}
    burn_in = cfg.model.semi_train_cfg.burn_in_iters
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    loader = iter(Runner.build_dataloader(cfg.train_dataloader, seed=0))
    batches = [next(loader) for _ in range(args.rounds + 1)]  # the first one warms up

    seconds: Dict[str, List[float]] = defaultdict(list)
    labeled_losses: Dict[str, List[float]] = defaultdict(list)
    pseudo_boxes: Dict[str, List[float]] = defaultdict(list)  # per unlabeled image, per step
    phases: Dict[str, Dict[str, float]] = {'UT': defaultdict(float), 'MUM': defaultdict(float)}
    for round_index, batch in enumerate(batches):
        scratch: Dict[str, float] = defaultdict(float)
        steps = {
            'burn-in': train_step(ut_model, ut_optim, batch, 0, start_weights['UT'], round_index,
                                  args.device, scratch),
            'UT': train_step(ut_model, ut_optim, batch, burn_in, start_weights['UT'], round_index,
                             args.device, phases['UT'] if round_index else scratch),
            'MUM': train_step(mum_model, mum_optim, batch, burn_in, start_weights['MUM'],
                              round_index, args.device, phases['MUM'] if round_index else scratch),
        }
        if round_index:
            for name, (step_seconds, log_vars) in steps.items():
                seconds[name].append(step_seconds)
                labeled_losses[name].append(labeled_loss(log_vars))
                if 'unsup_pseudo_boxes_per_img' in log_vars:
                    pseudo_boxes[name].append(log_vars['unsup_pseudo_boxes_per_img'].item())
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    # the student's weights and random state (labeled losses), the teacher and its thresholds
    same_start = (all(len(set(losses)) == 1 for losses in zip(*labeled_losses.values()))
                  and pseudo_boxes['UT'] == pseudo_boxes['MUM'])
    report = dict(detector=args.detector, device=args.device, threads=torch.get_num_threads(),
                  rounds=args.rounds,
                  median_step_seconds=medians,
                  mum_over_ut=medians['MUM'] / medians['UT'],
                  ut_over_burn_in=medians['UT'] / medians['burn-in'],
                  labeled_loss_per_round=labeled_losses,
                  pseudo_boxes_per_image=pseudo_boxes,
                  same_start=same_start,
                  breakdown={})
    print(f'{args.detector}, device {args.device}, {torch.get_num_threads()} threads, '
          f'{args.rounds} rounds, batch {cfg.train_dataloader.batch_size} (labeled + unlabeled)')
    for name, value in medians.items():
        print(f'  {name:8s} step: median {value:.3f} s')
    print(f'MUM step / UT step = {report["mum_over_ut"]:.3f}  (target <= 1.05)')
    print(f'UT step / burn-in step = {report["ut_over_burn_in"]:.2f}')
    print('the steps of each round had equal losses on the labeled views and the UT and MUM '
          'steps equal pseudo-boxes (the same start): '
          + ('yes' if same_start else 'NO, the UT and MUM steps are not comparable'))
    for method, values in pseudo_boxes.items():
        print(f'{method} steps: median {statistics.median(values):.2f} pseudo-boxes per unlabeled '
              'image')
    for method in ('UT', 'MUM'):
        total = sum(seconds[method])
        named = {PHASES.get(k, k): v for k, v in phases[method].items() if v > 0}
        named['backward, optimiser step and the rest'] = total - sum(named.values())
        report['breakdown'][method] = {k: v / total for k, v in named.items()}
        print(f'where a {method} step goes:')
        for name, value in named.items():
            print(f'  {100 * value / total:5.1f} %  {name}')
    if args.out:
        report['environment'] = collect_environment(REPO, [sys.executable, *sys.argv])
        with open(args.out, 'w', encoding='utf-8') as out_file:
            json.dump(report, out_file, indent=1)


if __name__ == '__main__':
    main()
