import json
import os.path as osp

from conftest import REPO, run_tool

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'compare_methods.py')


def _write_log(work_dir, ap50_values):
    run_dir = work_dir / '20260101_000000' / 'vis_data'
    run_dir.mkdir(parents=True)
    lines = []
    for step, value in zip((150, 300), ap50_values):
        lines.append(dict(loss=1.0, lr=0.02, iter=step, step=step))
        lines.append({'teacher/coco/bbox_mAP': value / 2, 'teacher/coco/bbox_mAP_50': value,
                      'student/coco/bbox_mAP': value / 3, 'student/coco/bbox_mAP_50': value,
                      'step': 0})  # mmengine's by-epoch metric logging writes step 0
    (run_dir / 'scalars.json').write_text('\n'.join(json.dumps(line) for line in lines) + '\n')


def test_summarises_existing_runs_into_a_table_and_a_plot(tmp_path):
    _write_log(tmp_path / 'demo_supervised', [0.4, 0.6])
    _write_log(tmp_path / 'demo_mum', [0.5, 0.8])
    result = run_tool([TOOL, '--out-dir', str(tmp_path), '--skip-training', '--configs',
                       'configs/supervised/demo_supervised.py', 'configs/mum/demo_mum.py'],
                      cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    table = (tmp_path / 'comparison.md').read_text()
    assert '| demo_supervised | 300 | 30.0 | 60.0 | 20.0 | 60.0 | 60.0 |' in table
    assert '| demo_mum | 300 | 40.0 | 80.0 | 26.7 | 80.0 | 80.0 |' in table
    assert (tmp_path / 'comparison.png').stat().st_size > 1000


def test_missing_run_is_one_sentence(tmp_path):
    result = run_tool([TOOL, '--out-dir', str(tmp_path), '--skip-training', '--configs',
                       'configs/mum/demo_mum.py'], cwd=str(tmp_path))
    assert result.returncode != 0
    assert 'demo_mum does not exist' in result.stderr
