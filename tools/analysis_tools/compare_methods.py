"""Train supervised-only, Unbiased Teacher, MUM and the oracle over seeds, then compare them.

    python tools/analysis_tools/compare_methods.py --out-dir work_dirs/compare --seeds 0 1 2 \
        [--configs configs/supervised/demo_supervised.py ... configs/mum/demo_mum.py] \
        [--no-oracle] [--max-iters 300] [--val-interval 100] [--continue-from OLD_OUT_DIR] \
        [--train-data DATA_DIR] [--test-data DATA_DIR | --test-ann-file FILE] \
        [--seed-cfg-options k=v{seed} ...] [--cfg-options k=v ...] [--results-dir RESULTS_DIR]

BCCD, fold k (the split tool's --seed k) for seed k, scored once more on BCCD test:

    fold='annotations/bccd_train.seed{seed}@10'  # the tool replaces {seed}, not the shell
    python tools/analysis_tools/compare_methods.py --out-dir work_dirs/bccd --seeds 0 1 2 3 4 \
        --configs configs/bccd/bccd_supervised.py configs/bccd/bccd_unbiased_teacher.py \
            configs/bccd/bccd_mum.py \
        --seed-cfg-options "train_dataloader.dataset.datasets.0.ann_file=$fold.json" \
            "train_dataloader.dataset.datasets.1.ann_file=$fold-unlabeled.json" \
        --test-ann-file data/bccd/annotations/bccd_test.json --results-dir results/bccd

Every config is trained by tools/train.py once per seed (one run after the other, seed by seed,
logs in OUT_DIR/<run>/seed<k>/) with the same --max-iters, --val-interval and extra
--cfg-options. The oracle run is the last config with
``model.semi_train_cfg.pseudo_label_source=ground_truth``: its unlabeled branch learns from the
unlabeled images' ground truth (the ceiling for the teacher; on BCCD, bccd_mum.py on the fold's
185 unlabeled images with their boxes, not configs/bccd/bccd_oracle.py). Each training gets these
--cfg-options, in this order (a later one wins): ``randomness.seed=<seed>``, the oracle's option,
--train-data's, --seed-cfg-options with ``{seed}`` replaced, the user's --cfg-options, then
those of --max-iters and --val-interval. After every run the tool rewrites:

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
changes; a run scored earlier whose checkpoints are gone keeps its score. On the demo's 120
validation images the choice of images alone moves one model's AP50 by several points
(docs/demo.md), as much as the seeds do.

--test-ann-file FILE does the same on a held-out COCO annotation file of the runs' own dataset
(e.g. data/bccd/annotations/bccd_test.json): tools/test.py reads FILE (absolute) as the test
dataset's ann_file and the evaluator's, and the images from the config's own data_root and
data_prefix. Its results join the tables under the same names and are kept in the same
test_data.json, evaluated again only when FILE (its path) or the checkpoint changes. A FILE that
is missing or not a COCO file with images is refused before any training; it and --test-data
exclude each other. Both evaluations get the --cfg-options of the run's training (from
--train-data's to the user's), then those that point the test dataset at the test set.

--seed-cfg-options k=v ... are --cfg-options that differ by seed: ``{seed}`` in each value
(which must hold it) is replaced by the seed, e.g. to train seed k on fold k of a dataset
(above). Every run of the seed, the oracle included, trains and is evaluated with them.

Each training call appends an entry to OUT_DIR/<run>/seed<k>/environment.json (a list: a run
stopped and resumed has one per leg): the command, the UTC start time, the repository's git
commit and whether its tree had changes, the python, torch (version, CUDA, build), mmcv, mmdet
and mmengine versions, ``pip freeze``, the CPU model and count and the GPUs' names
(mum/utils/environment.py; no host name).

--results-dir RESULTS_DIR keeps what a reader needs to check the numbers without the work dirs:
after each run and at the end it writes comparison.md and results.json (not the plot) of this
call's runs and seeds into RESULTS_DIR (so two comparisons that share an OUT_DIR, each with its
own RESULTS_DIR, never swap tables) and copies, per finished run and seed (one with the mark
compare_methods.finished; a run still training, perhaps in another comparison sharing OUT_DIR,
is left out), into RESULTS_DIR/<run>/seed<k>/ under the same relative paths each leg's
<timestamp>/vis_data/scalars.json and <timestamp>/vis_data/config.py (the config as that leg
ran it), test_data.json, environment.json and compare_methods.finished: text and JSON only, no
checkpoint or image, and not the work dir's <config name>.py, the last leg's config again.
``--skip-training --out-dir RESULTS_DIR`` (with the same runs and seeds) rebuilds the tables
from it.

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

from mum.analysis.logs import SCALARS_NAME, START_FOLDER, LogError, read_run_scalars
from mum.analysis.mean_std import mean_std
from mum.analysis.paired_gaps import consecutive_gaps
from mum.analysis.stored_runs import ENVIRONMENT_RECORD, FINISHED_MARK, TEST_DATA_RESULT
from mum.datasets.demo_data import MANIFEST_NAME, read_complete_manifest
from mum.engine.hooks.safe_checkpoint_hook import last_complete_checkpoint
from mum.utils.environment import append_environment_record, collect_environment

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

DEMO_CONFIGS = ('configs/supervised/demo_supervised.py',
                'configs/unbiased_teacher/demo_unbiased_teacher.py', 'configs/mum/demo_mum.py')
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
# replaced by the seed in the values of --seed-cfg-options
SEED_FIELD = '{seed}'
# the metrics on which each run is set against the one before it
GAP_METRICS = ('teacher AP50', 'test-data teacher AP50')
PERCENT_METRICS = ('teacher AP50', 'teacher AP', 'student AP50', 'pseudo precision',
                   'pseudo recall', *TEST_DATA_METRICS)


class Run(NamedTuple):
    """One method of the comparison: a config and the options that make it that method."""
    name: str
    config: str
    options: Tuple[str, ...] = ()


class TestSet(NamedTuple):
    """A held-out set on which each run's teacher is evaluated once, at its last checkpoint."""
    option: str  # the command-line option that gave it, for messages
    key: str  # its key in TEST_DATA_RESULT: 'test_data' (a demo data dir) or 'test_ann_file'
    path: str  # the data dir or annotation file, absolute
    cfg_options: Tuple[str, ...]  # what points tools/test.py's test dataset and evaluator at it


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
    test_set = parser.add_mutually_exclusive_group()
    test_set.add_argument('--test-data', metavar='DATA_DIR',
                          help='also evaluate each run\'s last checkpoint on the validation '
                          'split of this dataset folder')
    test_set.add_argument('--test-ann-file', metavar='FILE',
                          help='also evaluate each run\'s last checkpoint on this COCO '
                          'annotation file (images from the config\'s data_root)')
    parser.add_argument('--seed-cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='key=value overrides given to every run of a seed, with {seed} '
                        'in each value replaced by the seed')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra key=value overrides given to every run')
    parser.add_argument('--results-dir', metavar='RESULTS_DIR',
                        help='copy the tables and each finished run\'s config, logs, test '
                        'metrics and environment records (no checkpoints) into this folder')
    parser.add_argument('--skip-training', action='store_true',
                        help='only summarise the work dirs already in --out-dir (evaluating '
                        'them on --test-data or --test-ann-file where given)')
    return parser.parse_args(argv)


