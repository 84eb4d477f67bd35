"""The BCCD comparison's tables and criterion (docs/bccd.md's plan), made from the stored results.

Reads the runs that compare_methods.py finished and copied into the results folders (default:
results/bccd_lane1 and results/bccd_lane2, the plan's two lanes). A run counts when its folder
RUN/seedK holds compare_methods.finished and test_data.json, the single evaluation of its teacher
on BCCD test at its last iteration; the other numbers come from the same folder's results.json
entry (pseudo-label precision, recall and boxes per image: means over the logged intervals after
burn-in), from test_data.json (per-class AP at IoU 0.5:0.95, CocoMetric's classwise numbers) and
from its scalar logs (training time: per logged window, its iterations times the logged mean
iteration time, each iteration once even when a resumed leg trained it again; validation and the
test evaluation are not counted).

Prints two markdown sections, or with --write replaces them in the documents, between the lines
``<!-- bccd_report SECTION: start -->`` and ``<!-- bccd_report SECTION: end -->``:

- readme (README.md): while the comparison runs, how many of its runs have finished; then the
  table of the methods (mean ± std over folds) and the plan's criterion with its verdict;
- details (docs/bccd.md): one row per finished run and fold, per-class AP included;
- classes (docs/bccd.md): per class, mean over the folds every method has finished, the test AP
  of each method and the teacher's pseudo-boxes per image at the first and the last interval
  logged after burn-in, next to the ground truth's per unlabeled image (what the oracle's
  pseudo-labels count, over its folds).

tests/test_docs/test_bccd_report.py checks that both documents hold what this prints.
"""
import argparse
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

from mum.analysis import stored_runs
from mum.analysis.generated_sections import write_or_print
from mum.analysis.logs import read_run_scalars
from mum.analysis.mean_std import mean_std, percent
from mum.analysis.paired_gaps import paired_gap
from mum.analysis.stored_runs import HELD_OUT_AP50, RunResults

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'bccd_report'
LANES = ('results/bccd_lane1', 'results/bccd_lane2')
DOCUMENTS = {'readme': 'README.md', 'details': 'docs/bccd.md', 'classes': 'docs/bccd.md'}
# compare_methods.py's run names, in the table's order -> the name a reader sees
METHODS = {
    'bccd_supervised': 'supervised only',
    'bccd_unbiased_teacher': 'Unbiased Teacher',
    'bccd_mum': 'MUM',
    'bccd_mum_adaptive': 'MUM, adaptive thresholds',
    'oracle': 'oracle',
}
PLANNED_FOLDS = {'bccd_supervised': 5, 'bccd_unbiased_teacher': 5, 'bccd_mum': 5,
                 'bccd_mum_adaptive': 5, 'oracle': 2}
LAST_ITERATION = 1000
CLASSES = ('Platelets', 'RBC', 'WBC')
# the criterion of docs/bccd.md: (baseline, method) pairs with a verdict, then one without
CRITERION_PAIRS = (('bccd_supervised', 'bccd_mum'), ('bccd_unbiased_teacher', 'bccd_mum'))
REPORTED_PAIRS = (('bccd_mum', 'bccd_mum_adaptive'), )
CRITERION_METRIC = HELD_OUT_AP50  # the teacher's AP50 on BCCD test
MIN_FOLDS_AHEAD = 4
LOGGER_INTERVAL = 20  # configs/bccd: default_hooks.logger.interval
PSEUDO_PER_IMAGE = 'pseudo_per_img/{}'  # PseudoLabelDensityHook's scalar of one class
TEACHER_STUDENT = ('bccd_unbiased_teacher', 'bccd_mum', 'bccd_mum_adaptive')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results-dirs', nargs='+', default=list(LANES),
                        help='folders written by compare_methods.py --results-dir, relative to '
                        'the repository (default: the plan\'s two lanes)')
    parser.add_argument('--write', action='store_true',
                        help='replace the sections in README.md and docs/bccd.md')
    return parser.parse_args(argv)


def finished_runs(results_dirs: Sequence[str]) -> RunResults:
    """``{run: {fold: numbers}}`` of the runs the folders hold as finished, in METHODS' order,
    with their training legs and minutes and per-class test AP."""
    runs = stored_runs.finished_runs([osp.join(REPO, path) for path in results_dirs],
                                     LAST_ITERATION, METHODS, seed_word='fold')
    for by_fold in runs.values():
        for numbers in by_fold.values():
            numbers.update(
                legs=stored_runs.training_legs(numbers['folder']),
                training_minutes=stored_runs.training_seconds(numbers['folder'],
                                                              LOGGER_INTERVAL) / 60,
                **{f'{name} AP': numbers['test_metrics'].get(f'coco/{name}_precision')
                   for name in CLASSES},
                **pseudo_per_image_ends(numbers['folder']))
    return runs


def pseudo_per_image_ends(run_folder: str) -> Dict[str, float]:
    """``{'CLASS pseudo first' | 'CLASS pseudo last' | 'CLASS pseudo mean': n}``: the teacher's
    pseudo-boxes per image of each class at the first and the last interval the run logged them,
    and their mean over the intervals (none for a supervised run)."""
    curves = read_run_scalars(run_folder)
    ends = {}
    for name in CLASSES:
        key = PSEUDO_PER_IMAGE.format(name)
        if key in curves:
            values = curves[key][1]
            ends.update({f'{name} pseudo first': values[0], f'{name} pseudo last': values[-1],
                         f'{name} pseudo mean': float(np.mean(values))})
    return ends


def folds_text(folds: Sequence[int]) -> str:
    return ', '.join(map(str, folds))


