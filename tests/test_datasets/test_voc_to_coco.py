"""Tests of VOC XML -> COCO JSON and of COCO20cls (mum/datasets/voc_to_coco.py + CLIs)."""
import json
import logging
from pathlib import Path

import pytest
from conftest import exit_in_process, run_cli

from mum.datasets.voc_to_coco import (COCO_NAMES_OF_VOC_CLASSES, VOC_CLASSES, VOCConversionError,
                                      build_coco20cls, convert_voc_set, voc_box_to_coco,
                                      voc_image_id, write_coco20cls, write_voc_sets)

REPO_ROOT = Path(__file__).resolve().parents[2]
VOC_TOOL = REPO_ROOT / 'tools' / 'dataset_converters' / 'voc_to_coco.py'
COCO20CLS_TOOL = REPO_ROOT / 'tools' / 'dataset_converters' / 'coco20cls.py'


def voc_xml(width, height, objects):
    """A VOC annotation; objects are (name, xmin, ymin, xmax, ymax, difficult)."""
    object_xml = ''.join(
        f'<object><name>{name}</name><pose>Unspecified</pose><difficult>{difficult}</difficult>'
        f'<bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax>'
        '</bndbox><part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax>'
        '<ymax>2</ymax></bndbox></part></object>'
        for name, xmin, ymin, xmax, ymax, difficult in objects)
    return (f'<annotation><folder>VOC</folder><size><width>{width}</width>'
            f'<height>{height}</height><depth>3</depth></size>{object_xml}</annotation>')


def write_voc_set(devkit_root, year, split, xml_by_id):
    """Writes ImageSets/Main/{split}.txt and Annotations/{id}.xml of one VOC year."""
    voc_root = devkit_root / f'VOC{year}'
    (voc_root / 'ImageSets' / 'Main').mkdir(parents=True, exist_ok=True)
    (voc_root / 'Annotations').mkdir(exist_ok=True)
    (voc_root / 'ImageSets' / 'Main' / f'{split}.txt').write_text('\n'.join(xml_by_id) + '\n')
    for voc_id, xml in xml_by_id.items():
        (voc_root / 'Annotations' / f'{voc_id}.xml').write_text(xml)


@pytest.fixture
def devkit(tmp_path):
    """VOC07 trainval (one difficult box, one box past the border), VOC07 test, VOC12 trainval."""
    root = tmp_path / 'VOCdevkit'
    write_voc_set(root, '2007', 'trainval', {
        '000005': voc_xml(500, 375, [('chair', 263, 211, 324, 339, 0),
                                     ('pottedplant', 1, 1, 500, 375, 1)]),
        '000007': voc_xml(500, 333, [('car', 141, 50, 500, 330, 0),
                                     ('person', 0, 10, 20, 340, 0)]),
    })
    write_voc_set(root, '2007', 'test',
                  {'000001': voc_xml(353, 500, [('dog', 48, 240, 195, 371, 0)])})
    write_voc_set(root, '2012', 'trainval', {
        '2008_000008': voc_xml(500, 442, [('horse', 53, 87, 471, 420, 0)])})
    return root


def test_voc_set_values_by_hand(devkit, caplog):
    with caplog.at_level(logging.INFO, logger='mum.datasets.voc_to_coco'):
        coco = convert_voc_set(devkit, '2007', 'trainval')
    assert coco['images'] == [
        {'id': 2007000005, 'file_name': 'VOC2007/JPEGImages/000005.jpg', 'width': 500,
         'height': 375},
        {'id': 2007000007, 'file_name': 'VOC2007/JPEGImages/000007.jpg', 'width': 500,
         'height': 333}]
    # (image id, category id, bbox, difficult); chair=9, pottedplant=16, car=7, person=15.
    assert [(ann['image_id'], ann['category_id'], ann['bbox'], ann['difficult'])
            for ann in coco['annotations']] == [
        (2007000005, 9, [262, 210, 62, 129], 0),
        (2007000005, 16, [0, 0, 500, 375], 1),  # difficult kept; whole image, not clipped
        (2007000007, 7, [140, 49, 360, 281], 0),
        (2007000007, 15, [0, 9, 20, 324], 0),  # xmin 0 and ymax 340 > 333 clipped
    ]
    assert [ann['id'] for ann in coco['annotations']] == [1, 2, 3, 4]
    assert all(ann['iscrowd'] == 0 for ann in coco['annotations'])
    assert coco['annotations'][0]['area'] == 62 * 129
    assert [category['name'] for category in coco['categories']] == list(VOC_CLASSES)
    assert [category['id'] for category in coco['categories']] == list(range(1, 21))
    assert '4 boxes; 1 difficult boxes kept; 1 boxes clipped' in caplog.text


