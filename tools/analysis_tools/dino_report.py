"""The DINO demo comparison's tables (docs/dino_demo.md's plan), made from the stored results.

Reads the runs that compare_methods.py finished and copied into the plan's lane folders (default:
results/dino_demo_lane1, results/dino_demo_lane1_seed2, results/dino_demo_lane2 and
results/dino_demo_lane2_seed2, and results/dino_demo_no_mix_seed1 and results/dino_demo_mum_seed2,
where two runs were trained again from the start when their checkpoints were lost). A run counts
when its folder RUN/seedK holds compare_methods.finished and test_data.json (its last teacher
scored once on the 480 validation images of data/demo_val480), it trained the planned 1200
iterations and its seed is one of the plan's (0-2).

Reported as the plan says, with no verdict (three seeds of a CPU demo cannot rank methods): per
method, the teacher's AP50 on the 120 validation images (the last validation) and on the 480,
mean ± std over the seeds; pseudo-label precision, recall and boxes per image (compare_methods.py's
means over the logged intervals after burn-in); seconds per iteration from the scalar logs (each
iteration once, also when a resumed leg trained it again; two trainings ran side by side, one
thread each). MUM against no-mix and against supervised: the paired gap on each AP50, with the
larger std, the seeds ahead and a paired t-test. The code commits the runs were trained at are
listed, since the plan has every run on one commit.

Prints two markdown sections, or with --write replaces them in the documents, between the lines
``<!-- dino_report SECTION: start -->`` and ``<!-- dino_report SECTION: end -->``:

- summary: while runs are missing, how many have finished; then the table of the methods, the
  gaps and the commits;
- details: one row per finished run and seed, with its commit and legs;

both in docs/dino_demo.md (README.md links there).

tests/test_docs/test_dino_report.py checks that docs/dino_demo.md holds what this prints.
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

from mum.analysis import stored_runs
from mum.analysis.generated_sections import write_or_print
from mum.analysis.mean_std import mean_std, percent
from mum.analysis.paired_gaps import paired_gap
from mum.analysis.stored_runs import ENVIRONMENT_RECORD, HELD_OUT_AP50, RunResults

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'dino_report'
LANES = ('results/dino_demo_lane1', 'results/dino_demo_lane1_seed2', 'results/dino_demo_lane2',
         'results/dino_demo_lane2_seed2', 'results/dino_demo_no_mix_seed1',
         'results/dino_demo_mum_seed2')
DOCUMENTS = {'summary': 'docs/dino_demo.md', 'details': 'docs/dino_demo.md'}
METHODS = {'demo_dino_supervised': 'supervised only',
           'demo_dino_unbiased_teacher': 'no-mix teacher-student',
           'demo_dino_mum': 'MUM'}
PLANNED_SEEDS = (0, 1, 2)
LAST_ITERATION = 1200
LOGGER_INTERVAL = 20  # the demo configs' default_hooks.logger.interval
VAL_AP50 = 'teacher AP50'  # results.json: the last validation, on the 120 validation images
GAPS = (('demo_dino_unbiased_teacher', 'demo_dino_mum'), ('demo_dino_supervised', 'demo_dino_mum'))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results-dirs', nargs='+', default=list(LANES),
                        help='folders written by compare_methods.py --results-dir, relative to '
                        'the repository (default: the plan\'s lanes)')
    parser.add_argument('--write', action='store_true',
                        help='replace the sections in docs/dino_demo.md')
    return parser.parse_args(argv)


def finished_runs(results_dirs: Sequence[str]) -> RunResults:
    """``{run: {seed: numbers}}`` of the runs the folders hold as finished, in METHODS' order,
    with their training legs, seconds per iteration and code commits."""
    runs = stored_runs.finished_runs([osp.join(REPO, path) for path in results_dirs],
                                     LAST_ITERATION, METHODS)
    runs = {run: {seed: numbers for seed, numbers in by_seed.items() if seed in PLANNED_SEEDS}
            for run, by_seed in runs.items()}
    for by_seed in runs.values():
        for numbers in by_seed.values():
            numbers.update(
                legs=stored_runs.training_legs(numbers['folder']),
                seconds_per_iteration=stored_runs.training_seconds(
                    numbers['folder'], LOGGER_INTERVAL) / LAST_ITERATION,
                commits=leg_commits(numbers['folder']))
    return runs


def leg_commits(run_folder: str) -> List[str]:
    """The short git commit of each training leg of the run ('+ changes' where the tree was
    dirty), from compare_methods.py's environment record; empty where there is none."""
    path = osp.join(run_folder, ENVIRONMENT_RECORD)
    if not osp.isfile(path):
        return []
    with open(path, encoding='utf-8') as record_file:
        legs = json.load(record_file)
    return [(leg.get('git_commit') or 'unknown')[:7]
            + (' + changes' if leg.get('git_dirty') else '') for leg in legs]


