"""The README's demo table is what its stored per-seed file shows (the runs' logs were not
kept: docs/figures/demo_comparison_1200_cover_5seeds.md is the record)."""
import os.path as osp
import re
import statistics

from conftest import REPO

RECORD = osp.join(REPO, 'docs', 'figures', 'demo_comparison_1200_cover_5seeds.md')
# README row name -> the record's run name
RUNS = {'supervised only': 'demo_supervised', 'Unbiased Teacher': 'demo_unbiased_teacher',
        'MUM': 'demo_mum', 'oracle (seeds 0, 1)': 'oracle'}
# README columns, in order -> the record's column
COLUMNS = ('teacher AP50', 'test-data teacher AP50', 'test-data teacher AP')


def _table_rows(text: str, header_start: str):
    """The rows (lists of cells) of the markdown table whose header starts with header_start."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    header = [cell.strip() for cell in lines[start].strip('|').split('|')]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith('|'):
            break
        rows.append(dict(zip(header, (cell.strip() for cell in line.strip('|').split('|')))))
    return rows


def _record():
    with open(RECORD, encoding='utf-8') as record_file:
        return record_file.read()


def test_the_readme_table_is_the_record_s_summary():
    with open(osp.join(REPO, 'README.md'), encoding='utf-8') as readme_file:
        readme = _table_rows(readme_file.read(), '| run (1200 iterations)')
    summary = {row['run']: row for row in _table_rows(_record(), '| run | seeds |')}
    assert [row['run (1200 iterations)'] for row in readme] == list(RUNS)
    for row in readme:
        cells = [cell for key, cell in row.items() if key != 'run (1200 iterations)']
        expected = [summary[RUNS[row['run (1200 iterations)']]][column] for column in COLUMNS]
        assert cells == expected, row


def test_the_record_s_summary_follows_from_its_per_seed_rows():
    text = _record()
    summary = {row['run']: row for row in _table_rows(text, '| run | seeds |')}
    per_seed = _table_rows(text, '| run | seed |')
    for run, row in summary.items():
        for column in COLUMNS:
            values = [float(r[column]) for r in per_seed if r['run'] == run]
            mean, std = (float(x) for x in re.findall(r'[\d.]+', row[column]))
            assert len(values) == int(row['seeds'])
            # the per-seed rows are rounded to 0.1: the mean of them may differ by 0.05
            assert abs(statistics.mean(values) - mean) <= 0.051, (run, column)
            assert abs(statistics.stdev(values) - std) <= 0.051 + 0.05, (run, column)