def test_drop_difficult(devkit, caplog):
    with caplog.at_level(logging.INFO, logger='mum.datasets.voc_to_coco'):
        coco = convert_voc_set(devkit, '2007', 'trainval', drop_difficult=True)
    assert [ann['category_id'] for ann in coco['annotations']] == [9, 7, 15]
    assert '1 difficult boxes dropped' in caplog.text


def test_box_convention():
    assert voc_box_to_coco([1, 1, 1, 1], 10, 10, Path('a.xml')) == ([0, 0, 1, 1], False)
    assert voc_box_to_coco([3, 4, 10, 10], 10, 10, Path('a.xml')) == ([2, 3, 8, 7], False)
    assert voc_box_to_coco([-2, 5, 12, 6], 10, 10, Path('a.xml')) == ([0, 4, 10, 2], True)


def test_image_ids_stay_unique_across_years():
    assert voc_image_id('2007', '000005') == 2007000005
    assert voc_image_id('2012', '2008_000008') == 20122008000008
    with pytest.raises(VOCConversionError, match="'abc'"):
        voc_image_id('2012', 'abc')


def test_write_voc_sets_default_names(devkit, tmp_path):
    written = write_voc_sets(devkit, tmp_path / 'annotations')
    assert [path.name for path in written] == [
        'voc07_trainval.json', 'voc07_test.json', 'voc12_trainval.json']
    voc12 = json.loads(written[2].read_text())
    assert voc12['images'][0]['file_name'] == 'VOC2012/JPEGImages/2008_000008.jpg'
    assert voc12['annotations'][0]['bbox'] == [52, 86, 419, 334]
    assert voc12['annotations'][0]['category_id'] == 13  # horse


@pytest.mark.parametrize('xml, message', [
    ('<annotation><size><width>5</width>', 'is not valid XML'),
    (voc_xml(50, 50, [('dragon', 1, 1, 5, 5, 0)]), "names unknown class 'dragon'"),
    (voc_xml(50, 50, [('cat', 60, 1, 70, 5, 0)]), 'lies outside the 50x50 image'),
    (voc_xml(50, 50, [('cat', 9, 1, 5, 5, 0)]), 'has max < min'),
    ('<annotation><object><name>cat</name></object></annotation>', 'has no <size>'),
    (voc_xml('wide', 50, []), "<width> is 'wide', not a number"),
])
def test_bad_xml_errors_name_the_file(tmp_path, xml, message):
    write_voc_set(tmp_path, '2007', 'test', {'000009': xml})
    with pytest.raises(VOCConversionError) as error:
        convert_voc_set(tmp_path, '2007', 'test')
    assert str(tmp_path / 'VOC2007' / 'Annotations' / '000009.xml') in str(error.value)
    assert message in str(error.value)


def test_missing_inputs_name_the_file(devkit):
    (devkit / 'VOC2007' / 'Annotations' / '000007.xml').unlink()
    with pytest.raises(VOCConversionError, match='000007.xml does not exist'):
        convert_voc_set(devkit, '2007', 'trainval')
    with pytest.raises(VOCConversionError, match='ImageSets/Main/val.txt does not exist'):
        convert_voc_set(devkit, '2012', 'val')


