"""Tests of a user's VOC-layout folder -> COCO JSON (mum/datasets/voc_folder_to_coco.py + the
--voc-root mode of tools/dataset_converters/voc_to_coco.py)."""
import json
import logging
import runpy
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, exit_in_process
from test_voc_to_coco import VOC_TOOL, voc_xml

from mum.datasets.voc_folder_to_coco import (convert_voc_folder, named_files, voc_folder_image_ids,
                                             write_voc_folder)
from mum.datasets.voc_to_coco import VOCConversionError

LOGGER = 'mum.datasets.voc_folder_to_coco'


def write_voc_folder_sample(root: Path, xml_by_id: dict, ids_by_split: dict) -> Path:
    """Writes a VOC-layout folder: Annotations/, ImageSets/Main/ and (empty) JPEGImages/ files."""
    for folder in ('Annotations', 'ImageSets/Main', 'JPEGImages'):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for voc_id, xml in xml_by_id.items():
        (root / 'Annotations' / f'{voc_id}.xml').write_text(xml)
        (root / 'JPEGImages' / f'{voc_id}.jpg').write_bytes(b'')
    for split, voc_ids in ids_by_split.items():
        (root / 'ImageSets' / 'Main' / f'{split}.txt').write_text('\n'.join(voc_ids) + '\n')
    return root


@pytest.fixture
def cells(tmp_path):
    """Three 64x48 images: a degenerate box (a point) in train, a class of its own in val."""
    return write_voc_folder_sample(tmp_path / 'cells', {
        'Cell_0001': voc_xml(64, 48, [('RBC', 3, 4, 20, 30, 0), ('WBC', 30, 10, 70, 48, 0)]),
        'Cell_0002': voc_xml(64, 48, [('RBC', 9, 9, 9, 9, 0), ('Platelets', 1, 1, 8, 6, 1)]),
        'Cell_0010': voc_xml(64, 48, [('Neutrophil', 2, 2, 12, 12, 0), ('RBC', 5, 5, 15, 16, 0)]),
    }, {'train': ['Cell_0001', 'Cell_0002'], 'val': ['Cell_0010']})


def boxes(coco):
    """(image id, category name, bbox, difficult) of every annotation."""
    names = {category['id']: category['name'] for category in coco['categories']}
    return [(ann['image_id'], names[ann['category_id']], ann['bbox'], ann['difficult'])
            for ann in coco['annotations']]


