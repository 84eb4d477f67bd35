"""benchmark_demo_step.py times burn-in, Unbiased Teacher and MUM steps of a demo detector in one
run, each from the same weights, and reports their ratios (its timings are not asserted: they
depend on the machine)."""
import json
import os.path as osp

import pytest
from conftest import REPO, run_tool

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'benchmark_demo_step.py')


@pytest.mark.slow
def test_dino_steps_are_timed_and_their_ratios_reported(demo_workspace, tmp_path):
    out = tmp_path / 'dino.json'
    # the DINO models shortened: the tool's path, not DINO's cost, is under test
    result = run_tool([TOOL, '--detector', 'dino', '--rounds', '2', '--out', str(out),
                       '--cfg-options', 'model.detector.encoder.num_layers=1',
                       'model.detector.decoder.num_layers=2', 'model.detector.num_queries=20',
                       # the untrained teacher's scores are near the focal prior 0.01
                       'model.semi_train_cfg.cls_pseudo_thr=0.001'],
                      cwd=demo_workspace, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'MUM step / UT step = ' in result.stdout
    report = json.loads(out.read_text())
    assert report['detector'] == 'dino' and report['rounds'] == 2
    assert report['environment']['git_commit'] and report['environment']['pip_freeze']
    assert set(report['median_step_seconds']) == {'burn-in', 'UT', 'MUM'}
    assert report['mum_over_ut'] == pytest.approx(
        report['median_step_seconds']['MUM'] / report['median_step_seconds']['UT'])
    # every step of a round starts from the same weights and random state, so the steps that
    # follow a training step still compute the same loss on the labeled views
    losses = report['labeled_loss_per_round']
    assert len(losses['MUM']) == 2 and losses['burn-in'] == losses['UT'] == losses['MUM']
    assert report['same_start'] and 'the same start): yes' in result.stdout
    boxes = report['pseudo_boxes_per_image']  # the same teacher, so the same pseudo-labels
    assert set(boxes) == {'UT', 'MUM'} and boxes['UT'] == boxes['MUM'] and len(boxes['UT']) == 2
    assert min(boxes['UT']) > 0
    for method in ('UT', 'MUM'):
        shares = report['breakdown'][method]
        assert 'teacher prediction (weak unlabeled view)' in shares
        assert sum(shares.values()) == pytest.approx(1.0)
