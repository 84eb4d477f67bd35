"""tools/analysis_tools/plot_curves.py: teacher / student AP and losses from scalars.json."""
import json

import pytest
from analysis_helpers import run_tool

TOOL = 'analysis_tools/plot_curves.py'


def _write_run(work_dir, timestamp, lines):
    vis_data = work_dir / timestamp / 'vis_data'
    vis_data.mkdir(parents=True)
    (vis_data / 'scalars.json').write_text(''.join(json.dumps(line) + '\n' for line in lines))


def _lines(scale):
    lines = []
    for step in range(10, 61, 10):
        lines.append(dict(lr=0.01, loss=scale / step, sup_loss_cls=0.5 / step,
                          unsup_loss_cls=0.2 / step, iter=step, step=step))
        if step % 30 == 0:
            lines.append({'teacher/coco/bbox_mAP': step / 100, 'student/coco/bbox_mAP': step / 120,
                          'teacher/coco/bbox_mAP_50': step / 50,
                          'student/coco/bbox_mAP_50': step / 60, 'step': step})
    return lines


@pytest.mark.slow
def test_plot_curves_reads_latest_run_of_each_work_dir(tmp_path, capsys):
    mum, ut = tmp_path / 'mum', tmp_path / 'unbiased_teacher'
    _write_run(mum, '20240101_000000', [{'loss': 'broken', 'step': 1}])  # older run, ignored
    _write_run(mum, '20240102_000000', _lines(2.0))
    _write_run(ut, '20240101_000000', _lines(3.0))
    out = tmp_path / 'figures' / 'curves.png'

    run_tool(TOOL, mum, ut, '--out', out, '--smooth', 2)

    assert out.stat().st_size > 5000
    printed = capsys.readouterr().out
    assert '20240102_000000' in printed and 'mum:' in printed and 'unbiased_teacher:' in printed
    assert '2 evaluations' in printed

    with pytest.raises(SystemExit) as error:  # a key no run logged
        run_tool(TOOL, mum, '--out', out, '--keys', 'unsup_loss_bbox')
    assert error.value.code == 2
    (mum / '20240103_000000' / 'vis_data').mkdir(parents=True)
    (mum / '20240103_000000' / 'vis_data' / 'scalars.json').write_text('{"loss": 1, "st\n')
    with pytest.raises(SystemExit):  # malformed newest log
        run_tool(TOOL, mum, '--out', out)
    assert 'is not JSON' in capsys.readouterr().err
