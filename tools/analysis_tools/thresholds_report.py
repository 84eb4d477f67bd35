"""The pseudo-label threshold comparison's tables and targets (docs/pseudo_thresholds.md's plan).

Made from the stored results only. The demo side: the runs that compare_methods.py finished and
copied into results/thresholds_cover and results/thresholds_random (fixed thresholds, adaptive,
fixed with an ignore band, adaptive with a band; seeds 0-2, 1200 iterations each). The BCCD side:
MUM with fixed and with adaptive thresholds in the BCCD comparison's folders
(results/bccd_lane1, results/bccd_lane2; folds 0-4, 1000 iterations). A run counts when it has
finished and its last teacher was scored on the held-out data (the demo's 480 validation images,
BCCD test).

Every policy is measured against fixed MUM on the same data by the plan's targets, as means over
the planned seeds or folds that both have finished: pseudo-label recall at least 1.5x fixed
MUM's, pseudo-label precision at least 80 %, and held-out teacher AP50 at least fixed MUM's
(while seeds are missing, the verdict is marked provisional). The AP50 gaps to fixed MUM are
paired over the same seeds, with the larger std, the seeds ahead and a paired t-test; the
pseudo-label numbers get means ± std, not gaps. Pseudo-label precision, recall and boxes per
image are compare_methods.py's means over the logged intervals after burn-in. A run stored at
another seed is left out (with a line on stderr); one scored on other held-out data is refused.

Prints two markdown sections, or with --write replaces them in the documents, between the lines
``<!-- thresholds_report SECTION: start -->`` and ``<!-- thresholds_report SECTION: end -->``:

- readme (README.md): while runs are missing, how many have finished; then one row per policy
  and dataset with its gaps to fixed MUM and the targets it met;
- details (docs/pseudo_thresholds.md): per dataset, every policy's means ± std with the paired
  gaps (val and held-out AP50) to fixed MUM and the targets, then one row per finished run.

tests/test_docs/test_thresholds_report.py checks that both documents hold what this prints.
"""
import argparse
import os.path as osp
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np

from mum.analysis import stored_runs
from mum.analysis.generated_sections import write_or_print
from mum.analysis.mean_std import mean_std, percent
from mum.analysis.paired_gaps import paired_gap
from mum.analysis.stored_runs import HELD_OUT_AP50, RunResults

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'thresholds_report'
DOCUMENTS = {'readme': 'README.md', 'details': 'docs/pseudo_thresholds.md'}
MIN_RECALL_RATIO = 1.5
MIN_PRECISION = 0.80
FLOAT_SLACK = 1e-9  # a mean exactly at a target (0.6 / 0.4 is 1.4999999999999998) meets it


class Dataset(NamedTuple):
    """One dataset of the comparison: where its runs are and which runs it compares."""
    name: str
    results_dirs: tuple
    last_iteration: int
    planned_seeds: tuple  # the seeds (BCCD: folds) every policy runs
    seed_word: str  # what a seed is called here
    fixed: str  # the run every policy is measured against
    policies: Dict[str, str]  # run name -> the name a reader sees, fixed first
    held_out: str  # the held-out data, for the reader
    held_out_source: str  # the base name of compare_methods' --test-data or --test-ann-file


DEMO_POLICIES = {
    'demo_mum': 'fixed 0.7',
    'demo_mum_adaptive': 'adaptive',
    'demo_mum_band': 'fixed 0.7, band from 0.3',
    'demo_mum_adaptive_band': 'adaptive, band',
}
DATASETS = (
    Dataset('demo, covering split', ('results/thresholds_cover', ), 1200, (0, 1, 2), 'seeds',
            'demo_mum', DEMO_POLICIES, '480 validation images', 'demo_val480'),
    Dataset('demo, random split', ('results/thresholds_random', ), 1200, (0, 1, 2), 'seeds',
            'demo_mum', DEMO_POLICIES, '480 validation images', 'demo_val480'),
    Dataset('BCCD', ('results/bccd_lane1', 'results/bccd_lane2'), 1000, (0, 1, 2, 3, 4),
            'folds', 'bccd_mum', {'bccd_mum': 'fixed 0.7', 'bccd_mum_adaptive': 'adaptive'},
            'BCCD test', 'bccd_test.json'),
)


