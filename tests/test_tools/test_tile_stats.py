"""tools/analysis_tools/tile_stats.py: the NO statistic (mean tiles spanned per object)."""
import csv
import math

import numpy as np
import pytest
from analysis_helpers import run_tool, tiny_mum_config

from mum.analysis.tile_statistics import tile_grid, tiles_spanned


def test_tiles_spanned_on_hand_made_boxes():
    # 256 x 320 padded with 64-px units and NT = 4: rows cut at 64/128/192, columns at
    # 128/192/256 (5 column units shared floor(u * 4 / 5) -> the first tile is 2 units wide)
    grid = tile_grid(256, 320, 4, 64)
    assert grid.col_edges.tolist() == [0, 128, 192, 256, 320]
    boxes = np.array([[0, 0, 10, 10], [120, 0, 130, 10], [0, 60, 10, 70], [127, 63, 129, 65],
                      [0, 0, 128, 64], [0, 0, 320, 256]])
    assert tiles_spanned(boxes, grid).tolist() == [1, 2, 2, 4, 1, 16]


@pytest.mark.slow
def test_tile_stats_writes_table_plot_and_suggestion(demo_workspace, tmp_path, capsys):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    out_dir = tmp_path / 'stats'

    run_tool('analysis_tools/tile_stats.py', config, '--num-tiles', 4, 1, 2, '--out-dir', out_dir)

    with open(out_dir / 'tile_stats.csv', newline='') as csv_file:
        rows = list(csv.DictReader(csv_file))
    assert [int(r['num_tiles']) for r in rows] == [1, 2, 4]
    no_all = [float(r['NO_all']) for r in rows]
    assert no_all[0] == 1.0 and no_all[0] <= no_all[1] <= no_all[2]  # NT=2 borders are NT=4's
    assert float(rows[0]['objects_all']) > 0
    for row in rows[1:]:  # bigger objects span more tiles (sizes the tiny split holds)
        by_size = [float(row[f'NO_{size}']) for size in ('small', 'medium', 'large')]
        present = [value for value in by_size if not math.isnan(value)]
        assert len(present) >= 2 and present == sorted(present)
    assert (out_dir / 'tile_stats.png').stat().st_size > 1000
    markdown = (out_dir / 'tile_stats.md').read_text()
    assert '| NT | small | medium | large | all |' in markdown
    assert 'Suggested NT' in markdown and 'Suggested NT' in capsys.readouterr().out

    with pytest.raises(SystemExit, match='does not exist'):
        run_tool('analysis_tools/tile_stats.py', tmp_path / 'missing.py')