def test_classes_from_the_xml_files_sorted_and_flawed_boxes_dropped(cells, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        coco = convert_voc_folder(cells, ['train', 'val'])
    train, val = coco['train'], coco['val']
    assert train['categories'] == val['categories'] == [
        {'id': 1, 'name': 'Neutrophil', 'supercategory': 'none'},
        {'id': 2, 'name': 'Platelets', 'supercategory': 'none'},
        {'id': 3, 'name': 'RBC', 'supercategory': 'none'},
        {'id': 4, 'name': 'WBC', 'supercategory': 'none'}]
    assert train['images'] == [
        {'id': 1, 'file_name': 'JPEGImages/Cell_0001.jpg', 'width': 64, 'height': 48},
        {'id': 2, 'file_name': 'JPEGImages/Cell_0002.jpg', 'width': 64, 'height': 48}]
    assert boxes(train) == [
        (1, 'RBC', [2, 3, 18, 27], 0),
        (1, 'WBC', [29, 9, 35, 39], 0),  # xmax 70 > 64 clipped
        (2, 'Platelets', [0, 0, 8, 6], 1)]  # the point (9, 9, 9, 9) is gone
    assert boxes(val) == [(10, 'Neutrophil', [1, 1, 11, 11], 0), (10, 'RBC', [4, 4, 11, 12], 0)]
    assert [ann['id'] for ann in train['annotations']] == [1, 2, 3]
    warnings = [record.getMessage() for record in caplog.records
                if record.levelno == logging.WARNING]
    assert warnings == [f'train: dropped 1 degenerate boxes (xmax <= xmin or ymax <= ymin), in '
                        f'{cells / "Annotations" / "Cell_0002.xml"}']
    assert ('train: 2 images, 3 boxes; 1 difficult boxes kept; 1 boxes clipped to the image; '
            'dropped: 1 degenerate, 0 outside the image, 0 of other classes') in caplog.text
    assert "classes ['Neutrophil', 'Platelets', 'RBC', 'WBC']" in caplog.text


def test_given_classes_keep_their_order_and_other_classes_are_dropped(cells, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        coco = convert_voc_folder(cells, ['val', 'train'], classes=['WBC', 'RBC', 'Platelets'])
    assert [(c['id'], c['name']) for c in coco['val']['categories']] == [
        (1, 'WBC'), (2, 'RBC'), (3, 'Platelets')]
    assert coco['train']['categories'] == coco['val']['categories']
    assert [ann['category_id'] for ann in coco['train']['annotations']] == [2, 1, 3]
    assert boxes(coco['val']) == [(10, 'RBC', [4, 4, 11, 12], 0)]
    assert (f"val: dropped 1 boxes of classes not in the class list {{'Neutrophil': 1}}, in "
            f"{cells / 'Annotations' / 'Cell_0010.xml'}") in caplog.text
    assert 'dropped: 0 degenerate, 0 outside the image, 1 of other classes' in caplog.text


def test_boxes_outside_the_image_and_difficult_ones_can_be_dropped(tmp_path, caplog):
    root = write_voc_folder_sample(tmp_path / 'voc', {
        '7': voc_xml(20, 10, [('cat', 25, 1, 30, 5, 0), ('cat', 1, 1, 4, 4, 1),
                              ('cat', 2, 2, 5, 5, 0)])}, {'test': ['7']})
    with caplog.at_level(logging.INFO, logger=LOGGER):
        coco = convert_voc_folder(root, ['test'], drop_difficult=True)
    assert boxes(coco['test']) == [(7, 'cat', [1, 1, 4, 4], 0)]
    assert 'dropped 1 boxes with no part inside the image, in' in caplog.text
    assert '1 difficult boxes dropped' in caplog.text


def test_image_ids_from_digits_else_from_the_sorted_names():
    assert voc_folder_image_ids(['BloodImage_00001', 'BloodImage_00410', '2008_000008']) == (
        {'BloodImage_00001': 1, 'BloodImage_00410': 410, '2008_000008': 2008000008},
        'the digits of each id')
    shared_digits, rule = voc_folder_image_ids(['b_1', 'a_01', 'c_2'])
    assert shared_digits == {'a_01': 1, 'b_1': 2, 'c_2': 3} and 'sorted' in rule
    assert voc_folder_image_ids(['dog', 'cat_7'])[0] == {'cat_7': 1, 'dog': 2}
    assert voc_folder_image_ids(['x' + '9' * 20, 'y1'])[0] == {'x' + '9' * 20: 1, 'y1': 2}


def test_a_warning_names_20_files_and_counts_the_rest():
    names = [f'{index:02d}.xml' for index in reversed(range(25))] + ['00.xml']
    assert named_files(names) == ', '.join(f'{index:02d}.xml' for index in range(20)) + (
        ' and 5 more files')


def test_image_ids_depend_on_the_folder_not_on_the_converted_sets(cells):
    def val_image_id():
        return convert_voc_folder(cells, ['val'])['val']['images'][0]['id']

    assert val_image_id() == 10
    (cells / 'Annotations' / 'Cell_10.xml').write_text(voc_xml(9, 9, []))  # digits 10 twice
    (cells / 'JPEGImages' / 'Cell_10.jpg').write_bytes(b'')
    assert val_image_id() == 3  # Cell_0001, Cell_0002, Cell_0010, Cell_10


def test_write_names_the_files_after_the_folder(cells, tmp_path):
    written = write_voc_folder(cells, tmp_path / 'annotations', ['train', 'val'])
    assert [path.name for path in written] == ['cells_train.json', 'cells_val.json']
    assert [path.name for path in write_voc_folder(cells, tmp_path / 'out', ['val'],
                                                   name='bccd')] == ['bccd_val.json']
    assert json.loads(written[1].read_text())['images'][0]['id'] == 10


@pytest.mark.parametrize('damage, message', [
    (lambda root: (root / 'ImageSets' / 'Main' / 'val.txt').unlink(),
     '{root}/ImageSets/Main/val.txt does not exist'),
    (lambda root: (root / 'Annotations' / 'Cell_0010.xml').write_text('<annotation>'),
     'VOC annotation {root}/Annotations/Cell_0010.xml is not valid XML'),
    (lambda root: (root / 'Annotations' / 'Cell_0010.xml').unlink(),
     'VOC annotation {root}/Annotations/Cell_0010.xml does not exist'),
    (lambda root: (root / 'JPEGImages' / 'Cell_0010.jpg').unlink(),
     'Image {root}/JPEGImages/Cell_0010.jpg of VOC annotation'),
    (lambda root: (root / 'Annotations' / 'Cell_0010.xml').write_text(voc_xml(0, 0, [])),
     'Cell_0010.xml gives the image size 0x0'),
    (lambda root: (root / 'ImageSets' / 'Main' / 'val.txt').write_text('Cell_0010\nCell_0010\n'),
     "val.txt names ['Cell_0010'] more than once"),
])
def test_bad_input_names_the_file(cells, damage, message):
    damage(cells)
    with pytest.raises(VOCConversionError) as error:
        convert_voc_folder(cells, ['train', 'val'])
    assert message.format(root=cells) in str(error.value)


def test_missing_folder_and_bad_class_lists(tmp_path, cells):
    with pytest.raises(VOCConversionError, match=f'VOC folder {tmp_path / "absent"} does not'):
        convert_voc_folder(tmp_path / 'absent', ['train'])
    with pytest.raises(VOCConversionError, match=r"names \['RBC'\] more than once"):
        convert_voc_folder(cells, ['train'], classes=['RBC', 'WBC', 'RBC'])
    empty = write_voc_folder_sample(tmp_path / 'empty', {'1': voc_xml(9, 9, [])}, {'test': ['1']})
    with pytest.raises(VOCConversionError, match='hold no object'):
        convert_voc_folder(empty, ['test'])


def run_tool_in_process(*args):
    """Runs the converter's main in this interpreter (importing mum again costs seconds)."""
    argv = sys.argv
    sys.argv = [str(VOC_TOOL), *map(str, args)]
    try:
        runpy.run_path(str(VOC_TOOL), run_name='__main__')
    finally:
        sys.argv = argv


def test_cli_converts_a_folder_with_given_classes(cells, tmp_path, capsys):
    run_tool_in_process('--voc-root', cells, '--splits', 'train', 'val', '--classes', 'RBC',
                        'WBC', 'Platelets', '--name', 'blood', '--out-dir', tmp_path / 'out')
    assert sorted(path.name for path in (tmp_path / 'out').iterdir()) == [
        'blood_train.json', 'blood_val.json']
    val = json.loads((tmp_path / 'out' / 'blood_val.json').read_text())
    assert [category['name'] for category in val['categories']] == ['RBC', 'WBC', 'Platelets']
    assert f'wrote {tmp_path / "out" / "blood_train.json"}' in capsys.readouterr().out


def test_cli_bad_input_is_one_sentence_and_status_2(cells, tmp_path, capsys):
    assert exit_in_process(VOC_TOOL, '--voc-root', cells, '--splits', 'test', '--out-dir',
                           tmp_path / 'out') == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f'VOC image-set list {cells / "ImageSets" / "Main" / "test.txt"} does not exist.')
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('args, refused', [
    (['--voc-root', 'x', '--sets', '2007/test'], '--sets cannot be used with --voc-root'),
    (['--devkit-root', 'x', '--classes', 'a', '--name', 'b'],
     '--classes --name cannot be used with --devkit-root'),
    (['--devkit-root', 'x', '--voc-root', 'y'], 'not allowed with argument'),
])
def test_cli_refuses_options_of_the_other_input_kind(args, refused, capsys):
    assert exit_in_process(VOC_TOOL, *args, '--out-dir', 'out') == 2
    assert refused in capsys.readouterr().err


def test_real_bccd(bccd_data_root):
    """The converted BCCD (tests/conftest.py): 205 / 87 / 72 images, 4888 boxes less the two
    degenerate ones, the same three categories in every file, ids from the file names."""
    files = {split: json.loads(Path(bccd_data_root, 'annotations',
                                    f'bccd_{split}.json').read_text())
             for split in ('train', 'val', 'test')}
    assert {split: (len(coco['images']), len(coco['annotations']))
            for split, coco in files.items()} == {
                'train': (205, 2804), 'val': (87, 1137), 'test': (72, 945)}
    assert all(coco['categories'] == files['train']['categories'] for coco in files.values())
    assert [category['name'] for category in files['train']['categories']] == [
        'Platelets', 'RBC', 'WBC']
    first = files['train']['images'][0]
    assert (first['id'], first['file_name']) == (1, 'JPEGImages/BloodImage_00001.jpg')
    assert all(ann['bbox'][2] > 0 and ann['bbox'][3] > 0
               for coco in files.values() for ann in coco['annotations'])


def test_the_bccd_page_s_data_table_is_what_the_conversion_gives(bccd_data_root):
    """docs/bccd.md's table of images and boxes per split and class, against the converted
    files."""
    with open(Path(REPO, 'docs', 'bccd.md'), encoding='utf-8') as page:
        lines = page.read().splitlines()
    start = lines.index('| split | images | boxes | Platelets | RBC | WBC |')
    rows = {}
    for line in lines[start + 2:start + 5]:
        split, *numbers = (cell.strip() for cell in line.strip('|').split('|'))
        rows[split] = [int(number) for number in numbers]
    counted = {}
    for split in ('train', 'val', 'test'):
        coco = json.loads(Path(bccd_data_root, 'annotations', f'bccd_{split}.json').read_text())
        names = {category['id']: category['name'] for category in coco['categories']}
        per_class = Counter(names[ann['category_id']] for ann in coco['annotations'])
        counted[split] = [len(coco['images']), len(coco['annotations']),
                          *(per_class[name] for name in ('Platelets', 'RBC', 'WBC'))]
    assert rows == counted
