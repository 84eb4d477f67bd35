"""The DINO demo comparison's tables: docs/dino_demo.md holds what dino_report.py makes from the
stored results, and the report counts only finished runs of the planned schedule."""
import json
import os
import os.path as osp

import pytest
from conftest import REPO, import_tool
from stored_comparisons import store_comparison, store_run

from mum.analysis.generated_sections import stale_sections

dino_report = import_tool('analysis_tools/dino_report.py')
SUPERVISED, NO_MIX, MUM = dino_report.METHODS


def _write_commits(results_dir: str, run: str, seed: int, *commits: str) -> None:
    """The run's environment record: one leg per commit ('+' marks a dirty tree)."""
    with open(osp.join(results_dir, run, f'seed{seed}', 'environment.json'), 'w') as record:
        json.dump([dict(git_commit=commit.rstrip('+'), git_dirty=commit.endswith('+'))
                   for commit in commits], record)


def test_the_documents_hold_what_the_report_makes_of_the_stored_results():
    made = dino_report.sections(dino_report.finished_runs(dino_report.LANES))
    stale = stale_sections(REPO, dino_report.TOOL, dino_report.DOCUMENTS, made)
    assert not stale, f'{stale} are stale: run python tools/analysis_tools/dino_report.py --write'


def test_only_finished_runs_of_the_planned_schedule_count(tmp_path):
    lane = str(tmp_path / 'lane')
    summary = {
        SUPERVISED: {'0': store_run(lane, SUPERVISED, 0, 0.3, legs=2, iterations=1200),
                     '1': store_run(lane, SUPERVISED, 1, 0.3, finished=False, iterations=1200)},
        MUM: {'0': store_run(lane, MUM, 0, 0.3, iterations=1000)}}
    with open(osp.join(lane, 'results.json'), 'w') as summary_file:
        json.dump(summary, summary_file)
    _write_commits(lane, SUPERVISED, 0, 'b' * 40 + '+', 'a' * 40)
    runs = dino_report.finished_runs([lane])
    assert list(runs) == [SUPERVISED] and list(runs[SUPERVISED]) == [0]
    numbers = runs[SUPERVISED][0]
    # 2 windows x 20 iterations x 3 s over the 1200 planned iterations: the second leg trained
    # the same iterations again (they count once) and the validation line's time is not training
    assert numbers['seconds_per_iteration'] == pytest.approx(2 * 20 * 3 / 1200)
    assert numbers['legs'] == 2 and numbers['commits'] == ['bbbbbbb + changes', 'aaaaaaa']
    assert 'is running: 1 of its 9 runs have finished' in dino_report.summary_section(runs)
    details = dino_report.details_section(runs).splitlines()
    assert details[2] == ('| 0 | supervised only | 60.0 | 30.0 | 15.0 | 90.0 | 50.0 | 8.00 | '
                          '0.10 | 2 | bbbbbbb + changes, aaaaaaa |')  # in leg order
    assert len({line.count('|') for line in details}) == 1  # header, rule and rows align


def test_the_table_and_the_gaps_once_every_planned_run_has_finished(tmp_path):
    lane = str(tmp_path / 'lane')
    baseline = {0: 0.30, 1: 0.34, 2: 0.26}
    held_out = {SUPERVISED: baseline, NO_MIX: {seed: v - 0.01 for seed, v in baseline.items()},
                MUM: {0: 0.35, 1: 0.33, 2: 0.30}}
    store_comparison(lane, held_out, iterations=1200)
    for run, by_seed in held_out.items():
        for seed in by_seed:
            _write_commits(lane, run, seed, 'c' * 40)
    runs = dino_report.finished_runs([lane])
    section = dino_report.summary_section(runs)
    assert ('| MUM | 3 | 60.0 ± 0.0 | 32.7 ± 2.5 | 16.3 ± 1.3 | 90.0 ± 0.0 | 50.0 ± 0.0 | '
            '8.00 ± 0.00 | 0.10 |') in section
    # paired over seeds 0-2: MUM - supervised = +5, -1, +4 points
    assert ('- MUM − supervised only, teacher AP50 on 480 images: +2.7 (larger std 4.0), ahead '
            'on 2 of 3 seeds, paired t-test p = 0.29;') in section
    assert '- MUM − no-mix teacher-student, teacher AP50 on 480 images: +3.7' in section
    # the 120-image AP50s are equal (store_run's 0.6): the t-test is undefined, not an error
    assert 'on 120 images: +0.0 (larger std 0.0), ahead on 0 of 3 seeds, paired t-test p = ' \
           'undefined.' in section
    assert section.rstrip().endswith('Every run was trained at commit ccccccc.')
    assert 'verdict' not in section.lower() and 'helps' not in section
    assert 'MUM − supervised only' not in dino_report.details_section(runs)  # summary has them

    _write_commits(lane, MUM, 2, 'd' * 40)
    assert 'trained at ccccccc, ddddddd (the plan has one commit' in dino_report.summary_section(
        dino_report.finished_runs([lane]))
    os.remove(osp.join(lane, MUM, 'seed2', 'environment.json'))
    assert 'trained at an unrecorded commit, ccccccc (the plan' in dino_report.summary_section(
        dino_report.finished_runs([lane]))


def test_a_seed_outside_the_plan_is_left_out(tmp_path):
    lane = str(tmp_path / 'lane')
    store_comparison(lane, {MUM: {2: 0.3, 3: 0.3}}, iterations=1200)
    assert list(dino_report.finished_runs([lane])[MUM]) == [2]