def mini_coco():
    """COCO categories of the 20 VOC classes (ids 101...) plus giraffe (id 25).

    Image 1: person + giraffe (kept, giraffe dropped); image 2: giraffe only (dropped);
    image 3: no annotation (dropped); image 4: tv + couch (kept).
    """
    categories = [{'id': 101 + index, 'name': name, 'supercategory': 'x'}
                  for index, name in enumerate(COCO_NAMES_OF_VOC_CLASSES)]
    categories.append({'id': 25, 'name': 'giraffe', 'supercategory': 'animal'})
    coco_id = {category['name']: category['id'] for category in categories}
    annotations = [(1, 'person'), (1, 'giraffe'), (2, 'giraffe'), (4, 'tv'), (4, 'couch')]
    return {
        'info': {'year': 2017}, 'licenses': [],
        'images': [{'id': image_id, 'file_name': f'{image_id:012d}.jpg', 'width': 9, 'height': 9}
                   for image_id in (1, 2, 3, 4)],
        'annotations': [{'id': index, 'image_id': image_id, 'category_id': coco_id[name],
                         'bbox': [1, 1, 2, 2], 'area': 4, 'iscrowd': 0}
                        for index, (image_id, name) in enumerate(annotations, start=1)],
        'categories': categories,
    }


def test_coco20cls_keeps_voc_objects_with_voc_ids(caplog):
    with caplog.at_level(logging.INFO, logger='mum.datasets.voc_to_coco'):
        coco20cls = build_coco20cls(mini_coco(), 'train.json')
    assert [image['id'] for image in coco20cls['images']] == [1, 4]
    # person -> 15, tv -> 20 (tvmonitor), couch -> 18 (sofa)
    assert [(ann['id'], ann['image_id'], ann['category_id'])
            for ann in coco20cls['annotations']] == [(1, 1, 15), (4, 4, 20), (5, 4, 18)]
    assert [category['name'] for category in coco20cls['categories']] == list(VOC_CLASSES)
    assert coco20cls['info'] == {'year': 2017}
    assert 'kept 2 of 4 images (1 of them also show other classes' in caplog.text
    assert '3 of 5 annotations' in caplog.text


def test_coco20cls_errors(tmp_path):
    coco = mini_coco()
    coco['categories'] = [category for category in coco['categories'] if category['name'] != 'tv']
    with pytest.raises(VOCConversionError,
                       match=r"train.json has no COCO categories named \['tv'\]"):
        build_coco20cls(coco, 'train.json')
    with pytest.raises(VOCConversionError, match='absent.json does not exist'):
        write_coco20cls(tmp_path / 'absent.json', tmp_path / 'out.json')


@pytest.mark.parametrize('tool', [VOC_TOOL, COCO20CLS_TOOL])
def test_cli_help(tool, capsys):
    assert exit_in_process(tool, '--help') == 0
    assert '--out' in capsys.readouterr().out


@pytest.mark.slow
def test_voc_cli_converts_selected_sets(devkit, tmp_path):
    result = run_cli(VOC_TOOL, '--devkit-root', devkit, '--out-dir', tmp_path / 'annotations',
                     '--sets', '2007/trainval', '2012/trainval', '--drop-difficult')
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / 'annotations').iterdir()) == [
        'voc07_trainval.json', 'voc12_trainval.json']
    voc07 = json.loads((tmp_path / 'annotations' / 'voc07_trainval.json').read_text())
    assert len(voc07['annotations']) == 3


def test_voc_cli_reports_malformed_xml_in_one_sentence(devkit, tmp_path, capsys):
    bad_xml = devkit / 'VOC2007' / 'Annotations' / '000001.xml'
    bad_xml.write_text('<annotation>')
    assert exit_in_process(VOC_TOOL, '--devkit-root', devkit, '--out-dir',
                           tmp_path / 'annotations', '--sets', '2007/test') == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(
        f'VOC annotation {bad_xml} is not valid XML')


@pytest.mark.slow
def test_coco20cls_cli(tmp_path):
    ann_file = tmp_path / 'instances_train2017.json'
    ann_file.write_text(json.dumps(mini_coco()))
    out_file = tmp_path / 'out' / 'instances_train2017_coco20cls.json'
    result = run_cli(COCO20CLS_TOOL, '--ann-file', ann_file, '--out', out_file)
    assert result.returncode == 0, result.stderr
    assert [image['id'] for image in json.loads(out_file.read_text())['images']] == [1, 4]
