"""How far each method is ahead of the one listed before it, over the seeds both ran.

The comparison's target reads "MUM > Unbiased Teacher > supervised, each gap above the larger
of the two standard deviations"; this computes that gap, how many seeds agree with it and a
paired t-test, so the judgement is read from comparison.md rather than worked out by hand.
:func:`paired_gap` does it for any two runs (a plan's criterion may pair runs that are not
listed next to each other).
"""
from typing import Dict, List, NamedTuple, Optional

import numpy as np
from scipy import stats


class Gap(NamedTuple):
    """One method against the one listed before it, on one metric, over their common seeds."""
    lower: str
    higher: str
    seeds: int
    difference: float
    larger_std: float
    seeds_ahead: int
    p_value: Optional[float]

    @property
    def above_larger_std(self) -> bool:
        return self.difference > self.larger_std

    def in_words(self, unit: str = '', seed_word: str = 'seeds') -> str:
        """The gap in percentage points of a fraction metric, for a report: e.g. '+3.2 AP50
        (larger std 4.4), ahead on 5 of 5 folds, paired t-test p = 0.015' (``unit`` ' AP50',
        ``seed_word`` 'folds')."""
        p_value = 'undefined' if self.p_value is None else f'{self.p_value:.2g}'
        return (f'{100 * self.difference:+.1f}{unit} (larger std {100 * self.larger_std:.1f}), '
                f'ahead on {self.seeds_ahead} of {self.seeds} {seed_word}, paired t-test '
                f'p = {p_value}')


def paired_gap(results: Dict[str, Dict[int, dict]], lower: str, higher: str,
               metric: str) -> Optional[Gap]:
    """``metric`` of run ``higher`` minus that of run ``lower``, over the seeds both have.

    Args:
        results: ``{run name: {seed: {metric: value or None}}}``.
        lower: The run subtracted.
        higher: The run it is subtracted from.
        metric: The metric to compare.

    Returns:
        Gap or None: None when fewer than two seeds have ``metric`` in both runs; else the
        difference of the means, the larger of the two sample stds, the seeds where ``higher``
        is ahead, and the two-sided paired t-test's p (None when the per-seed differences are
        all equal, to float rounding, so that the test is undefined).
    """
    seeds = sorted(seed for seed in results.get(lower, {}) if seed in results.get(higher, {})
                   and results[lower][seed].get(metric) is not None
                   and results[higher][seed].get(metric) is not None)
    if len(seeds) < 2:
        return None
    lower_values = np.array([results[lower][seed][metric] for seed in seeds])
    higher_values = np.array([results[higher][seed][metric] for seed in seeds])
    differences = higher_values - lower_values
    p_value = (float(stats.ttest_rel(higher_values, lower_values).pvalue)
               if not np.allclose(differences, differences[0]) else None)
    return Gap(lower, higher, len(seeds), float(differences.mean()),
               float(max(lower_values.std(ddof=1), higher_values.std(ddof=1))),
               int((differences > 0).sum()), p_value)


def consecutive_gaps(results: Dict[str, Dict[int, dict]], metric: str) -> List[Gap]:
    """:func:`paired_gap` of each run against the run listed before it (``results``' order).

    Args:
        results: ``{run name: {seed: {metric: value or None}}}``, runs in their expected order
            (weakest first).
        metric: The metric to compare; a pair is left out when fewer than two seeds have it in
            both runs.

    Returns:
        list[Gap]: one per pair that has two seeds or more.
    """
    names = list(results)
    gaps = (paired_gap(results, lower, higher, metric) for lower, higher in zip(names, names[1:]))
    return [gap for gap in gaps if gap is not None]
