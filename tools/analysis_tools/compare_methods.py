"""Train supervised-only, Unbiased Teacher, MUM and the oracle over seeds, then compare them.

    python tools/analysis_tools/compare_methods.py --out-dir work_dirs/compare --seeds 0 1 2 \
        [--configs configs/supervised/demo_supervised.py ... configs/mum/demo_mum.py] \
        [--no-oracle] [--max-iters 300] [--val-interval 100] [--continue-from OLD_OUT_DIR] \
        [--train-data DATA_DIR] [--test-data DATA_DIR] [--cfg-options k=v ...]

Every config is trained by tools/train.py once per seed (one run after the other, seed by seed,
logs in OUT_DIR/<run>/seed<k>/) with the same --max-iters, --val-interval and extra
--cfg-options. The oracle run is the last config with
``model.semi_train_cfg.pseudo_label_source=ground_truth``: its unlabeled branch learns from the
unlabeled images' ground truth (the ceiling for the teacher). After every run the tool rewrites:

- OUT_DIR/comparison.md: per run, mean +- std over the seeds (sample std) of the teacher's AP50
  and AP and the student's AP50 at the last evaluation, and of the pseudo-labels' precision,
  recall and boxes per image (each run's mean over its logged training intervals); then each
  run against the one listed before it (the configs' order, so the expected ranking: weakest
  first, and the oracle last): over the seeds both have, the difference of the teacher AP50
  means (also on --test-data), the larger std and whether the difference is above it, the
  seeds where the later run is ahead and a paired t-test; then one row per run and seed;
- OUT_DIR/comparison.png: teacher AP50 against iteration (mean over seeds, +- std band) and the
  pseudo-label precision and recall against iteration;
- OUT_DIR/results.json: the per-seed numbers.

These hold the runs and seeds of this call only: to summarise runs trained by separate calls
into one OUT_DIR, call it once more with all of them and --skip-training.

Run again with the same OUT_DIR, it keeps every run that finished (the one that wrote
OUT_DIR/<run>/seed<k>/compare_methods.finished; delete that folder to train it again) and
resumes a stopped one from its last checkpoint, so a comparison longer than one sitting can be
spread over several. --skip-training only re-reads the work dirs already in OUT_DIR.

--test-data DATA_DIR also evaluates each run's teacher at its last checkpoint on the validation
split of the demo data in DATA_DIR (annotations/val.json, images/val/), a larger split than the
one the runs log: ``tools/misc/make_demo_data.py --out DATA_DIR --num-val 480`` makes it, and
its first 120 images are the usual validation split. Its teacher AP50 and AP join the
tables as ``test-data teacher AP50`` and ``test-data teacher AP``; each run keeps the result in
OUT_DIR/<run>/seed<k>/test_data.json, evaluated again only when DATA_DIR or the checkpoint
changes. On the demo's 120 validation images the choice of images alone moves one model's AP50
by several points (docs/demo.md), as much as the seeds do.

--train-data DATA_DIR trains and validates the demo configs on the demo dataset in DATA_DIR
(e.g. one made by ``tools/misc/make_demo_data.py --out DATA_DIR --no-cover-labeled``, the
random labeled split, or ``--num-labeled 48``) instead of their data/demo/: it points both
training datasets, the validation and test datasets and both evaluators there, before the
--cfg-options.

--continue-from OLD_OUT_DIR gives a longer schedule of an earlier comparison without training
its first part again: each run that has no checkpoint in OUT_DIR yet gets a copy of the last
checkpoint and the logs of the same run and seed in OLD_OUT_DIR, and resumes from there (the
curves start at iteration 0). With the same seed, data order and options, this is the longer
run itself as far as the learning rate goes, when the schedule is constant past the old end
(the demo's is, after 50 warm-up iterations); the data loader's random augmentations restart
from their seed, so it is not bit-identical to training the longer schedule in one go.
"""
import argparse
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import matplotlib
import numpy as np

