"""tools/analysis_tools/recall_by_kind.py: its table from test.py-style pickles, and bad input."""
import json
import os.path as osp
import pickle

import pytest
from analysis_helpers import CopyingPayload
from conftest import REPO, exit_in_process, import_tool
from hand_made_detections import COCO, PREDICTION, prediction

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'recall_by_kind.py')


def _write(tmp_path, name, content):
    path = tmp_path / name
    if name.endswith('.json'):
        path.write_text(json.dumps(content))
    else:
        path.write_bytes(pickle.dumps(content))
    return str(path)


def test_table_has_a_column_per_name_and_averages_repeated_names(tmp_path, capsys):
    ann_file = _write(tmp_path, 'gt.json', COCO)
    finds_one = _write(tmp_path, 'a.pkl', [PREDICTION])
    right_boxes = [(0, 0, 10, 10, 0.9, 0), (100, 0, 200, 100, 0.9, 1), (0, 100, 40, 140, 0.9, 0)]
    finds_all = _write(tmp_path, 'b.pkl', [prediction(right_boxes)])
    out = tmp_path / 'table.md'
    import_tool('analysis_tools/recall_by_kind.py').main(
        [ann_file, finds_one, finds_all, finds_all, '--names', 'one', 'all', 'all',
         '--out', str(out)])

    table = capsys.readouterr().out
    assert out.read_text() == table
    assert '| | ground-truth boxes | one | all |' in table
    assert '| recall (%) | | 33.3 | 100.0 ± 0.0 |' in table
    assert '| precision (%) | | 33.3 | 100.0 ± 0.0 |' in table
    assert '| recall of hue = any (%) | 1 | 0.0 | 100.0 ± 0.0 |' in table
    assert '| recall of COCO area = small (%) | 1 | 100.0 | 100.0 ± 0.0 |' in table
    assert '| circle as square (%) | 2 | 50.0 | 0.0 ± 0.0 |' in table


def test_no_confusion_table_without_confusions(tmp_path, capsys):
    ann_file = _write(tmp_path, 'gt.json', COCO)
    finds_one_circle = _write(tmp_path, 'a.pkl', [prediction([(0, 0, 10, 10, 0.9, 0)])])
    import_tool('analysis_tools/recall_by_kind.py').main([ann_file, finds_one_circle])
    table = capsys.readouterr().out
    assert '| recall (%) | | 33.3 |' in table and 'taken for another class' not in table


def test_confusions_under_the_minimum_share_are_left_out(tmp_path, capsys):
    ann_file = _write(tmp_path, 'gt.json', COCO)
    one_of_two_circles_as_square = _write(tmp_path, 'a.pkl', [PREDICTION])
    tool = import_tool('analysis_tools/recall_by_kind.py')
    tool.main([ann_file, one_of_two_circles_as_square, '--taken-for-min', '50'])
    assert '| circle as square (%) | 2 | 50.0 |' in capsys.readouterr().out
    tool.main([ann_file, one_of_two_circles_as_square, '--taken-for-min', '51'])
    assert 'taken for another class' not in capsys.readouterr().out


@pytest.mark.parametrize('case', ['not a pickle', 'not predictions', 'other images'])
def test_bad_prediction_file_gets_one_sentence(tmp_path, case):
    ann_file = _write(tmp_path, 'gt.json', COCO)
    if case == 'not a pickle':
        predictions = tmp_path / 'p.pkl'
        predictions.write_text('hello')
        expected = 'could not be read as a pickle'
    elif case == 'not predictions':
        predictions = _write(tmp_path, 'p.pkl', {'img_id': 7})
        expected = 'expected the file tools/test.py --out writes'
    else:
        predictions = _write(tmp_path, 'p.pkl', [dict(PREDICTION, img_id=99)])
        expected = 'expected each image once'
    with pytest.raises(SystemExit) as exit_info:
        import_tool('analysis_tools/recall_by_kind.py').main([ann_file, str(predictions)])
    assert expected in str(exit_info.value) and 'p.pkl' in str(exit_info.value)


def test_annotation_file_without_ground_truth_is_named(tmp_path):
    ann_file = _write(tmp_path, 'gt.json', dict(images=[], categories=[]))
    predictions = _write(tmp_path, 'p.pkl', [PREDICTION])
    with pytest.raises(SystemExit, match=r"gt.json has no list under key\(s\) \['annotations'\]"):
        import_tool('analysis_tools/recall_by_kind.py').main([ann_file, predictions])


def test_names_must_match_the_files(tmp_path):
    assert exit_in_process(TOOL, 'gt.json', 'a.pkl', 'b.pkl', '--names', 'one') == 2


def test_mean_std_leaves_out_runs_without_the_number():
    from mum.analysis.mean_std import mean_std
    assert mean_std([0.5, float('nan'), None], percent=True) == '50.0'
    assert mean_std([float('nan')], percent=True) == 'n/a'


def test_a_prediction_file_carrying_code_is_refused_unrun(tmp_path):
    ann_file = _write(tmp_path, 'gt.json', COCO)
    marker = tmp_path / 'exploit_ran'
    predictions = _write(tmp_path, 'p.pkl', [CopyingPayload(str(marker))])
    with pytest.raises(SystemExit) as exit_info:
        import_tool('analysis_tools/recall_by_kind.py').main([ann_file, str(predictions)])
    assert str(exit_info.value) == (
        f"Prediction file {predictions!r} could not be read as a pickle: it names "
        "shutil.copyfile, which a file of predictions never needs.")
    assert not marker.exists()
    with open(predictions, 'rb') as predictions_file:
        pickle.load(predictions_file)  # the control: plain pickle runs it
    assert marker.exists()
