"""Teacher vs student AP and the loss terms against iteration, for one or more runs (Fig. 6).

Reads every ``<work_dir>/<timestamp>/vis_data/scalars.json`` of each WORK_DIR (mmengine's
LocalVisBackend writes one per start, so a run resumed with ``--resume`` has several; they are
read as one curve, as compare_methods.py reads them) and draws one PNG: a bbox_mAP panel and a
bbox_mAP_50 panel (teacher solid, student dashed, one colour per run) and one panel per loss
term. Legend labels are the work dir names (``--labels`` to override)::

    python tools/analysis_tools/plot_curves.py work_dirs/demo_mum work_dirs/demo_unbiased_teacher \
        --out curves.png

mmdet's analyze_logs.py misreads these logs: it keeps only the last part of a key, so
``teacher/coco/bbox_mAP`` and ``student/coco/bbox_mAP`` merge into one ``bbox_mAP`` curve,
and it plots mAP against epochs.
"""
import argparse
import math
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Tuple

import matplotlib

from mum.analysis.logs import LogError, merge_start_scalars, run_scalars_files

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

AP_METRICS = ('bbox_mAP', 'bbox_mAP_50')
MEMBER_STYLES = (('teacher', '-'), ('student', '--'))

Curves = Dict[str, Tuple[List[int], List[float]]]


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Plot teacher vs student AP (bbox_mAP, bbox_mAP_50) and loss terms against '
        'iteration from the scalars.json files of each work dir (all starts of a resumed run).')
    parser.add_argument('work_dirs', metavar='WORK_DIR', nargs='+',
                        help='training work dirs (or run folders, or scalars.json files)')
    parser.add_argument('--out', required=True, help='PNG file to write, e.g. curves.png')
    parser.add_argument('--keys', nargs='+',
                        help='scalar keys for the lower panels (default: every key containing '
                        '"loss", e.g. loss sup_loss_cls unsup_loss_cls)')
    parser.add_argument('--labels', nargs='+', help='legend labels, one per WORK_DIR '
                        '(default: the work dir names)')
    parser.add_argument('--smooth', type=int, default=1,
                        help='moving-average window (in logged points) for the loss curves')
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.work_dirs):
        parser.error(f'--labels needs one label per WORK_DIR ({len(args.work_dirs)}), got '
                     f'{len(args.labels)}')
    if args.smooth < 1:
        parser.error('--smooth must be at least 1')
    return args


def run_labels(work_dirs: List[str]) -> List[str]:
    """Work dir names as legend labels, with the parent folder added where names repeat."""
    names = [osp.basename(osp.normpath(d)) for d in work_dirs]
    return [osp.join(osp.basename(osp.dirname(osp.normpath(d))), n) if names.count(n) > 1 else n
            for d, n in zip(work_dirs, names)]


def ap_key(curves: Curves, member: str, metric: str):
    """The key of ``member``'s ``metric`` (e.g. 'teacher/coco/bbox_mAP'), or None."""
    pattern = re.compile(rf'^{member}/(?:.+/)?{re.escape(metric)}$')
    matches = sorted(k for k in curves if pattern.match(k))
    return matches[0] if matches else None


def default_loss_keys(all_curves: List[Curves]) -> List[str]:
    """Every key containing 'loss' in any run; the total 'loss' first, then sorted."""
    keys = sorted({k for curves in all_curves for k in curves if 'loss' in k})
    return sorted(keys, key=lambda k: (k != 'loss', k))


def moving_average(values: List[float], window: int) -> List[float]:
    """Trailing moving average (the first points average what exists so far)."""
    if window <= 1:
        return list(values)
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot(all_curves: List[Curves], labels: List[str], loss_keys: List[str], out: str,
         smooth: int = 1) -> None:
    """Draws the AP and loss panels into ``out``.

    Args:
        all_curves (list[dict]): Per run, ``{key: (steps, values)}`` from
            :func:`mum.analysis.logs.merge_start_scalars`.
        labels (list[str]): Legend label of each run.
        loss_keys (list[str]): Keys of the lower panels.
        out (str): PNG path.
        smooth (int): Moving-average window of the loss curves. Defaults to 1.
    """
    panels = [*AP_METRICS, *loss_keys]
    num_cols = 2 if len(panels) <= 4 else 3
    num_rows = math.ceil(len(panels) / num_cols)
    figure, axes = plt.subplots(num_rows, num_cols, figsize=(5.5 * num_cols, 3.6 * num_rows),
                                squeeze=False)
    colors = plt.rcParams['axes.prop_cycle'].by_key()['color']
    for index, panel in enumerate(panels):
        axis = axes[index // num_cols][index % num_cols]
        drawn = False
        for run, (curves, label) in enumerate(zip(all_curves, labels)):
            color = colors[run % len(colors)]
            if panel in AP_METRICS:
                for member, style in MEMBER_STYLES:
                    key = ap_key(curves, member, panel)
                    if key is not None:
                        steps, values = curves[key]
                        axis.plot(steps, values, style, color=color, marker='o', markersize=3,
                                  label=f'{label} {member}')
                        drawn = True
            elif panel in curves:
                steps, values = curves[panel]
                axis.plot(steps, moving_average(values, smooth), color=color, linewidth=1,
                          label=label)
                drawn = True
        axis.set_title(panel if panel not in AP_METRICS else f'{panel} (teacher -, student --)')
        axis.set_xlabel('iteration')
        axis.grid(alpha=0.3)
        if drawn:
            axis.legend(fontsize=7)
        else:
            axis.text(0.5, 0.5, 'not logged', ha='center', va='center',
                      transform=axis.transAxes, color='gray')
    for index in range(len(panels), num_rows * num_cols):
        axes[index // num_cols][index % num_cols].axis('off')
    figure.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)


def main(argv=None) -> None:
    """Runs the tool; a missing or malformed log prints one sentence and exits with status 2."""
    args = parse_args(argv)
    try:
        run_files = [run_scalars_files(work_dir) for work_dir in args.work_dirs]
        all_curves = [merge_start_scalars(files) for files in run_files]
    except LogError as error:
        print(f'plot_curves: {error}', file=sys.stderr)
        sys.exit(2)
    loss_keys = args.keys or default_loss_keys(all_curves)
    absent = [k for k in loss_keys if not any(k in curves for curves in all_curves)]
    if absent:
        available = sorted({k for curves in all_curves for k in curves})
        print(f'plot_curves: key(s) {absent} are in none of {args.work_dirs} '
              f'(available: {available}).', file=sys.stderr)
        sys.exit(2)
    labels = args.labels or run_labels(args.work_dirs)
    for label, files, curves in zip(labels, run_files, all_curves):
        teacher_ap = ap_key(curves, 'teacher', AP_METRICS[0])
        evaluations = len(curves[teacher_ap][0]) if teacher_ap else 0
        print(f'{label}: {" + ".join(files)} ({len(curves)} keys, {evaluations} evaluations)')
    plot(all_curves, labels, loss_keys, args.out, args.smooth)
    print(f'Wrote {args.out}')


if __name__ == '__main__':
    main()