from mum.analysis.logs import START_FOLDER, LogError, read_run_scalars
from mum.analysis.mean_std import mean_std
from mum.analysis.paired_gaps import consecutive_gaps
from mum.datasets.demo_data import MANIFEST_NAME, read_complete_manifest
from mum.engine.hooks.safe_checkpoint_hook import last_complete_checkpoint

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

DEMO_CONFIGS = ('configs/supervised/demo_supervised.py',
                'configs/unbiased_teacher/demo_unbiased_teacher.py', 'configs/mum/demo_mum.py')
# written into a run's work dir when its training ended normally
FINISHED_MARK = 'compare_methods.finished'
ORACLE_NAME = 'oracle'
ORACLE_OPTION = 'model.semi_train_cfg.pseudo_label_source=ground_truth'
# name in the table -> key in the scalar log; evaluation metrics are read at the last evaluation,
# pseudo-label statistics are averaged over every logged training interval
FINAL_METRICS = {
    'teacher AP50': 'teacher/coco/bbox_mAP_50',
    'teacher AP': 'teacher/coco/bbox_mAP',
    'student AP50': 'student/coco/bbox_mAP_50',
}
PSEUDO_LABEL_METRICS = {
    'pseudo precision': 'unsup_pseudo_precision',
    'pseudo recall': 'unsup_pseudo_recall',
    'pseudo-boxes / img': 'unsup_pseudo_boxes_per_img',
}
# name in the table -> key in tools/test.py's metrics of the teacher on --test-data
TEST_DATA_METRICS = {
    'test-data teacher AP50': 'coco/bbox_mAP_50',
    'test-data teacher AP': 'coco/bbox_mAP',
}
TEST_DATA_RESULT = 'test_data.json'
# the metrics on which each run is set against the one before it
GAP_METRICS = ('teacher AP50', 'test-data teacher AP50')
PERCENT_METRICS = ('teacher AP50', 'teacher AP', 'student AP50', 'pseudo precision',
                   'pseudo recall', *TEST_DATA_METRICS)


class Run(NamedTuple):
    """One method of the comparison: a config and the options that make it that method."""
    name: str
    config: str
    options: Tuple[str, ...] = ()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=list(DEMO_CONFIGS),
                        help='configs to compare (default: the three demo configs)')
    parser.add_argument('--no-oracle', action='store_true',
                        help='leave out the oracle run (the last config on ground truth)')
    parser.add_argument('--out-dir', default='work_dirs/compare')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='one run of every method per seed')
    parser.add_argument('--max-iters', type=int, help='the same iteration budget for all')
    parser.add_argument('--val-interval', type=int, help='the same evaluation interval for all')
    parser.add_argument('--continue-from', metavar='OLD_OUT_DIR',
                        help='start each run from its last checkpoint in this earlier --out-dir')
    parser.add_argument('--train-data', metavar='DATA_DIR',
                        help='train and validate the demo configs on the demo dataset in this '
                        'folder instead of data/demo/')
    parser.add_argument('--test-data', metavar='DATA_DIR',
                        help='also evaluate each run\'s last checkpoint on the validation split '
                        'of this dataset folder')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra key=value overrides given to every run')
    parser.add_argument('--skip-training', action='store_true',
                        help='only summarise the work dirs already in --out-dir (evaluating '
                        'them on --test-data where given)')
    return parser.parse_args(argv)


def comparison_runs(configs: Sequence[str], oracle: bool) -> List[Run]:
    """The runs of a comparison: each config, then the oracle (the last config on ground truth)."""
    runs = [Run(osp.splitext(osp.basename(config))[0], config) for config in configs]
    if oracle:
        runs.append(Run(ORACLE_NAME, configs[-1], (ORACLE_OPTION, )))
    return runs


def run_dir(out_dir: str, run: Run, seed: int) -> str:
    return osp.join(out_dir, run.name, f'seed{seed}')