class Targets(NamedTuple):
    """A policy against fixed MUM on one dataset: means over the seeds both have finished."""
    seeds: int
    recall_ratio: Optional[float]  # the policy's mean recall / fixed MUM's
    precision: Optional[float]  # the policy's mean pseudo-label precision
    ap50_gap: Optional[float]  # held-out AP50, the policy's mean - fixed MUM's

    def met(self) -> List[str]:
        """The names of the targets met; a target without its numbers is not met."""
        return [name for name, ok in (
            ('recall', self.recall_ratio is not None
             and self.recall_ratio >= MIN_RECALL_RATIO - FLOAT_SLACK),
            ('precision', self.precision is not None
             and self.precision >= MIN_PRECISION - FLOAT_SLACK),
            ('AP50', self.ap50_gap is not None and self.ap50_gap >= -FLOAT_SLACK)) if ok]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--write', action='store_true',
                        help='replace the sections in README.md and docs/pseudo_thresholds.md')
    return parser.parse_args(argv)


def finished_runs(dataset: Dataset) -> RunResults:
    """The dataset's finished runs at its planned seeds (others are left out, with a line).

    Raises:
        SystemExit: If a run was scored on other held-out data than the dataset's.
    """
    runs = stored_runs.finished_runs([osp.join(REPO, path) for path in dataset.results_dirs],
                                     dataset.last_iteration, dataset.policies,
                                     dataset.seed_word[:-1])
    for run, by_seed in runs.items():
        for seed in list(by_seed):
            source = by_seed[seed].get('test data') or by_seed[seed].get('test ann file') or ''
            if osp.basename(osp.normpath(source)) != dataset.held_out_source:
                raise SystemExit(f'{by_seed[seed]["folder"]}: scored on {source!r}, expected '
                                 f'{dataset.held_out_source} for {dataset.name}.')
            if seed not in dataset.planned_seeds:
                print(f'{dataset.name}: left out {run} {dataset.seed_word[:-1]} {seed} (not one '
                      f'of the planned {dataset.seed_word} {dataset.planned_seeds}).',
                      file=sys.stderr)
                del by_seed[seed]
    return {run: by_seed for run, by_seed in runs.items() if by_seed}


def mean(by_seed: Dict[int, dict], seeds: Sequence[int], key: str) -> Optional[float]:
    """The mean of ``key`` over ``seeds``, or None when a seed lacks it."""
    values = [by_seed[seed].get(key) for seed in seeds]
    return None if any(v is None for v in values) else float(np.mean(values))


def judge_targets(runs: RunResults, dataset: Dataset, policy: str) -> Targets:
    """``policy`` against ``dataset.fixed`` over the seeds both have finished (paired, as the
    gaps are)."""
    fixed, measured = runs.get(dataset.fixed, {}), runs.get(policy, {})
    seeds = sorted(set(fixed) & set(measured))
    if not seeds:
        return Targets(0, None, None, None)
    fixed_recall = mean(fixed, seeds, 'pseudo recall')
    recall = mean(measured, seeds, 'pseudo recall')
    ratio = recall / fixed_recall if recall is not None and fixed_recall else None
    return Targets(len(seeds), ratio, mean(measured, seeds, 'pseudo precision'),
                   mean(measured, seeds, HELD_OUT_AP50) - mean(fixed, seeds, HELD_OUT_AP50))


def gap_cell(runs: RunResults, dataset: Dataset, policy: str, metric: str) -> str:
    """The paired gap to fixed MUM on ``metric``: difference, larger std, seeds ahead, p."""
    gap = paired_gap(runs, dataset.fixed, policy, metric)
    if gap is None:
        return 'n/a'
    p_value = 'undefined' if gap.p_value is None else f'{gap.p_value:.2g}'
    return (f'{100 * gap.difference:+.1f} (larger std {100 * gap.larger_std:.1f}, ahead '
            f'{gap.seeds_ahead}/{gap.seeds}, p {p_value})')


