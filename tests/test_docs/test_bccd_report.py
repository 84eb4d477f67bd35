"""The BCCD comparison's tables: README.md and docs/bccd.md hold what bccd_report.py makes from the
stored results, and the report counts only finished runs and applies the plan's criterion."""
import json
import os
import os.path as osp

import pytest
from conftest import REPO, import_tool
from stored_comparisons import store_comparison, store_run

from mum.analysis.generated_sections import stale_sections

bccd_report = import_tool('analysis_tools/bccd_report.py')
CLASS_KEYS = {f'coco/{name}_precision': 0.5 for name in bccd_report.CLASSES}


def _plan(mum_gain_per_fold):
    """Test AP50s of every planned run; MUM is ahead of both baselines by the given gaps."""
    baseline = [0.80, 0.82, 0.78, 0.81, 0.79]
    return {'bccd_supervised': dict(enumerate(baseline)),
            'bccd_unbiased_teacher': dict(enumerate(baseline)),
            'bccd_mum': {fold: value + gain for fold, (value, gain)
                         in enumerate(zip(baseline, mum_gain_per_fold))},
            'bccd_mum_adaptive': dict(enumerate(baseline)),
            'oracle': {0: 0.9, 1: 0.91}}


def test_the_documents_hold_what_the_report_makes_of_the_stored_results():
    made = bccd_report.sections(bccd_report.finished_runs(bccd_report.LANES))
    stale = stale_sections(REPO, bccd_report.TOOL, bccd_report.DOCUMENTS, made)
    assert not stale, f'{stale} are stale: run python tools/analysis_tools/bccd_report.py --write'


def test_only_finished_runs_at_their_last_iteration_count(tmp_path):
    lane = str(tmp_path / 'lane')
    summary = {
        'bccd_supervised': {
            '0': store_run(lane, 'bccd_supervised', 0, 0.8, legs=2, test_metrics=CLASS_KEYS),
            '1': store_run(lane, 'bccd_supervised', 1, 0.8, finished=False)},
        'bccd_mum': {'0': store_run(lane, 'bccd_mum', 0, 0.8, iterations=250)}}
    with open(osp.join(lane, 'results.json'), 'w') as summary_file:
        json.dump(summary, summary_file)
    runs = bccd_report.finished_runs([lane])
    assert list(runs) == ['bccd_supervised'] and list(runs['bccd_supervised']) == [0]
    numbers = runs['bccd_supervised'][0]
    # 2 windows x 20 iterations x 3 s: the second leg trained the same iterations again (they
    # count once) and the validation line's time is not training
    assert numbers['training_minutes'] == pytest.approx(2 * 20 * 3 / 60)
    assert numbers['legs'] == 2 and numbers['RBC AP'] == 0.5
    assert 'is running: 1 of its 22 runs have finished' in bccd_report.readme_section(runs)
    details = bccd_report.details_section(runs).splitlines()
    assert details[2].startswith('| 0 | supervised only | 80.0 | 40.0 | 50.0 | 50.0 | 50.0 |')
    assert len({line.count('|') for line in details}) == 1  # header, rule and rows align


def test_the_criterion_says_mum_helps_only_when_the_plan_s_conditions_hold(tmp_path):
    lane = str(tmp_path / 'clear_gain')
    store_comparison(lane, _plan([0.05, 0.04, 0.06, 0.05, 0.05]))
    section = bccd_report.readme_section(bccd_report.finished_runs([lane]))
    assert section.count('**MUM helps**') == 2
    assert '| oracle (folds 0, 1) | 2 | 90.5 ± 0.7 |' in section
    assert '- MUM − supervised only: +5.0 AP50 (larger std 1.6), ahead on 5 of 5 folds' in section

    # the mean gap above the larger std, but ahead on 3 folds only; ahead on 5, but within the std
    for name, gains in (('three_folds', [0.15, 0.15, 0.15, -0.001, -0.001]),
                        ('within_std', [0.01] * 5)):
        lane = str(tmp_path / name)
        store_comparison(lane, _plan(gains))
        runs = bccd_report.finished_runs([lane])
        gap = bccd_report.paired_gap(runs, 'bccd_supervised', 'bccd_mum',
                                     bccd_report.CRITERION_METRIC)
        assert gap.above_larger_std == (name == 'three_folds')
        assert gap.seeds_ahead == (3 if name == 'three_folds' else 5)
        section = bccd_report.readme_section(runs)
        assert section.count('**no gain shown**') == 2 and '**MUM helps**' not in section


def test_the_class_table_averages_the_folds_every_method_has_finished(tmp_path):
    lane = str(tmp_path / 'lane')
    platelets = {'bccd_unbiased_teacher': {0: (0.4, 0.2), 1: (0.6, 0.0)},
                 'oracle': {0: (1.0, 1.2), 1: (0.8, 1.0)}}
    os.makedirs(lane)
    summary = {}
    for run, by_fold in platelets.items():
        for fold, counts in by_fold.items():
            per_class = {name: counts if name == 'Platelets' else (2.0, 2.0)
                         for name in bccd_report.CLASSES}
            summary.setdefault(run, {})[str(fold)] = store_run(
                lane, run, fold, 0.8, pseudo_per_image=per_class,
                test_metrics={**CLASS_KEYS, 'coco/Platelets_precision': 0.3 + fold / 10})
    # supervised has fold 2 too, which the others lack: it is left out of every column
    summary['bccd_supervised'] = {
        str(fold): store_run(lane, 'bccd_supervised', fold, 0.8, test_metrics={
            **CLASS_KEYS, 'coco/Platelets_precision': 0.2 * fold}) for fold in (0, 1, 2)}
    with open(osp.join(lane, 'results.json'), 'w') as summary_file:
        json.dump(summary, summary_file)
    runs = bccd_report.finished_runs([lane])
    table = bccd_report.classes_section(runs).splitlines()
    assert table[0] == ("Folds 0, 1 (those every method has finished); truth: the oracle's "
                        'folds 0, 1.')
    assert table[2] == ('| class | truth / image | test AP: supervised only | test AP: Unbiased '
                        'Teacher | pseudo / image: Unbiased Teacher |')
    # truth: the oracle's mean over its intervals and folds; first -> last: means over folds
    assert table[4] == '| Platelets | 1.00 | 10.0 ± 14.1 | 35.0 ± 7.1 | 0.50 → 0.10 |'
    assert table[5] == '| RBC | 2.00 | 50.0 ± 0.0 | 50.0 ± 0.0 | 2.00 → 2.00 |'

    del runs['bccd_unbiased_teacher'][1]['Platelets pseudo last']  # a run that never logged it
    assert '| 0.50 → n/a |' in bccd_report.classes_section(runs)


def test_the_same_run_with_other_numbers_in_two_folders_is_refused(tmp_path):
    for name, value in (('a', 0.8), ('b', 0.7)):
        lane = str(tmp_path / name)
        store_comparison(lane, {'bccd_mum': {0: value}})
    with pytest.raises(SystemExit, match='bccd_mum fold 0 differs'):
        bccd_report.finished_runs([str(tmp_path / 'a'), str(tmp_path / 'b')])