def train(run: Run, seed: int, work_dir: str, args: argparse.Namespace) -> None:
    """Runs tools/train.py for one run and seed with the shared budget; raises on failure."""
    if osp.isfile(osp.join(work_dir, FINISHED_MARK)):
        print(f'{run.name} (seed {seed}) finished earlier in {work_dir}: kept.', flush=True)
        return
    if args.continue_from:
        continue_from(run_dir(args.continue_from, run, seed), work_dir)
    options = [f'randomness.seed={seed}', *run.options, *args.cfg_options]
    if args.max_iters is not None:
        options.append(f'train_cfg.max_iters={args.max_iters}')
    if args.val_interval is not None:
        # a regular interval throughout: a config's dynamic_intervals would override it
        options += [f'train_cfg.val_interval={args.val_interval}',
                    'train_cfg.dynamic_intervals=None',
                    f'default_hooks.checkpoint.interval={args.val_interval}']
    # --resume: a run stopped earlier (session end, pre-emption) continues from its last
    # checkpoint; where there is none it starts at iteration 0
    command = [sys.executable, osp.join(REPO, 'tools', 'train.py'), run.config, '--work-dir',
               work_dir, '--resume', '--cfg-options', *options]
    print('$', ' '.join(command), flush=True)
    if subprocess.run(command).returncode != 0:
        raise SystemExit(f'Training {run.name} (seed {seed}) failed; its log is in {work_dir}.')
    with open(osp.join(work_dir, FINISHED_MARK), 'w') as mark:
        mark.write(' '.join(command) + '\n')


def checkpoint_in(work_dir: str) -> Optional[str]:
    """The last complete checkpoint of ``work_dir`` as a path in ``work_dir`` (its pointer may
    name it on another machine), or None when the pointer is missing or empty."""
    named = last_complete_checkpoint(work_dir)
    return None if named is None else osp.join(work_dir, osp.basename(named))


def continue_from(old_work_dir: str, work_dir: str) -> None:
    """Copies the last checkpoint and the start folders of ``old_work_dir`` into ``work_dir``.

    tools/train.py --resume then goes on from that checkpoint. Nothing is copied when
    ``work_dir`` has a checkpoint of its own (a continued run that was stopped resumes as any).
    """
    if last_complete_checkpoint(work_dir):
        return
    pointer = osp.join(old_work_dir, 'last_checkpoint')
    checkpoint = checkpoint_in(old_work_dir)
    if checkpoint is None:
        raise SystemExit(f'--continue-from: {pointer} does not exist or is empty; expected the '
                         'work dir of the same run and seed in the earlier comparison, with a '
                         'checkpoint.')
    if not osp.isfile(checkpoint):
        raise SystemExit(f'--continue-from: {pointer} names {osp.basename(checkpoint)}, which '
                         f'is not in {old_work_dir}.')
    os.makedirs(work_dir, exist_ok=True)
    for name in os.listdir(old_work_dir):
        if START_FOLDER.match(name):
            shutil.copytree(osp.join(old_work_dir, name), osp.join(work_dir, name))
    copied = shutil.copy2(checkpoint, work_dir)
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as pointer_file:
        pointer_file.write(osp.abspath(copied))
    print(f'{work_dir} continues from {checkpoint}.', flush=True)


def check_demo_data(option: str, data_dir: str, *make_options: str) -> str:
    """The absolute path of ``data_dir`` once it is a complete demo dataset of this generator.

    Anything else is refused in one sentence naming ``option`` and how to make the dataset
    (tools/misc/make_demo_data.py with ``make_options``): DemoShapesDataset would generate the
    default dataset over a folder without a complete manifest of this version.
    """
    data_dir = osp.abspath(data_dir)
    if read_complete_manifest(data_dir) is None:
        make_command = ' '.join(['tools/misc/make_demo_data.py', '--out', data_dir, *make_options])
        raise SystemExit(f'{option}: {data_dir} is not a complete demo dataset of this '
                         f'generator version (no matching {MANIFEST_NAME}); make one with '
                         f'{make_command}.')
    return data_dir