def comparison_runs(configs: Sequence[str], oracle: bool) -> List[Run]:
    """The runs of a comparison: each config, then the oracle (the last config on ground truth)."""
    runs = [Run(osp.splitext(osp.basename(config))[0], config) for config in configs]
    if oracle:
        runs.append(Run(ORACLE_NAME, configs[-1], (ORACLE_OPTION, )))
    return runs


def run_dir(out_dir: str, run: Run, seed: int) -> str:
    return osp.join(out_dir, run.name, f'seed{seed}')


def check_seed_cfg_options(templates: Sequence[str]) -> None:
    """Refuses, in one sentence, a --seed-cfg-options item that is not ``key=value`` with
    ``{seed}`` in the value (it would give every seed the same option: a --cfg-options)."""
    for template in templates:
        _, equals, value = template.partition('=')
        if not equals or SEED_FIELD not in value:
            raise SystemExit(f'--seed-cfg-options: {template!r} is not key=value with '
                             f'{SEED_FIELD} in the value; give options that are the same for '
                             'every seed with --cfg-options.')


def seed_cfg_options(templates: Sequence[str], seed: int) -> List[str]:
    """The --seed-cfg-options of ``seed``: ``{seed}`` in each value replaced by it."""
    options = []
    for template in templates:
        key, _, value = template.partition('=')
        options.append(f'{key}={value.replace(SEED_FIELD, str(seed))}')
    return options


