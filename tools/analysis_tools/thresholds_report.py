"""The pseudo-label threshold comparison's tables and targets (docs/pseudo_thresholds.md's plan).

Made from the stored results only. The demo side: the runs that compare_methods.py finished and
copied into results/thresholds_cover and results/thresholds_random (fixed thresholds, adaptive,
fixed with an ignore band, adaptive with a band; seeds 0-2, 1200 iterations each). The BCCD side:
MUM with fixed and with adaptive thresholds in the BCCD comparison's folders
(results/bccd_lane1, results/bccd_lane2; folds 0-4, 1000 iterations). A run counts when it has
finished and its last teacher was scored on the held-out data (the demo's 480 validation images,
BCCD test).

Every policy is measured against fixed MUM on the same data by the plan's targets, as means over
the seeds or folds: pseudo-label recall at least 1.5x fixed MUM's, pseudo-label precision at
least 80 %, and held-out teacher AP50 at least fixed MUM's. Pseudo-label precision, recall and
boxes per image are compare_methods.py's means over the logged intervals after burn-in.

Prints two markdown sections, or with --write replaces them in the documents, between the lines
``<!-- thresholds_report SECTION: start -->`` and ``<!-- thresholds_report SECTION: end -->``:

- readme (README.md): while runs are missing, how many have finished; then one row per policy
  and dataset with its gaps to fixed MUM and the targets it met;
- details (docs/pseudo_thresholds.md): per dataset, every policy's means ± std with the paired
  gap to fixed MUM, then one row per finished run.

tests/test_docs/test_thresholds_report.py checks that both documents hold what this prints.
"""
import argparse
import os.path as osp
from typing import Dict, List, NamedTuple, Optional

import numpy as np

from mum.analysis import stored_runs
from mum.analysis.generated_sections import write_or_print
from mum.analysis.mean_std import mean_std
from mum.analysis.paired_gaps import paired_gap
from mum.analysis.stored_runs import RunResults

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'thresholds_report'
DOCUMENTS = {'readme': 'README.md', 'details': 'docs/pseudo_thresholds.md'}
HELD_OUT_AP50 = 'test-data teacher AP50'
MIN_RECALL_RATIO = 1.5
MIN_PRECISION = 0.80
FLOAT_SLACK = 1e-9  # a mean exactly at a target (0.6 / 0.4 is 1.4999999999999998) meets it


class Dataset(NamedTuple):
    """One dataset of the comparison: where its runs are and which runs it compares."""
    name: str
    results_dirs: tuple
    last_iteration: int
    seeds: int  # planned seeds (or folds) per policy
    seed_word: str  # what a seed is called here
    fixed: str  # the run every policy is measured against
    policies: Dict[str, str]  # run name -> the name a reader sees, fixed first
    held_out: str  # what HELD_OUT_AP50 was measured on


DEMO_POLICIES = {
    'demo_mum': 'fixed 0.7',
    'demo_mum_adaptive': 'adaptive',
    'demo_mum_band': 'fixed 0.7, band from 0.3',
    'demo_mum_adaptive_band': 'adaptive, band',
}
DATASETS = (
    Dataset('demo, covering split', ('results/thresholds_cover', ), 1200, 3, 'seeds',
            'demo_mum', DEMO_POLICIES, '480 images'),
    Dataset('demo, random split', ('results/thresholds_random', ), 1200, 3, 'seeds',
            'demo_mum', DEMO_POLICIES, '480 images'),
    Dataset('BCCD', ('results/bccd_lane1', 'results/bccd_lane2'), 1000, 5, 'folds',
            'bccd_mum', {'bccd_mum': 'fixed 0.7', 'bccd_mum_adaptive': 'adaptive'}, 'test'),
)


class Targets(NamedTuple):
    """A policy against fixed MUM on one dataset, as means over the seeds."""
    recall_ratio: Optional[float]
    precision: Optional[float]
    ap50_gap: float

    def met(self) -> List[str]:
        return [name for name, ok in (
            ('recall', self.recall_ratio is not None
             and self.recall_ratio >= MIN_RECALL_RATIO - FLOAT_SLACK),
            ('precision', self.precision is not None
             and self.precision >= MIN_PRECISION - FLOAT_SLACK),
            ('AP50', self.ap50_gap >= -FLOAT_SLACK)) if ok]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--write', action='store_true',
                        help='replace the sections in README.md and docs/pseudo_thresholds.md')
    return parser.parse_args(argv)


def finished_runs(dataset: Dataset) -> RunResults:
    return stored_runs.finished_runs([osp.join(REPO, path) for path in dataset.results_dirs],
                                     dataset.last_iteration, dataset.policies)


def mean(by_seed: Dict[int, dict], key: str) -> Optional[float]:
    values = [numbers[key] for numbers in by_seed.values() if numbers.get(key) is not None]
    return float(np.mean(values)) if values else None


def targets(runs: RunResults, dataset: Dataset, policy: str) -> Targets:
    """``policy`` against ``dataset.fixed``, over the seeds each has finished."""
    fixed, measured = runs[dataset.fixed], runs[policy]
    fixed_recall, recall = mean(fixed, 'pseudo recall'), mean(measured, 'pseudo recall')
    ratio = recall / fixed_recall if recall is not None and fixed_recall else None
    return Targets(ratio, mean(measured, 'pseudo precision'),
                   mean(measured, HELD_OUT_AP50) - mean(fixed, HELD_OUT_AP50))


def percent(value: Optional[float]) -> str:
    return 'n/a' if value is None else f'{100 * value:.1f}'