def train_data_options(data_dir: str) -> List[str]:
    """The --cfg-options that put every dataset and evaluator of a demo config on ``data_dir``."""
    return [f'train_dataloader.dataset.datasets.0.data_root={data_dir}/',
            f'train_dataloader.dataset.datasets.1.data_root={data_dir}/',
            f'val_dataloader.dataset.data_root={data_dir}/',
            f'test_dataloader.dataset.data_root={data_dir}/',
            f'val_evaluator.ann_file={data_dir}/annotations/val.json',
            f'test_evaluator.ann_file={data_dir}/annotations/val.json']


def evaluate_on_test_data(run: Run, seed: int, work_dir: str, data_dir: str,
                          cfg_options: Sequence[str]) -> None:
    """Evaluates the run's teacher at its last checkpoint on ``data_dir``'s validation split.

    Writes ``work_dir``/test_data.json (the data dir, the checkpoint and tools/test.py's
    metrics); nothing is done when that file already names the same data dir and checkpoint.
    ``data_dir`` has passed :func:`check_demo_data`; ``cfg_options`` are the comparison's
    --cfg-options (after --train-data's), given to tools/test.py as to training.
    """
    checkpoint = checkpoint_in(work_dir)
    if checkpoint is None:
        raise SystemExit(f'--test-data: {run.name} (seed {seed}) has no checkpoint in {work_dir} '
                         'to evaluate.')
    result_path = osp.join(work_dir, TEST_DATA_RESULT)
    wanted = dict(test_data=data_dir, checkpoint=osp.basename(checkpoint))
    if osp.isfile(result_path):
        with open(result_path, encoding='utf-8') as result_file:
            if {k: v for k, v in json.load(result_file).items() if k in wanted} == wanted:
                return
    test_dir = osp.join(work_dir, 'test_data')
    command = [sys.executable, osp.join(REPO, 'tools', 'test.py'), run.config, checkpoint,
               '--work-dir', test_dir, '--cfg-options', *run.options, *cfg_options,
               f'test_dataloader.dataset.data_root={data_dir}/',
               'test_dataloader.dataset.ann_file=annotations/val.json',
               'test_dataloader.dataset.data_prefix.img=images/val/',
               f'test_evaluator.ann_file={data_dir}/annotations/val.json']
    print('$', ' '.join(command), flush=True)
    if subprocess.run(command).returncode != 0:
        raise SystemExit(f'Evaluating {run.name} (seed {seed}) on {data_dir} failed; its log is '
                         f'in {test_dir}.')
    starts = sorted(name for name in os.listdir(test_dir) if START_FOLDER.match(name))
    metrics_path = osp.join(test_dir, starts[-1], f'{starts[-1]}.json') if starts else None
    if metrics_path is None or not osp.isfile(metrics_path):
        raise SystemExit(f'Evaluating {run.name} (seed {seed}) on {data_dir} wrote no metrics '
                         f'file in {test_dir}.')
    with open(metrics_path, encoding='utf-8') as metrics:
        wanted['metrics'] = json.load(metrics)
    with open(result_path, 'w', encoding='utf-8') as result_file:
        json.dump(wanted, result_file, indent=1, sort_keys=True)