def targets_cell(measured: Targets, dataset: Dataset) -> str:
    """Which targets were met, with the two numbers a rounded table could blur."""
    met = measured.met()
    ratio = 'n/a' if measured.recall_ratio is None else f'{measured.recall_ratio:.3f}x'
    precision = 'n/a' if measured.precision is None else f'{100 * measured.precision:.2f} %'
    cell = (f'{len(met)} of 3 ({", ".join(met) or "none"}); recall {ratio}, precision '
            f'{precision}')
    if measured.seeds < len(dataset.planned_seeds):
        cell += (f'; provisional: {measured.seeds} of {len(dataset.planned_seeds)} '
                 f'{dataset.seed_word}')
    return cell


def complete(runs: RunResults, dataset: Dataset) -> bool:
    return all(set(runs.get(policy, {})) == set(dataset.planned_seeds)
               for policy in dataset.policies)


def readme_section(all_runs: Dict[str, RunResults]) -> str:
    """Progress while runs are missing; then one row per policy against fixed MUM."""
    planned = sum(len(dataset.planned_seeds) * len(dataset.policies) for dataset in DATASETS)
    finished = sum(len(by_seed) for runs in all_runs.values() for by_seed in runs.values())
    if not all(complete(all_runs[dataset.name], dataset) for dataset in DATASETS):
        return (f'The comparison planned in [docs/pseudo_thresholds.md](docs/pseudo_thresholds.md)'
                f' has {finished} of its {planned} runs finished (the BCCD ones are those of the '
                'BCCD comparison). Its table replaces this paragraph when the last has finished.\n')
    lines = table_head(['data', 'thresholds', 'held-out teacher AP50 − fixed',
                        'pseudo precision', 'pseudo recall', 'targets met'])
    for dataset in DATASETS:
        runs, seeds = all_runs[dataset.name], dataset.planned_seeds
        for policy, name in dataset.policies.items():
            if policy == dataset.fixed:
                continue
            lines.append(
                f'| {dataset.name} | {name} | {gap_cell(runs, dataset, policy, HELD_OUT_AP50)} | '
                f'{percent(mean(runs[policy], seeds, "pseudo precision"))} | '
                f'{percent(mean(runs[policy], seeds, "pseudo recall"))} (fixed '
                f'{percent(mean(runs[dataset.fixed], seeds, "pseudo recall"))}) | '
                f'{targets_cell(judge_targets(runs, dataset, policy), dataset)} |')
    return '\n'.join(lines) + '\n'


RUN_COLUMNS = ('teacher AP50, val', 'teacher AP50, held out', 'pseudo precision',
               'pseudo recall', 'pseudo-boxes / image')
RUN_KEYS = ('teacher AP50', HELD_OUT_AP50, 'pseudo precision', 'pseudo recall')


def table_head(columns: List[str]) -> List[str]:
    return ['| ' + ' | '.join(columns) + ' |', '|---' * len(columns) + '|']


def policy_rows(runs: RunResults, dataset: Dataset) -> List[str]:
    """Each policy's means ± std over its seeds, and its gaps and targets against fixed MUM."""
    lines = table_head(['thresholds', dataset.seed_word, *RUN_COLUMNS, 'val AP50 − fixed',
                        'held-out AP50 − fixed', 'targets met'])
    for policy, by_seed in runs.items():
        values = list(by_seed.values())
        cells = [mean_std([v[key] for v in values], percent=True) for key in RUN_KEYS]
        cells.append(mean_std([v['pseudo-boxes / img'] for v in values], percent=False))
        if policy == dataset.fixed:
            cells += ['', '', '']
        else:
            cells += [gap_cell(runs, dataset, policy, 'teacher AP50'),
                      gap_cell(runs, dataset, policy, HELD_OUT_AP50),
                      targets_cell(judge_targets(runs, dataset, policy), dataset)]
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
