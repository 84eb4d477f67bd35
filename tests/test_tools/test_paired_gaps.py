"""The gap of each method over the one before it: differences, stds, seeds ahead, paired t-test."""
import pytest

from mum.analysis.paired_gaps import consecutive_gaps, paired_gap


def _results(**runs):
    return {name: {seed: {'teacher AP50': value} for seed, value in enumerate(values)}
            for name, values in runs.items()}


def test_gap_over_the_larger_std_with_a_paired_t_test_worked_by_hand():
    results = _results(supervised=[0.50, 0.52, 0.54], mum=[0.51, 0.54, 0.57])
    [gap] = consecutive_gaps(results, 'teacher AP50')
    assert (gap.lower, gap.higher, gap.seeds, gap.seeds_ahead) == ('supervised', 'mum', 3, 3)
    assert gap.difference == pytest.approx(0.02)
    assert gap.larger_std == pytest.approx(0.03)  # mum's sample std; supervised's is 0.02
    assert not gap.above_larger_std
    # differences 0.01, 0.02, 0.03: t = 0.02 / (0.01 / sqrt 3) = 2 sqrt 3 with 2 degrees of
    # freedom, whose CDF is 1/2 + t / (2 sqrt(2 + t^2)): p = 1 - 2 sqrt 3 / sqrt 14
    assert gap.p_value == pytest.approx(1 - 2 * 3 ** 0.5 / 14 ** 0.5)


def test_each_run_is_set_against_the_one_listed_before_it():
    results = _results(supervised=[0.50, 0.52], unbiased_teacher=[0.60, 0.58],
                       mum=[0.70, 0.50])
    gaps = consecutive_gaps(results, 'teacher AP50')
    pairs = [(gap.lower, gap.higher) for gap in gaps]
    assert pairs == [('supervised', 'unbiased_teacher'), ('unbiased_teacher', 'mum')]
    assert gaps[0].above_larger_std and gaps[0].seeds_ahead == 2
    assert gaps[1].difference == pytest.approx(0.01)
    assert gaps[1].seeds_ahead == 1 and not gaps[1].above_larger_std


def test_only_seeds_both_runs_have_count_and_equal_differences_have_no_p_value():
    results = _results(supervised=[0.50, 0.52, 0.90], mum=[0.55, 0.57])
    results['supervised'][1]['test AP50'] = 0.4
    [gap] = consecutive_gaps(results, 'teacher AP50')
    assert gap.seeds == 2 and gap.difference == pytest.approx(0.05)  # seed 2 left out
    assert gap.p_value is None  # differences 0.05 and 0.05: the t-test is undefined
    assert consecutive_gaps(results, 'test AP50') == []  # fewer than two seeds have it


def test_any_two_runs_can_be_paired_and_too_few_common_seeds_give_none():
    results = _results(supervised=[0.50, 0.52, 0.54], unbiased_teacher=[0.40, 0.60, 0.50],
                       mum=[0.51, 0.54, 0.57])
    gap = paired_gap(results, 'supervised', 'mum', 'teacher AP50')  # not listed next to each other
    assert (gap.lower, gap.higher, gap.seeds_ahead) == ('supervised', 'mum', 3)
    assert gap.difference == pytest.approx(0.02)
    assert paired_gap(results, 'supervised', 'oracle', 'teacher AP50') is None