def cfg_options_of_seed(args: argparse.Namespace, seed: int) -> List[str]:
    """The --cfg-options that every run of ``seed`` trains and is evaluated with.

    In this order (a later one wins): --train-data's (``args.train_data`` has passed
    :func:`check_demo_data`), --seed-cfg-options for ``seed``, the user's --cfg-options.
    """
    data_options = train_data_options(args.train_data) if args.train_data else []
    return [*data_options, *seed_cfg_options(args.seed_cfg_options, seed), *args.cfg_options]


def train(run: Run, seed: int, work_dir: str, args: argparse.Namespace) -> None:
    """Runs tools/train.py for one run and seed with the shared budget; raises on failure.

    The call's environment is appended to ``work_dir``/ENVIRONMENT_RECORD first.
    """
    if osp.isfile(osp.join(work_dir, FINISHED_MARK)):
        print(f'{run.name} (seed {seed}) finished earlier in {work_dir}: kept.', flush=True)
        return
    if args.continue_from:
        continue_from(run_dir(args.continue_from, run, seed), work_dir)
    options = [f'randomness.seed={seed}', *run.options, *cfg_options_of_seed(args, seed)]
    if args.max_iters is not None:
        options.append(f'train_cfg.max_iters={args.max_iters}')
    if args.val_interval is not None:
        # a regular interval throughout: a config's dynamic_intervals would override it
        options += [f'train_cfg.val_interval={args.val_interval}',
                    'train_cfg.dynamic_intervals=None',
                    f'default_hooks.checkpoint.interval={args.val_interval}']
    # --resume: a run stopped earlier (a killed job, pre-emption) continues from its last
    # checkpoint; where there is none it starts at iteration 0
    command = [sys.executable, osp.join(REPO, 'tools', 'train.py'), run.config, '--work-dir',
               work_dir, '--resume', '--cfg-options', *options]
    print('$', ' '.join(command), flush=True)
    append_environment_record(osp.join(work_dir, ENVIRONMENT_RECORD),
                              collect_environment(REPO, command))
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


def demo_test_set(data_dir: str) -> TestSet:
    """--test-data: the validation split of the demo dataset in ``data_dir``, which has passed
    :func:`check_demo_data`."""
    return TestSet('--test-data', 'test_data', data_dir, (
        f'test_dataloader.dataset.data_root={data_dir}/',
        'test_dataloader.dataset.ann_file=annotations/val.json',
        'test_dataloader.dataset.data_prefix.img=images/val/',
        f'test_evaluator.ann_file={data_dir}/annotations/val.json'))


def ann_file_test_set(ann_file: str) -> TestSet:
    """--test-ann-file: the COCO annotation file ``ann_file``, its images read from the config's
    data_root and data_prefix.

    Raises:
        SystemExit: With one sentence naming the option and the file, when it is missing, not
            JSON, or not a COCO file with images (checked before any training).
    """
    path = osp.abspath(ann_file)
    if not osp.isfile(path):
        raise SystemExit(f'--test-ann-file: {path} does not exist.')
    try:
        with open(path, encoding='utf-8') as ann:
            content = json.load(ann)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SystemExit(f'--test-ann-file: {path} is not a JSON file ({error}).') from None
    if not isinstance(content, dict) or not isinstance(content.get('images'), list) \
            or not content['images']:
        raise SystemExit(f'--test-ann-file: {path} is not a COCO annotation file with images '
                         '(no non-empty "images" list).')
    return TestSet('--test-ann-file', 'test_ann_file', path,
                   (f'test_dataloader.dataset.ann_file={path}', f'test_evaluator.ann_file={path}'))