def gap_cell(runs: RunResults, dataset: Dataset, policy: str) -> str:
    """The paired held-out AP50 gap to fixed MUM: difference, larger std, seeds ahead, p."""
    gap = paired_gap(runs, dataset.fixed, policy, HELD_OUT_AP50)
    if gap is None:
        return 'n/a'
    p_value = 'undefined' if gap.p_value is None else f'{gap.p_value:.2g}'
    return (f'{100 * gap.difference:+.1f} (larger std {100 * gap.larger_std:.1f}, ahead '
            f'{gap.seeds_ahead}/{gap.seeds}, p {p_value})')


def targets_cell(measured: Targets) -> str:
    ratio = 'n/a' if measured.recall_ratio is None else f'{measured.recall_ratio:.3f}x'
    met = measured.met()
    return f'{len(met)} of 3 ({", ".join(met) or "none"}); recall {ratio}'


def complete(runs: RunResults, dataset: Dataset) -> bool:
    return all(len(runs.get(policy, {})) == dataset.seeds for policy in dataset.policies)


def readme_section(all_runs: Dict[str, RunResults]) -> str:
    """Progress while runs are missing; then one row per policy against fixed MUM."""
    planned = sum(dataset.seeds * len(dataset.policies) for dataset in DATASETS)
    finished = sum(len(by_seed) for runs in all_runs.values() for by_seed in runs.values())
    if not all(complete(all_runs[dataset.name], dataset) for dataset in DATASETS):
        return (f'The comparison planned in [docs/pseudo_thresholds.md](docs/pseudo_thresholds.md)'
                f' has {finished} of its {planned} runs finished (the BCCD ones are those of the '
                'BCCD comparison). Its table replaces this paragraph when the last has finished.\n')
    lines = ['| data | thresholds | held-out teacher AP50 − fixed | pseudo precision | '
             'pseudo recall | targets met |', '|---|---|---|---|---|---|']
    for dataset in DATASETS:
        runs = all_runs[dataset.name]
        for policy, name in dataset.policies.items():
            if policy == dataset.fixed:
                continue
            lines.append(
                f'| {dataset.name} | {name} | {gap_cell(runs, dataset, policy)} | '
                f'{percent(mean(runs[policy], "pseudo precision"))} | '
                f'{percent(mean(runs[policy], "pseudo recall"))} (fixed '
                f'{percent(mean(runs[dataset.fixed], "pseudo recall"))}) | '
                f'{targets_cell(targets(runs, dataset, policy))} |')
    return '\n'.join(lines) + '\n'


RUN_COLUMNS = ('teacher AP50, val', 'teacher AP50, held out', 'pseudo precision',
               'pseudo recall', 'pseudo-boxes / image')
RUN_KEYS = ('teacher AP50', HELD_OUT_AP50, 'pseudo precision', 'pseudo recall')


def table_head(columns: List[str]) -> List[str]:
    return ['| ' + ' | '.join(columns) + ' |', '|---' * len(columns) + '|']


def policy_rows(runs: RunResults, dataset: Dataset) -> List[str]:
    """Each policy's means ± std over its seeds, and its gap and targets against fixed MUM."""
    lines = table_head(['thresholds', dataset.seed_word, *RUN_COLUMNS,
                        'held-out AP50 − fixed', 'targets met'])
    for policy, by_seed in runs.items():
        values = list(by_seed.values())
        cells = [mean_std([v[key] for v in values], percent=True) for key in RUN_KEYS]
        cells.append(mean_std([v['pseudo-boxes / img'] for v in values], percent=False))
        against_fixed = policy != dataset.fixed and dataset.fixed in runs
        cells += [gap_cell(runs, dataset, policy) if against_fixed else '',
                  targets_cell(targets(runs, dataset, policy)) if against_fixed else '']
        lines.append(f'| {dataset.policies[policy]} | {len(values)} | ' + ' | '.join(cells)
                     + ' |')
    return lines


def run_rows(runs: RunResults, dataset: Dataset) -> List[str]:
    """One row per finished run, by seed."""
    lines = table_head([dataset.seed_word[:-1], 'thresholds', *RUN_COLUMNS])
    for seed in sorted({seed for by_seed in runs.values() for seed in by_seed}):
        for policy, by_seed in runs.items():
            if seed not in by_seed:
                continue
            numbers = by_seed[seed]
            boxes = numbers['pseudo-boxes / img']
            cells = [percent(numbers[key]) for key in RUN_KEYS]
            cells.append('n/a' if boxes is None else f'{boxes:.2f}')
            lines.append(f'| {seed} | {dataset.policies[policy]} | ' + ' | '.join(cells) + ' |')
    return lines


def details_section(all_runs: Dict[str, RunResults]) -> str:
    """Per dataset: the policies' means ± std and targets, then one row per finished run."""
    lines = []
    for dataset in DATASETS:
        runs = all_runs[dataset.name]
        lines += [f'**{dataset.name}** ({dataset.last_iteration} iterations; held out: '
                  f'{dataset.held_out}).', '']
        if runs:
            lines += [*policy_rows(runs, dataset), '', *run_rows(runs, dataset), '']
        else:
            lines += ['No run has finished yet.', '']
    return '\n'.join(lines)


def sections(all_runs: Dict[str, RunResults]) -> Dict[str, str]:
    return {'readme': readme_section(all_runs), 'details': details_section(all_runs)}


def main(argv=None) -> None:
    args = parse_args(argv)
    made = sections({dataset.name: finished_runs(dataset) for dataset in DATASETS})
    write_or_print(REPO, TOOL, DOCUMENTS, made, args.write)


if __name__ == '__main__':
    main()
