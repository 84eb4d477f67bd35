"""The pseudo-label threshold comparison's tables: README.md and docs/pseudo_thresholds.md hold
what thresholds_report.py makes from the stored results, and the targets are judged as planned."""
import os.path as osp

import pytest
from conftest import REPO, import_tool
from stored_comparisons import store_comparison
from test_readme import MAX_README_LINES

from mum.analysis.generated_sections import section_in, stale_sections

thresholds_report = import_tool('analysis_tools/thresholds_report.py')
bccd_report = import_tool('analysis_tools/bccd_report.py')


def _runs_in(folder: str) -> dict:
    """Every dataset's finished runs, each read from ``folder``/<its name> instead."""
    return {dataset.name: thresholds_report.finished_runs(
                dataset._replace(results_dirs=(osp.join(folder, dataset.name), )))
            for dataset in thresholds_report.DATASETS}


def _held_out(dataset) -> dict:
    """The held-out data that compare_methods.py records for a run of ``dataset``."""
    if dataset.held_out_source.endswith('.json'):
        return {'test ann file': f'/somewhere/data/bccd/annotations/{dataset.held_out_source}'}
    return {'test data': f'/somewhere/data/{dataset.held_out_source}'}


def _store(folder: str, dataset, test_ap50s: dict, **run_args) -> None:
    store_comparison(osp.join(folder, dataset.name), test_ap50s,
                     **{'iterations': dataset.last_iteration, **_held_out(dataset), **run_args})


def _store_every_planned_run(folder: str, recall: dict, precision: dict, ap50_gain: dict):
    """All planned runs of every dataset; each policy's seeds share ``recall[policy]`` and
    ``precision[policy]`` and are ``ap50_gain[policy]`` above fixed MUM (AP50s 0.60, 0.62, ...)."""
    for dataset in thresholds_report.DATASETS:
        kinds = {policy: policy.replace('bccd_', 'demo_')  # a BCCD policy behaves as the demo's
                 for policy in dataset.policies}
        _store(folder, dataset, {
            policy: {seed: 0.60 + 0.02 * seed + ap50_gain.get(kind, 0.0)
                     for seed in dataset.planned_seeds} for policy, kind in kinds.items()},
               **{'pseudo recall': {p: recall[k] for p, k in kinds.items()},
                  'pseudo precision': {p: precision[k] for p, k in kinds.items()}})


def test_the_documents_hold_what_the_report_makes_of_the_stored_results():
    made = thresholds_report.sections({dataset.name: thresholds_report.finished_runs(dataset)
                                       for dataset in thresholds_report.DATASETS})
    stale = stale_sections(REPO, thresholds_report.TOOL, thresholds_report.DOCUMENTS, made)
    assert not stale, (f'{stale} are stale: run python '
                       'tools/analysis_tools/thresholds_report.py --write')


def test_each_target_is_judged_against_fixed_mum(tmp_path):
    _store_every_planned_run(
        str(tmp_path),
        recall={'demo_mum': 0.4, 'demo_mum_adaptive': 0.6, 'demo_mum_band': 0.5,
                'demo_mum_adaptive_band': 0.7},
        precision={'demo_mum': 0.9, 'demo_mum_adaptive': 0.8, 'demo_mum_band': 0.95,
                   'demo_mum_adaptive_band': 0.7},
        ap50_gain={'demo_mum_adaptive': 0.01, 'demo_mum_band': -0.01,
                   'demo_mum_adaptive_band': 0.0})
    readme = thresholds_report.readme_section(_runs_in(str(tmp_path))).splitlines()
    # the recall ratio exactly at 1.5 meets its target
    assert ('| demo, covering split | adaptive | +1.0 (larger std 2.0, ahead 3/3, p undefined) | '
            '80.0 | 60.0 (fixed 40.0) | 3 of 3 (recall, precision, AP50); recall 1.500x, '
            'precision 80.00 % |' in readme)
    assert ('| demo, random split | fixed 0.7, band from 0.3 | -1.0 (larger std 2.0, ahead 0/3, '
            'p undefined) | 95.0 | 50.0 (fixed 40.0) | 1 of 3 (precision); recall 1.250x, '
            'precision 95.00 % |' in readme)
    assert ('| demo, covering split | adaptive, band | +0.0 (larger std 2.0, ahead 0/3, '
            'p undefined) | 70.0 | 70.0 (fixed 40.0) | 2 of 3 (recall, AP50); recall 1.750x, '
            'precision 70.00 % |' in readme)
    assert sum(line.startswith('| BCCD | adaptive | +1.0 (larger std 3.2, ahead 5/5')
               for line in readme) == 1
    assert len(readme) == 2 + 3 + 3 + 1  # head, then every policy but fixed MUM per dataset


