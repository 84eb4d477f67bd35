"""The BCCD comparison's tables: README.md and docs/bccd.md hold what bccd_report.py makes from the
stored results, and the report counts only finished runs and applies the plan's criterion."""
import json
import os
import os.path as osp

import pytest
from conftest import REPO, import_tool

bccd_report = import_tool('analysis_tools/bccd_report.py')
CLASS_KEYS = {f'coco/{name}_precision': 0.5 for name in bccd_report.CLASSES}


def _store_run(lane: str, run: str, fold: int, test_ap50: float, finished: bool = True,
               iterations: int = 1000, legs: int = 1) -> dict:
    """A run's folder as compare_methods.py --results-dir leaves it; returns its results.json
    entry (the caller writes results.json)."""
    folder = osp.join(lane, run, f'seed{fold}')
    for leg in range(legs):
        os.makedirs(osp.join(folder, f'20261206_00000{leg}', 'vis_data'))
        with open(osp.join(folder, f'20261206_00000{leg}', 'vis_data', 'scalars.json'), 'w') as f:
            # two training windows of 3 s per iteration, then a validation line (not counted)
            f.write('{"loss": 1.0, "time": 3.0, "iter": 20, "step": 20}\n'
                    '{"loss": 0.9, "time": 3.0, "iter": 40, "step": 40}\n'
                    '{"teacher/coco/bbox_mAP_50": 0.5, "time": 99.0, "step": 40}\n')
    if finished:
        with open(osp.join(folder, 'compare_methods.finished'), 'w') as mark:
            mark.write('tools/train.py ...\n')
        with open(osp.join(folder, 'test_data.json'), 'w') as test_file:
            json.dump({'metrics': {'coco/bbox_mAP_50': test_ap50, **CLASS_KEYS}}, test_file)
    return {'iterations': iterations, 'teacher AP50': 0.6, 'test-data teacher AP50': test_ap50,
            'test-data teacher AP': test_ap50 / 2, 'pseudo precision': 0.9,
            'pseudo recall': 0.5, 'pseudo-boxes / img': 8.0}


def _store_comparison(lane: str, test_ap50s: dict) -> None:
    """Every run of ``test_ap50s`` (``{run: {fold: AP50}}``), finished, with its results.json."""
    summary = {run: {str(fold): _store_run(lane, run, fold, value)
                     for fold, value in by_fold.items()}
               for run, by_fold in test_ap50s.items()}
    with open(osp.join(lane, 'results.json'), 'w') as summary_file:
        json.dump(summary, summary_file)


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
    for section, document in bccd_report.DOCUMENTS.items():
        path = osp.join(REPO, document)
        with open(path, encoding='utf-8') as document_file:
            held = bccd_report.section_in(document_file.read(), section, path)
        assert held == made[section], (
            f'{document} is stale: run python tools/analysis_tools/bccd_report.py --write')


def test_only_finished_runs_at_their_last_iteration_count(tmp_path):
    lane = str(tmp_path / 'lane')
    summary = {'bccd_supervised': {'0': _store_run(lane, 'bccd_supervised', 0, 0.8, legs=2),
                                   '1': _store_run(lane, 'bccd_supervised', 1, 0.8,
                                                   finished=False)},
               'bccd_mum': {'0': _store_run(lane, 'bccd_mum', 0, 0.8, iterations=250)}}
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
    os.makedirs(lane)
    _store_comparison(lane, _plan([0.05, 0.04, 0.06, 0.05, 0.05]))
    section = bccd_report.readme_section(bccd_report.finished_runs([lane]))
    assert section.count('**MUM helps**') == 2
    assert '| oracle (folds 0, 1) | 2 | 90.5 ± 0.7 |' in section
    assert '- MUM − supervised only: +5.0 AP50 (larger std 1.6), ahead on 5 of 5 folds' in section

    # the mean gap above the larger std, but ahead on 3 folds only; ahead on 5, but within the std
    for name, gains in (('three_folds', [0.15, 0.15, 0.15, -0.001, -0.001]),
                        ('within_std', [0.01] * 5)):
        lane = str(tmp_path / name)
        os.makedirs(lane)
        _store_comparison(lane, _plan(gains))
        runs = bccd_report.finished_runs([lane])
        gap = bccd_report.paired_gap(runs, 'bccd_supervised', 'bccd_mum',
                                     bccd_report.CRITERION_METRIC)
        assert gap.above_larger_std == (name == 'three_folds')
        assert gap.seeds_ahead == (3 if name == 'three_folds' else 5)
        section = bccd_report.readme_section(runs)
        assert section.count('**no gain shown**') == 2 and '**MUM helps**' not in section


def test_the_same_run_with_other_numbers_in_two_folders_is_refused(tmp_path):
    for name, value in (('a', 0.8), ('b', 0.7)):
        lane = str(tmp_path / name)
        os.makedirs(lane)
        _store_comparison(lane, {'bccd_mum': {0: value}})
    with pytest.raises(SystemExit, match='bccd_mum fold 0 differs'):
        bccd_report.finished_runs([str(tmp_path / 'a'), str(tmp_path / 'b')])


def test_the_readme_stays_within_200_lines_with_the_complete_table(tmp_path):
    """The README's section grows from one paragraph to the table and the criterion: it must
    still fit test_readme.py's limit then."""
    lane = str(tmp_path / 'complete')
    os.makedirs(lane)
    _store_comparison(lane, _plan([0.05] * 5))
    complete = bccd_report.readme_section(bccd_report.finished_runs([lane]))
    path = osp.join(REPO, 'README.md')
    with open(path, encoding='utf-8') as readme:
        text = readme.read()
    current = bccd_report.section_in(text, 'readme', path)
    assert len(text.splitlines()) - len(current.splitlines()) + len(complete.splitlines()) <= 200