def gap_lines(runs: RunResults) -> List[str]:
    """MUM against each baseline on both AP50s, over the seeds both have finished."""
    lines = []
    for lower, higher in GAPS:
        held_out = paired_gap(runs, lower, higher, HELD_OUT_AP50)
        val = paired_gap(runs, lower, higher, VAL_AP50)
        if held_out is None or val is None:
            continue
        lines.append(f'- {METHODS[higher]} − {METHODS[lower]}, teacher AP50 on 480 images: '
                     f'{held_out.in_words()}; on 120 images: {val.in_words()}.')
    return lines


def commits_line(runs: RunResults) -> str:
    """Which code commits trained the runs (the plan: one)."""
    commits = sorted({commit for by_seed in runs.values() for numbers in by_seed.values()
                      for commit in numbers['commits'] or ['an unrecorded commit']})
    if len(commits) == 1 and commits != ['an unrecorded commit']:
        return f'Every run was trained at commit {commits[0]}.'
    return ('The runs were trained at ' + ', '.join(commits)
            + ' (the plan has one commit: see the rows below).')


def all_finished(runs: RunResults) -> bool:
    return all(set(PLANNED_SEEDS) <= set(runs.get(run, {})) for run in METHODS)


def summary_section(runs: RunResults) -> str:
    """Progress while runs are missing, then the table of the methods and the gaps."""
    planned = len(METHODS) * len(PLANNED_SEEDS)
    finished = sum(len(by_seed) for by_seed in runs.values())
    if not all_finished(runs):
        return (f'The comparison is running: {finished} of its {planned} runs have finished (rows '
                'below, records in `results/dino_demo_*`). Its table replaces this paragraph '
                'when the last has finished.\n')
    lines = ['| method (DINO demo, 1200 iterations) | seeds | teacher AP50, 120 images | '
             'teacher AP50, 480 images | teacher AP, 480 images | pseudo precision | '
             'pseudo recall | pseudo-boxes / image | s / iteration |',
             '|---|---|---|---|---|---|---|---|---|']
    for run, by_seed in runs.items():
        values = [by_seed[seed] for seed in PLANNED_SEEDS]
        cells = [mean_std([v[key] for v in values], percent=True)
                 for key in (VAL_AP50, HELD_OUT_AP50, 'test-data teacher AP',
                             'pseudo precision', 'pseudo recall')]
        cells += [mean_std([v['pseudo-boxes / img'] for v in values], percent=False),
                  f'{np.mean([v["seconds_per_iteration"] for v in values]):.2f}']
        lines.append(f'| {METHODS[run]} | {len(values)} | ' + ' | '.join(cells) + ' |')
    lines += ['', *gap_lines(runs), '', commits_line(runs)]
    return '\n'.join(lines) + '\n'


def details_section(runs: RunResults) -> str:
    """One row per finished run and seed, and, until the summary has them, the gaps over the seeds
    finished so far."""
    if not runs:
        return 'No run of the comparison has finished yet.\n'
    lines = ['| seed | method | teacher AP50, 120 images | teacher AP50, 480 images | '
             'teacher AP, 480 images | pseudo precision | pseudo recall | pseudo-boxes / image | '
             's / iteration | legs | commit |',
             '|---' * 11 + '|']
    for seed in sorted({seed for by_seed in runs.values() for seed in by_seed}):
        for run, by_seed in runs.items():
            if seed not in by_seed:
                continue
            numbers = by_seed[seed]
            cells = [percent(numbers[key]) for key in (
                VAL_AP50, HELD_OUT_AP50, 'test-data teacher AP', 'pseudo precision',
                'pseudo recall')]
            boxes = numbers['pseudo-boxes / img']
            cells += ['n/a' if boxes is None else f'{boxes:.2f}',
                      f'{numbers["seconds_per_iteration"]:.2f}', str(numbers['legs']),
                      ', '.join(dict.fromkeys(numbers['commits'])) or 'n/a']  # leg order
            lines.append(f'| {seed} | {METHODS[run]} | ' + ' | '.join(cells) + ' |')
    gaps = [] if all_finished(runs) else gap_lines(runs)
    if gaps:
        lines += ['', 'Over the seeds both runs have finished so far:', '', *gaps]
    return '\n'.join(lines) + '\n'


def sections(runs: RunResults) -> Dict[str, str]:
    return {'summary': summary_section(runs), 'details': details_section(runs)}


def main(argv=None) -> None:
    args = parse_args(argv)
    write_or_print(REPO, TOOL, DOCUMENTS, sections(finished_runs(args.results_dirs)), args.write)


if __name__ == '__main__':
    main()
