from .apply_thresholds import apply_thresholds, check_band_assigners
from .density_matching_threshold import (DensityMatchingThreshold, density_matching_thresholds,
                                         score_histogram)
from .fixed_threshold import FixedThreshold

__all__ = ['DensityMatchingThreshold', 'apply_thresholds',
           'check_band_assigners', 'FixedThreshold', 'density_matching_thresholds',
           'score_histogram']
