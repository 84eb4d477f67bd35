"""tools/analysis_tools/plot_curves.py: teacher / student AP and losses from scalars.json."""
import json

import matplotlib.figure
import pytest
from analysis_helpers import run_tool

TOOL = 'analysis_tools/plot_curves.py'


def _write_run(work_dir, timestamp, lines):
    vis_data = work_dir / timestamp / 'vis_data'
    vis_data.mkdir(parents=True)
    (vis_data / 'scalars.json').write_text(''.join(json.dumps(line) + '\n' for line in lines))


def _lines(scale, steps=range(10, 61, 10)):
    lines = []
    for step in steps:
        lines.append(dict(lr=0.01, loss=scale / step, sup_loss_cls=0.5 / step,
                          unsup_loss_cls=0.2 / step, iter=step, step=step))
        if step % 30 == 0:
            lines.append({'teacher/coco/bbox_mAP': step / 100, 'student/coco/bbox_mAP': step / 120,
                          'teacher/coco/bbox_mAP_50': step / 50,
                          'student/coco/bbox_mAP_50': step / 60, 'step': step})
    return lines


@pytest.mark.slow
def test_plot_curves_draws_each_work_dir(tmp_path, capsys):
    mum, ut = tmp_path / 'mum', tmp_path / 'unbiased_teacher'
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
    assert "key(s) ['unsup_loss_bbox'] are in none of" in capsys.readouterr().err
    (mum / '20240103_000000' / 'vis_data').mkdir(parents=True)
    (mum / '20240103_000000' / 'vis_data' / 'scalars.json').write_text('{"loss": 1, "st\n')
    with pytest.raises(SystemExit):  # malformed newest log
        run_tool(TOOL, mum, '--out', out)
    assert 'is not JSON' in capsys.readouterr().err


@pytest.mark.slow
def test_plot_curves_draws_every_start_of_a_resumed_run(tmp_path, capsys, monkeypatch):
    # first start: logged 10..70 (evaluated at 30 and 60), stopped; --resume from iter 60 made
    # a second start that logged 70..120 (evaluated at 90 and 120)
    work_dir = tmp_path / 'mum'
    _write_run(work_dir, '20240101_000000', _lines(2.0, range(10, 71, 10)))
    _write_run(work_dir, '20240101_010000', _lines(3.0, range(70, 121, 10)))
    drawn = {}

    def record_lines(figure, *args, **kwargs):
        for axis in figure.axes:
            for line in axis.get_lines():
                drawn[(axis.get_title(), line.get_label())] = (list(line.get_xdata()),
                                                               list(line.get_ydata()))
        return save_figure(figure, *args, **kwargs)

    save_figure = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(matplotlib.figure.Figure, 'savefig', record_lines)
    out = tmp_path / 'curves.png'

    run_tool(TOOL, work_dir, '--out', out)

    steps, values = drawn[('loss', 'mum')]
    assert steps == list(range(10, 121, 10))  # the second start's 70 replaces the first's
    assert values[6] == pytest.approx(3.0 / 70)
    steps, _ = drawn[('bbox_mAP (teacher -, student --)', 'mum teacher')]
    assert steps == [30, 60, 90, 120]
    assert out.stat().st_size > 5000
    printed = capsys.readouterr().out
    assert '20240101_000000' in printed and '20240101_010000' in printed
    assert '4 evaluations' in printed
