"""Train supervised-only, Unbiased Teacher and MUM with one budget and seed, then compare them.

    python tools/analysis_tools/compare_methods.py --out-dir work_dirs/compare \
        [--configs configs/supervised/demo_supervised.py configs/unbiased_teacher/...py ...] \
        [--max-iters 1200] [--val-interval 200] [--seed 0] [--cfg-options k=v ...]

Each config is trained by tools/train.py (one after the other, logs in OUT_DIR/<config name>/),
with the same --max-iters, --val-interval, seed and extra --cfg-options. Then it writes
OUT_DIR/comparison.md (teacher and student AP / AP50 at the last evaluation and the best teacher
AP50 seen) and OUT_DIR/comparison.png (teacher AP50 and AP against iteration). --skip-training
only re-reads existing work dirs.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Tuple

import matplotlib

from mum.analysis.logs import LogError, latest_scalars_file, read_scalars

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

DEMO_CONFIGS = ('configs/supervised/demo_supervised.py',
                'configs/unbiased_teacher/demo_unbiased_teacher.py', 'configs/mum/demo_mum.py')
METRICS = ('bbox_mAP', 'bbox_mAP_50')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=list(DEMO_CONFIGS),
                        help='configs to compare (default: the three demo configs)')
    parser.add_argument('--out-dir', default='work_dirs/compare')
    parser.add_argument('--max-iters', type=int, help='the same iteration budget for all')
    parser.add_argument('--val-interval', type=int, help='the same evaluation interval for all')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra key=value overrides given to every run')
    parser.add_argument('--skip-training', action='store_true',
                        help='only summarise the work dirs already in --out-dir')
    return parser.parse_args(argv)


def run_name(config: str) -> str:
    return osp.splitext(osp.basename(config))[0]


def train(config: str, work_dir: str, args: argparse.Namespace) -> None:
    """Runs tools/train.py on ``config`` with the shared budget; raises on failure."""
    options = [f'randomness.seed={args.seed}', *args.cfg_options]
    if args.max_iters is not None:
        options.append(f'train_cfg.max_iters={args.max_iters}')
    if args.val_interval is not None:
        options += [f'train_cfg.val_interval={args.val_interval}',
                    f'default_hooks.checkpoint.interval={args.val_interval}']
    command = [sys.executable, osp.join(REPO, 'tools', 'train.py'), config, '--work-dir',
               work_dir, '--cfg-options', *options]
    print('$', ' '.join(command), flush=True)
    if subprocess.run(command).returncode != 0:
        raise SystemExit(f'Training {config} failed; its log is in {work_dir}.')


def evaluation_curves(work_dir: str) -> Dict[str, Tuple[List[int], List[float]]]:
    """Teacher and student AP curves of a run: {'teacher/bbox_mAP_50': (iters, values), ...}."""
    scalars = read_scalars(latest_scalars_file(work_dir))
    curves = {}
    for member in ('teacher', 'student'):
        for metric in METRICS:
            key = f'{member}/coco/{metric}'
            if key in scalars:
                curves[f'{member}/{metric}'] = scalars[key]
    if not curves:
        raise LogError(f'{work_dir} has no teacher/student bbox metrics: did a validation run?')
    return curves


def markdown_table(results: Dict[str, dict]) -> str:
    """One row per run: last teacher/student AP and AP50 (in %), best teacher AP50."""
    lines = ['| run | iterations | teacher AP | teacher AP50 | student AP | student AP50 | '
             'best teacher AP50 |', '|---|---|---|---|---|---|---|']
    for name, curves in results.items():

        def last(key):
            return f'{100 * curves[key][1][-1]:.1f}' if key in curves else 'n/a'

        iters = curves['teacher/bbox_mAP'][0][-1] if 'teacher/bbox_mAP' in curves else 'n/a'
        best = (f"{100 * max(curves['teacher/bbox_mAP_50'][1]):.1f}"
                if 'teacher/bbox_mAP_50' in curves else 'n/a')
        lines.append(f'| {name} | {iters} | {last("teacher/bbox_mAP")} | '
                     f'{last("teacher/bbox_mAP_50")} | {last("student/bbox_mAP")} | '
                     f'{last("student/bbox_mAP_50")} | {best} |')
    return '\n'.join(lines) + '\n'


def plot(results: Dict[str, dict], out_path: str) -> None:
    """Teacher AP50 and AP against iteration, one line per run."""
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, metric in zip(axes, ('bbox_mAP_50', 'bbox_mAP')):
        for name, curves in results.items():
            key = f'teacher/{metric}'
            if key in curves:
                iters, values = curves[key]
                axis.plot(iters, [100 * v for v in values], marker='o', label=name)
        axis.set_xlabel('iteration')
        axis.set_ylabel(f'teacher {metric} (%)')
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(out_path, dpi=100)
    plt.close(figure)


def main(argv=None) -> None:
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    results = {}
    for config in args.configs:
        work_dir = osp.join(args.out_dir, run_name(config))
        if not args.skip_training:
            train(config, work_dir, args)
        try:
            results[run_name(config)] = evaluation_curves(work_dir)
        except LogError as error:
            raise SystemExit(str(error))
    table = markdown_table(results)
    with open(osp.join(args.out_dir, 'comparison.md'), 'w') as f:
        f.write(table)
    plot(results, osp.join(args.out_dir, 'comparison.png'))
    print(table)
    print(f'Wrote {osp.join(args.out_dir, "comparison.md")} and '
          f'{osp.join(args.out_dir, "comparison.png")}')


if __name__ == '__main__':
    main()