def evaluate_on_test_set(run: Run, seed: int, work_dir: str, test_set: TestSet,
                         cfg_options: Sequence[str]) -> None:
    """Evaluates the run's teacher at its last checkpoint on ``test_set``.

    Writes ``work_dir``/test_data.json (the test set under ``test_set.key``, the checkpoint and
    tools/test.py's metrics); nothing is done when that file already names the same test set and
    checkpoint, or names the same test set where the run's checkpoints are gone (deleted to save
    disk, or records copied back from a --results-dir). ``cfg_options`` are those of the run's
    training (:func:`cfg_options_of_seed`), given to tools/test.py before the test set's own.
    """
    result_path = osp.join(work_dir, TEST_DATA_RESULT)
    earlier = {}
    if osp.isfile(result_path):
        with open(result_path, encoding='utf-8') as result_file:
            earlier = json.load(result_file)
    checkpoint = checkpoint_in(work_dir)
    if checkpoint is None or not osp.isfile(checkpoint):
        if earlier.get(test_set.key) == test_set.path:
            print(f'{run.name} (seed {seed}) was scored on {test_set.path} earlier and has no '
                  f'checkpoint left in {work_dir}: its score is kept.', flush=True)
            return
        raise SystemExit(f'{test_set.option}: {run.name} (seed {seed}) has no checkpoint in '
                         f'{work_dir} to evaluate.')
    wanted = {test_set.key: test_set.path, 'checkpoint': osp.basename(checkpoint)}
    if {k: v for k, v in earlier.items() if k in wanted} == wanted:
        return
    test_dir = osp.join(work_dir, 'test_data')
    command = [sys.executable, osp.join(REPO, 'tools', 'test.py'), run.config, checkpoint,
               '--work-dir', test_dir, '--cfg-options', *run.options, *cfg_options,
               *test_set.cfg_options]
    print('$', ' '.join(command), flush=True)
    if subprocess.run(command).returncode != 0:
        raise SystemExit(f'Evaluating {run.name} (seed {seed}) on {test_set.path} failed; its '
                         f'log is in {test_dir}.')
    starts = sorted(name for name in os.listdir(test_dir) if START_FOLDER.match(name))
    metrics_path = osp.join(test_dir, starts[-1], f'{starts[-1]}.json') if starts else None
    if metrics_path is None or not osp.isfile(metrics_path):
        raise SystemExit(f'Evaluating {run.name} (seed {seed}) on {test_set.path} wrote no '
                         f'metrics file in {test_dir}.')
    with open(metrics_path, encoding='utf-8') as metrics:
        wanted['metrics'] = json.load(metrics)
    with open(result_path, 'w', encoding='utf-8') as result_file:
        json.dump(wanted, result_file, indent=1, sort_keys=True)


def run_result(work_dir: str) -> dict:
    """One finished run's numbers and curves.

    Returns:
        dict: ``iterations`` (of the last evaluation), each FINAL_METRICS name (last value, or
        None), each PSEUDO_LABEL_METRICS name (mean over the logged intervals, or None when the
        run made no pseudo-labels), each TEST_DATA_METRICS name and ``test data`` (the data dir
        of --test-data) or ``test ann file`` (the file of --test-ann-file) when the run was
        evaluated on one, and ``curves``: ``{log key: (iters, values)}`` of the teacher
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
        if 'test_ann_file' in test_data:
            result['test ann file'] = test_data['test_ann_file']
        else:
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
    test_sets = sorted({f'the validation split of {r["test data"]}' if 'test data' in r
                        else r['test ann file'] for by_seed in results.values()
                        for r in by_seed.values() if 'test data' in r or 'test ann file' in r})
    if test_sets:
        lines += ['', 'test-data: the teacher at its last checkpoint on ' + ', '.join(test_sets)
                  + '.']
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
              require_all: bool, results_dir: Optional[str] = None) -> str:
    """Reads the runs' logs and writes comparison.md, comparison.png and results.json.

    Args:
        runs: The comparison's runs.
        seeds: Their seeds.
        out_dir: The comparison's folder.
        require_all: Raise on a run without a log (else leave it out: it has not run yet).
        results_dir: Also write comparison.md and results.json there (from this call, not
            copied from ``out_dir``, which another comparison of other seeds may share).

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
    plot(results, osp.join(out_dir, 'comparison.png'))
    per_seed = {name: {seed: {k: v for k, v in r.items() if k != 'curves'}
                       for seed, r in by_seed.items()}
                for name, by_seed in results.items()}
    for folder in (out_dir, results_dir):
        if folder is None:
            continue
        os.makedirs(folder, exist_ok=True)
        with open(osp.join(folder, 'comparison.md'), 'w', encoding='utf-8') as table_file:
            table_file.write(table)
        with open(osp.join(folder, 'results.json'), 'w', encoding='utf-8') as json_file:
            json.dump(per_seed, json_file, indent=1, sort_keys=True)
    return table


