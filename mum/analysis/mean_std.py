"""Numbers as the comparison tables print them: 'mean ± std' over seeds, or one percentage."""
from typing import Optional, Sequence

import numpy as np


def mean_std(values: Sequence[Optional[float]], percent: bool) -> str:
    """'mean ± std' (sample std over seeds; just the value for one seed), or 'n/a'.

    Args:
        values: One value per seed; None and NaN (a run without this number) are left out.
        percent: Values are fractions, printed x100 with one decimal; else two decimals.
    """
    values = [v for v in values if v is not None and not np.isnan(v)]
    if not values:
        return 'n/a'
    scale = 100.0 if percent else 1.0
    mean = scale * float(np.mean(values))
    if len(values) == 1:
        return f'{mean:.1f}' if percent else f'{mean:.2f}'
    std = scale * float(np.std(values, ddof=1))
    return f'{mean:.1f} ± {std:.1f}' if percent else f'{mean:.2f} ± {std:.2f}'


def percent(value: Optional[float]) -> str:
    """A fraction x100 with one decimal, or 'n/a' for a run without this number."""
    return 'n/a' if value is None else f'{100 * value:.1f}'