def test_a_target_is_met_at_its_value_and_not_below():
    targets = thresholds_report.Targets
    assert targets(3, 1.5, 0.8, 0.0).met() == ['recall', 'precision', 'AP50']
    assert targets(3, 1.4999, 0.7999, -0.0001).met() == []
    assert targets(3, None, None, None).met() == []  # a missing number meets nothing


def test_targets_are_paired_over_the_planned_seeds_both_policies_finished(tmp_path, capsys):
    cover = thresholds_report.DATASETS[0]
    _store(str(tmp_path), cover, {'demo_mum': {0: 0.60, 1: 0.62, 2: 0.64},
                                  'demo_mum_adaptive': {0: 0.61, 1: 0.63, 100: 0.99}},
           **{'pseudo recall': {'demo_mum': 0.4, 'demo_mum_adaptive': 0.6}})
    runs = _runs_in(str(tmp_path))[cover.name]
    assert 'left out demo_mum_adaptive seed 100' in capsys.readouterr().err
    assert list(runs['demo_mum_adaptive']) == [0, 1]
    targets = thresholds_report.judge_targets(runs, cover, 'demo_mum_adaptive')
    assert targets.seeds == 2 and abs(targets.ap50_gap - 0.01) < 1e-9  # seeds 0 and 1 only
    details = thresholds_report.details_section({**_runs_in(str(tmp_path / 'none')),
                                                 cover.name: runs})
    assert ('| +1.0 (larger std 1.4, ahead 2/2, p undefined) | 3 of 3 (recall, precision, AP50); '
            'recall 1.500x, precision 90.00 %; provisional: 2 of 3 seeds |' in details)


def test_a_run_scored_on_other_held_out_data_is_refused(tmp_path):
    cover = thresholds_report.DATASETS[0]
    store_comparison(str(tmp_path / cover.name), {'demo_mum': {0: 0.6}}, iterations=1200,
                     **{'test data': '/somewhere/data/demo'})
    with pytest.raises(SystemExit, match=r"scored on '/somewhere/data/demo', expected "
                       r'demo_val480 for demo, covering split'):
        _runs_in(str(tmp_path))


def test_only_finished_runs_count_and_the_table_waits_for_the_last(tmp_path):
    cover = thresholds_report.DATASETS[0]
    _store(str(tmp_path), cover, {'demo_mum': {0: 0.6}, 'demo_mum_band': {0: 0.6}},
           iterations={'demo_mum': 1200, 'demo_mum_band': 600})
    runs = _runs_in(str(tmp_path))
    assert 'has 1 of its 34 runs finished' in thresholds_report.readme_section(runs)
    details = thresholds_report.details_section(runs)
    assert '| 0 | fixed 0.7 | 60.0 | 60.0 | 90.0 | 50.0 | 8.00 |' in details
    assert details.count('No run has finished yet.') == 2


def test_the_readme_stays_within_its_limit_with_both_complete_tables(tmp_path):
    """Both reports' README sections grow from a paragraph to a table when their comparisons
    end: the README must still fit test_readme.py's limit then."""
    _store_every_planned_run(str(tmp_path), recall=dict.fromkeys(thresholds_report.DEMO_POLICIES,
                                                                 0.5),
                             precision=dict.fromkeys(thresholds_report.DEMO_POLICIES, 0.9),
                             ap50_gain={})
    thresholds_table = thresholds_report.readme_section(_runs_in(str(tmp_path)))
    folds = range(bccd_report.PLANNED_FOLDS['bccd_mum'])
    store_comparison(str(tmp_path / 'bccd'), {
        run: {fold: 0.8 + 0.01 * fold for fold in folds[:planned]}
        for run, planned in bccd_report.PLANNED_FOLDS.items()})
    bccd_table = bccd_report.readme_section(bccd_report.finished_runs([str(tmp_path / 'bccd')]))
    assert 'Unbiased Teacher' in bccd_table and 'targets met' in thresholds_table  # complete
    path = osp.join(REPO, 'README.md')
    with open(path, encoding='utf-8') as readme:
        text = readme.read()
    lines = len(text.splitlines())
    for tool, complete in ((thresholds_report.TOOL, thresholds_table),
                           (bccd_report.TOOL, bccd_table)):
        lines += len(complete.splitlines()) - len(section_in(text, tool, 'readme', path)
                                                  .splitlines())
    assert lines <= MAX_README_LINES, f'README.md would have {lines} lines'