def run_result(work_dir: str) -> dict:
    """One finished run's numbers and curves.

    Returns:
        dict: ``iterations`` (of the last evaluation), each FINAL_METRICS name (last value, or
        None), each PSEUDO_LABEL_METRICS name (mean over the logged intervals, or None when the
        run made no pseudo-labels), each TEST_DATA_METRICS name when the run was evaluated on
        --test-data, and ``curves``: ``{log key: (iters, values)}`` of the teacher
        AP50 and the pseudo-label precision and recall.
    """
    scalars = read_run_scalars(work_dir)
    ap50_key = FINAL_METRICS['teacher AP50']
    if ap50_key not in scalars:
        raise LogError(f'{work_dir} has no {ap50_key}: did a validation run?')
    result = dict(iterations=scalars[ap50_key][0][-1])
    for name, key in FINAL_METRICS.items():
        result[name] = scalars[key][1][-1] if key in scalars else None
    for name, key in PSEUDO_LABEL_METRICS.items():
        result[name] = float(np.mean(scalars[key][1])) if key in scalars else None
    test_data_path = osp.join(work_dir, TEST_DATA_RESULT)
    if osp.isfile(test_data_path):
        with open(test_data_path, encoding='utf-8') as test_data_file:
            test_data = json.load(test_data_file)
        metrics = test_data['metrics']
        result.update({name: metrics[key] for name, key in TEST_DATA_METRICS.items()})
        result['test data'] = test_data['test_data']
    curve_keys = (ap50_key, PSEUDO_LABEL_METRICS['pseudo precision'],
                  PSEUDO_LABEL_METRICS['pseudo recall'])
    result['curves'] = {key: scalars[key] for key in curve_keys if key in scalars}
    return result


def markdown_tables(results: Dict[str, Dict[int, dict]]) -> str:
    """The summary table (mean ± std over seeds) and the per-seed table."""
    names = [*FINAL_METRICS, *PSEUDO_LABEL_METRICS]
    names += [name for name in TEST_DATA_METRICS
              if any(name in r for by_seed in results.values() for r in by_seed.values())]
    lines = ['| run | seeds | iterations | ' + ' | '.join(names) + ' |',
             '|---|---|---|' + '---|' * len(names)]
    for run_name, by_seed in results.items():
        iterations = sorted({r['iterations'] for r in by_seed.values()})
        cells = [mean_std([r.get(name) for r in by_seed.values()], name in PERCENT_METRICS)
                 for name in names]
        lines.append(f'| {run_name} | {len(by_seed)} | {"/".join(map(str, iterations))} | '
                     + ' | '.join(cells) + ' |')
    test_data = sorted({r['test data'] for by_seed in results.values() for r in by_seed.values()
                        if 'test data' in r})
    if test_data:
        lines += ['', 'test-data: the teacher at its last checkpoint on the validation split of '
                  + ', '.join(test_data) + '.']
    lines += gap_table(results)
    lines += ['', '| run | seed | ' + ' | '.join(names) + ' |', '|---|---|' + '---|' * len(names)]
    for run_name, by_seed in results.items():
        for seed, result in sorted(by_seed.items()):
            cells = [mean_std([result.get(name)], name in PERCENT_METRICS) for name in names]
            lines.append(f'| {run_name} | {seed} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def gap_table(results: Dict[str, Dict[int, dict]]) -> List[str]:
    """Each run against the one before it on GAP_METRICS (no lines when no pair has 2 seeds)."""
    rows = []
    for metric in GAP_METRICS:
        for gap in consecutive_gaps(results, metric):
            p_value = 'n/a' if gap.p_value is None else f'{gap.p_value:.2g}'
            rows.append(f'| {gap.higher} - {gap.lower} | {metric} | {gap.seeds} | '
                        f'{100 * gap.difference:+.2f} | {100 * gap.larger_std:.2f} | '
                        f'{"yes" if gap.above_larger_std else "no"} | '
                        f'{gap.seeds_ahead} of {gap.seeds} | {p_value} |')
    if not rows:
        return []
    return ['', 'Each run against the one listed before it, over the seeds both have: the '
            'difference of the means, the larger of the two stds (two decimals, so that the '
            'comparison shows), whether the difference is above it, the seeds where the later '
            'run is ahead, and a paired t-test (two-sided).',
            '', '| runs | metric | seeds | difference | larger std | above it | seeds ahead | '
            'paired t-test p |', '|---|---|---|---|---|---|---|---|', *rows]


def plot(results: Dict[str, Dict[int, dict]], out_path: str) -> None:
    """Teacher AP50, pseudo-label precision and recall against iteration, mean over seeds."""
    panels = (('teacher AP50 (%)', FINAL_METRICS['teacher AP50']),
              ('pseudo-label precision (%)', PSEUDO_LABEL_METRICS['pseudo precision']),
              ('pseudo-label recall (%)', PSEUDO_LABEL_METRICS['pseudo recall']))
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4))
    colours = {run_name: f'C{index}' for index, run_name in enumerate(results)}
    for axis, (label, key) in zip(axes, panels):
        for run_name, by_seed in results.items():
            curves = [r['curves'][key] for r in by_seed.values() if key in r['curves']]
            if not curves:
                continue
            length = min(len(iters) for iters, _ in curves)
            iters = curves[0][0][:length]
            values = 100 * np.array([vals[:length] for _, vals in curves])
            mean = values.mean(axis=0)
            axis.plot(iters, mean, marker='o', markersize=3, color=colours[run_name],
                      label=f'{run_name} ({len(curves)} seeds)')
            if len(curves) > 1:
                std = values.std(axis=0, ddof=1)
                # every panel is a percentage: the band stops at 0 and 100
                axis.fill_between(iters, np.clip(mean - std, 0, 100), np.clip(mean + std, 0, 100),
                                  color=colours[run_name], alpha=0.2)
        axis.set_xlabel('iteration')
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out_path, dpi=100)
    plt.close(figure)