def record_files(work_dir: str) -> List[str]:
    """The files of a run's work dir that --results-dir keeps, relative to ``work_dir``.

    They are each leg's ``<timestamp>/vis_data/scalars.json`` and ``config.py``,
    TEST_DATA_RESULT, ENVIRONMENT_RECORD and FINISHED_MARK, where they exist: text and JSON only.
    The config mmengine dumps into the work dir itself is the last leg's ``config.py`` again.
    """
    if not osp.isdir(work_dir):
        return []
    names = [TEST_DATA_RESULT, ENVIRONMENT_RECORD, FINISHED_MARK]
    for start in sorted(os.listdir(work_dir)):
        if START_FOLDER.match(start):
            names += [osp.join(start, 'vis_data', SCALARS_NAME),
                      osp.join(start, 'vis_data', 'config.py')]
    return [name for name in names if osp.isfile(osp.join(work_dir, name))]


def copy_records(runs: Sequence[Run], seeds: Sequence[int], out_dir: str,
                 results_dir: str) -> None:
    """Copies each finished run's :func:`record_files` from ``out_dir`` into ``results_dir``,
    under the same relative paths (files there are replaced). A run without its finished mark
    (still training, perhaps in another comparison sharing ``out_dir``, or stopped) is not
    copied, so the results dir holds only finished runs."""
    copies = []
    for run in runs:
        for seed in seeds:
            work_dir = run_dir(out_dir, run, seed)
            if not osp.isfile(osp.join(work_dir, FINISHED_MARK)):
                continue
            copies += [(osp.join(work_dir, name), osp.join(run_dir(results_dir, run, seed), name))
                       for name in record_files(work_dir)]
    for source, target in copies:
        if osp.isfile(source):
            os.makedirs(osp.dirname(target), exist_ok=True)
            shutil.copy2(source, target)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.results_dir and osp.abspath(args.results_dir) == osp.abspath(args.out_dir):
        raise SystemExit(f'--results-dir: {args.results_dir} is the --out-dir; give another '
                         'folder for the copies.')
    check_seed_cfg_options(args.seed_cfg_options)
    os.makedirs(args.out_dir, exist_ok=True)
    runs = comparison_runs(args.configs, oracle=not args.no_oracle)
    if args.train_data:
        args.train_data = check_demo_data('--train-data', args.train_data)
    test_set = None
    if args.test_data:
        test_set = demo_test_set(check_demo_data('--test-data', args.test_data, '--num-val',
                                                 '480'))
    elif args.test_ann_file:
        test_set = ann_file_test_set(args.test_ann_file)
    for seed in args.seeds:
        for run in runs:
            work_dir = run_dir(args.out_dir, run, seed)
            if not args.skip_training:
                train(run, seed, work_dir, args)
            if test_set:
                evaluate_on_test_set(run, seed, work_dir, test_set,
                                     cfg_options_of_seed(args, seed))
            if not args.skip_training:
                summarise(runs, args.seeds, args.out_dir, require_all=False,
                          results_dir=args.results_dir)
                if args.results_dir:
                    copy_records(runs, args.seeds, args.out_dir, args.results_dir)
    try:
        table = summarise(runs, args.seeds, args.out_dir, require_all=True,
                          results_dir=args.results_dir)
    except LogError as error:
        raise SystemExit(str(error))
    print(table)
    print(f'Wrote comparison.md, comparison.png and results.json in {args.out_dir}')
    if args.results_dir:
        copy_records(runs, args.seeds, args.out_dir, args.results_dir)
        print(f'Copied the tables and each run\'s records into {args.results_dir}')


if __name__ == '__main__':
    main()
