"""How far each method is ahead of the one listed before it, over the seeds both ran.

The comparison's target reads "MUM > Unbiased Teacher > supervised, each gap above the larger
of the two standard deviations"; this computes that gap, how many seeds agree with it and a
paired t-test, so the judgement is read from comparison.md rather than worked out by hand.
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


def consecutive_gaps(results: Dict[str, Dict[int, dict]], metric: str) -> List[Gap]:
    """``metric`` of each run minus that of the run listed before it (``results``' order).

    Args:
        results: ``{run name: {seed: {metric: value or None}}}``, runs in their expected order
            (weakest first).
        metric: The metric to compare; a pair is left out when fewer than two seeds have it in
            both runs.

    Returns:
        list[Gap]: per pair, over the seeds both have: the difference of the means (later minus
        earlier), the larger of the two sample stds, the seeds where the later run is ahead,
        and the two-sided paired t-test's p (None when the per-seed differences are all
        equal, to float rounding, so that the test is undefined).
    """
    names = list(results)
    gaps = []
    for lower, higher in zip(names, names[1:]):
        seeds = sorted(seed for seed in results[lower] if seed in results[higher]
                       and results[lower][seed].get(metric) is not None
                       and results[higher][seed].get(metric) is not None)
        if len(seeds) < 2:
            continue
        lower_values = np.array([results[lower][seed][metric] for seed in seeds])
        higher_values = np.array([results[higher][seed][metric] for seed in seeds])
        differences = higher_values - lower_values
        p_value = (float(stats.ttest_rel(higher_values, lower_values).pvalue)
                   if not np.allclose(differences, differences[0]) else None)
        gaps.append(Gap(lower, higher, len(seeds), float(differences.mean()),
                        float(max(lower_values.std(ddof=1), higher_values.std(ddof=1))),
                        int((differences > 0).sum()), p_value))
    return gaps