def criterion_lines(runs: RunResults) -> List[str]:
    """The plan's criterion: a verdict per CRITERION_PAIRS, numbers only for REPORTED_PAIRS."""
    lines = []
    for lower, higher in CRITERION_PAIRS:
        gap = paired_gap(runs, lower, higher, CRITERION_METRIC)
        helps = gap.above_larger_std and gap.seeds_ahead >= MIN_FOLDS_AHEAD
        lines.append(f'- {METHODS[higher]} − {METHODS[lower]}: {gap.in_words(" AP50", "folds")}: '
                     f'**{"MUM helps" if helps else "no gain shown"}**.')
    for lower, higher in REPORTED_PAIRS:
        gap = paired_gap(runs, lower, higher, CRITERION_METRIC)
        lines.append(f'- {METHODS[higher]} − {METHODS[lower]} (no verdict planned): '
                     f'{gap.in_words(" AP50", "folds")}.')
    return lines


def readme_section(runs: RunResults) -> str:
    """The README's results: progress while the comparison runs, then table and criterion."""
    planned = sum(PLANNED_FOLDS.values())
    finished = sum(len(by_fold) for by_fold in runs.values())
    complete = all(len(runs.get(run, {})) == folds for run, folds in PLANNED_FOLDS.items())
    if not complete:
        return (f'The comparison planned in [docs/bccd.md](docs/bccd.md) is running: {finished} '
                f'of its {planned} runs have finished, and their records are in '
                f'`results/bccd_lane1` and `results/bccd_lane2`. Its table and criterion replace '
                'this paragraph when the last has finished.\n')
    lines = ['| method (BCCD test, 20 labeled images) | folds | teacher AP50 | teacher AP | '
             'pseudo precision | pseudo recall | pseudo-boxes / image | training minutes |',
             '|---|---|---|---|---|---|---|---|']
    for run, by_fold in runs.items():
        values = list(by_fold.values())
        name = METHODS[run] + (f' (folds {folds_text(by_fold)})' if run == 'oracle' else '')
        cells = [mean_std([v[key] for v in values], percent=True)
                 for key in ('test-data teacher AP50', 'test-data teacher AP',
                             'pseudo precision', 'pseudo recall')]
        cells += [mean_std([v['pseudo-boxes / img'] for v in values], percent=False),
                  f'{np.mean([v["training_minutes"] for v in values]):.0f}']
        lines.append(f'| {name} | {len(values)} | ' + ' | '.join(cells) + ' |')
    lines += ['', *criterion_lines(runs)]
    return '\n'.join(lines) + '\n'


def details_section(runs: RunResults) -> str:
    """One row per finished run and fold."""
    if not runs:
        return 'No run of the comparison has finished yet.\n'
    class_columns = ' | '.join(f'{name} AP' for name in CLASSES)
    lines = [f'| fold | method | test AP50 | test AP | {class_columns} | val AP50 | '
             'pseudo precision | pseudo recall | pseudo-boxes / image | training minutes | legs |',
             '|---' * (10 + len(CLASSES)) + '|']
    for fold in sorted({fold for by_fold in runs.values() for fold in by_fold}):
        for run, by_fold in runs.items():
            if fold not in by_fold:
                continue
            numbers = by_fold[fold]
            cells = [percent(numbers[key]) for key in (
                'test-data teacher AP50', 'test-data teacher AP',
                *(f'{name} AP' for name in CLASSES), 'teacher AP50', 'pseudo precision',
                'pseudo recall')]
            boxes = numbers['pseudo-boxes / img']
            cells += ['n/a' if boxes is None else f'{boxes:.2f}',
                      f'{numbers["training_minutes"]:.0f}', str(numbers['legs'])]
            lines.append(f'| {fold} | {METHODS[run]} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def classes_section(runs: RunResults) -> str:
    """Per class, mean over the folds every method has finished: test AP, and pseudo-boxes per
    image after burn-in and at the last logged interval beside the ground truth's (the oracle's
    pseudo-labels, over its folds)."""
    methods = [run for run in METHODS if run in runs and run != 'oracle']
    folds = sorted(set.intersection(*(set(runs[run]) for run in methods))) if methods else []
    if not folds:
        return 'No fold has been finished by every method yet.\n'
    pseudo_methods = [run for run in TEACHER_STUDENT if run in runs]
    oracle = runs.get('oracle', {})
    lines = [f'Folds {folds_text(folds)} (those every method has finished); truth: '
             + (f"the oracle's folds {folds_text(oracle)}." if oracle else 'no oracle run yet.'),
             '',
             '| class | truth / image | '
             + ' | '.join(f'test AP: {METHODS[run]}' for run in methods)
             + ''.join(f' | pseudo / image: {METHODS[run]}' for run in pseudo_methods) + ' |',
             '|---' * (2 + len(methods) + len(pseudo_methods)) + '|']

    def mean_of(run: str, key: str, over: Sequence[int]) -> str:
        values = [runs[run][fold].get(key) for fold in over]
        return 'n/a' if None in values else f'{np.mean(values):.2f}'

    for name in CLASSES:
        cells = [mean_of('oracle', f'{name} pseudo mean', list(oracle)) if oracle else 'n/a']
        cells += [mean_std([runs[run][fold][f'{name} AP'] for fold in folds], percent=True)
                  for run in methods]
        cells += [f'{mean_of(run, f"{name} pseudo first", folds)} → '
                  f'{mean_of(run, f"{name} pseudo last", folds)}' for run in pseudo_methods]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def sections(runs: RunResults) -> Dict[str, str]:
    return {'readme': readme_section(runs), 'details': details_section(runs),
            'classes': classes_section(runs)}


def main(argv=None) -> None:
    args = parse_args(argv)
    write_or_print(REPO, TOOL, DOCUMENTS, sections(finished_runs(args.results_dirs)), args.write)


if __name__ == '__main__':
    main()