def summarise(runs: Sequence[Run], seeds: Sequence[int], out_dir: str,
              require_all: bool) -> str:
    """Reads the runs' logs and writes comparison.md, comparison.png and results.json.

    Args:
        runs: The comparison's runs.
        seeds: Their seeds.
        out_dir: The comparison's folder.
        require_all: Raise on a run without a log (else leave it out: it has not run yet).

    Returns:
        str: The markdown tables.
    """
    results: Dict[str, Dict[int, dict]] = {}
    for run in runs:
        for seed in seeds:
            try:
                result = run_result(run_dir(out_dir, run, seed))
            except LogError:
                if require_all:
                    raise
                continue
            results.setdefault(run.name, {})[seed] = result
    table = markdown_tables(results)
    with open(osp.join(out_dir, 'comparison.md'), 'w', encoding='utf-8') as table_file:
        table_file.write(table)
    plot(results, osp.join(out_dir, 'comparison.png'))
    per_seed = {name: {seed: {k: v for k, v in r.items() if k != 'curves'}
                       for seed, r in by_seed.items()}
                for name, by_seed in results.items()}
    with open(osp.join(out_dir, 'results.json'), 'w', encoding='utf-8') as json_file:
        json.dump(per_seed, json_file, indent=1, sort_keys=True)
    return table


def main(argv=None) -> None:
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    runs = comparison_runs(args.configs, oracle=not args.no_oracle)
    if args.train_data:
        train_data = check_demo_data('--train-data', args.train_data)
        args.cfg_options = [*train_data_options(train_data), *args.cfg_options]
    test_data = (check_demo_data('--test-data', args.test_data, '--num-val', '480')
                 if args.test_data else None)
    for seed in args.seeds:
        for run in runs:
            work_dir = run_dir(args.out_dir, run, seed)
            if not args.skip_training:
                train(run, seed, work_dir, args)
            if test_data:
                evaluate_on_test_data(run, seed, work_dir, test_data, args.cfg_options)
            if not args.skip_training:
                summarise(runs, args.seeds, args.out_dir, require_all=False)
    try:
        table = summarise(runs, args.seeds, args.out_dir, require_all=True)
    except LogError as error:
        raise SystemExit(str(error))
    print(table)
    print(f'Wrote comparison.md, comparison.png and results.json in {args.out_dir}')


if __name__ == '__main__':
    main()
