"""Tests of the COCO-Standard labeled / unlabeled splits (mum/datasets/splits.py + its CLI)."""
import json
import logging
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import exit_in_process, run_cli

from mum.datasets.splits import (FoldFile, SplitError, collect_annotated_pool, load_coco_json,
                                 num_labeled_images, sample_labeled_indices, split_file_names,
                                 split_pool, write_splits)

REPO_ROOT = Path(__file__).resolve().parents[2]
SPLIT_TOOL = REPO_ROOT / 'tools' / 'dataset_converters' / 'coco_semi_split.py'
TRAIN2017_POOL_SIZE = 117266
EXPECTED_FOLD_LENGTHS = {0.5: 586, 1: 1172, 2: 2345, 5: 5863, 10: 11726}


def synthetic_coco(num_annotated, num_unannotated=0, num_only_crowd=0):
    """A COCO dict whose images are listed out of id order, one annotation per annotated image.

    Annotated images have ids 10, 13, 16...; unannotated and crowd-only ones get ids after them.
    """
    annotated_ids = [10 + 3 * index for index in range(num_annotated)]
    extra_ids = [annotated_ids[-1] + 1 + index for index in range(num_unannotated + num_only_crowd)]
    crowd_only_ids = extra_ids[num_unannotated:]
    images = [{'id': image_id, 'file_name': f'{image_id:012d}.jpg', 'width': 8, 'height': 8}
              for image_id in reversed(annotated_ids + extra_ids)]
    annotations = [{'id': index + 1, 'image_id': image_id, 'category_id': 1, 'bbox': [0, 0, 2, 2],
                    'area': 4, 'iscrowd': int(image_id in crowd_only_ids)}
                   for index, image_id in enumerate(annotated_ids + crowd_only_ids)]
    return {'info': {'description': 'synthetic'}, 'images': images, 'annotations': annotations,
            'categories': [{'id': 1, 'name': 'thing'}]}


def image_ids(coco):
    return [image['id'] for image in coco['images']]


def write_json(path, value):
    path.write_text(json.dumps(value))
    return path


@pytest.fixture(scope='session')
def real_fold_file():
    """The established COCO_supervision.txt, from $MUM_COCO_FOLDS or ../shared/data/."""
    path = Path(os.environ.get('MUM_COCO_FOLDS',
                               REPO_ROOT.parent / 'shared' / 'data' / 'COCO_supervision.txt'))
    if not path.is_file():
        pytest.skip(f'fold file {path} not found; set MUM_COCO_FOLDS to COCO_supervision.txt')
    return path


@pytest.fixture(scope='session')
def train2017_sized_coco():
    """A synthetic train2017: 117266 annotated images, 3 unannotated and 2 crowd-only ones."""
    return synthetic_coco(TRAIN2017_POOL_SIZE, num_unannotated=3, num_only_crowd=2)


@pytest.fixture(scope='session')
def train2017_sized_pool(train2017_sized_coco):
    return collect_annotated_pool(train2017_sized_coco)


@pytest.fixture(scope='session')
def train2017_sized_file(tmp_path_factory, train2017_sized_coco):
    return write_json(tmp_path_factory.mktemp('coco') / 'instances_train2017.json',
                      train2017_sized_coco)


@pytest.fixture
def small_pool():
    return collect_annotated_pool(synthetic_coco(10, num_unannotated=1))


def test_pool_keeps_annotated_images_sorted_and_counts_the_rest(train2017_sized_pool):
    assert len(train2017_sized_pool.image_ids) == TRAIN2017_POOL_SIZE
    assert train2017_sized_pool.image_ids == sorted(train2017_sized_pool.image_ids)
    assert train2017_sized_pool.num_without_annotations == 3
    assert train2017_sized_pool.num_only_crowd == 2


@pytest.mark.parametrize('fold', ['1', '0'])
def test_real_folds_partition_the_annotated_images(real_fold_file, train2017_sized_pool, fold):
    folds = FoldFile(real_fold_file)
    for percent, expected_length in EXPECTED_FOLD_LENGTHS.items():
        indices = folds.labeled_indices(percent, fold, TRAIN2017_POOL_SIZE)
        labeled, unlabeled = split_pool(train2017_sized_pool, indices)
        labeled_ids, unlabeled_ids = set(image_ids(labeled)), set(image_ids(unlabeled))
        assert len(labeled_ids) == len(labeled['images']) == expected_length
        assert len(labeled['annotations']) == expected_length
        assert not labeled_ids & unlabeled_ids
        assert labeled_ids | unlabeled_ids == set(train2017_sized_pool.image_ids)
        assert labeled_ids == {train2017_sized_pool.image_ids[index] for index in indices}
        assert labeled['categories'] == unlabeled['categories'] == [{'id': 1, 'name': 'thing'}]


def test_num_labeled_images_floors_like_the_fold_file():
    assert [num_labeled_images(percent, TRAIN2017_POOL_SIZE)
            for percent in EXPECTED_FOLD_LENGTHS] == list(EXPECTED_FOLD_LENGTHS.values())
    assert num_labeled_images(0.01, TRAIN2017_POOL_SIZE) == 11


def test_seeded_split_is_exact_distinct_and_deterministic():
    first = sample_labeled_indices(1, TRAIN2017_POOL_SIZE, seed=1)
    assert len(first) == len(set(first)) == 1172
    assert all(0 <= index < TRAIN2017_POOL_SIZE for index in first)
    assert sample_labeled_indices(1, TRAIN2017_POOL_SIZE, seed=1) == first
    assert sample_labeled_indices(1, TRAIN2017_POOL_SIZE, seed=2) != first


def check_seeded_folds(ann_file, out_dir, seeds, num_labeled):
    """Writes 10 % splits of ``ann_file`` per seed and checks the documented rule: fold ``seed``
    labels the pool images at ``default_rng(seed).choice(pool, floor(10 % of pool))``, the rest
    are unlabeled with their boxes, the two parts are disjoint and cover the pool, and writing
    again gives the same bytes. Returns the labeled image ids per seed."""
    coco = json.loads(Path(ann_file).read_text())
    pool_ids = sorted(image['id'] for image in coco['images'])
    written = write_splits(ann_file, out_dir, [10], seeds=seeds)
    first_bytes = [path.read_bytes() for path in written]
    assert [path.read_bytes() for path in write_splits(ann_file, out_dir, [10],
                                                       seeds=seeds)] == first_bytes
    labeled_by_seed = {}
    for seed, labeled_path, unlabeled_path in zip(seeds, written[::2], written[1::2]):
        assert labeled_path.name == f'{Path(ann_file).stem}.seed{seed}@10.json'
        labeled, unlabeled = (json.loads(path.read_text())
                              for path in (labeled_path, unlabeled_path))
        labeled_ids, unlabeled_ids = set(image_ids(labeled)), set(image_ids(unlabeled))
        drawn = np.random.default_rng(seed).choice(len(pool_ids), num_labeled, replace=False)
        assert labeled_ids == {pool_ids[index] for index in drawn}
        assert len(labeled_ids) == num_labeled
        assert len(unlabeled_ids) == len(pool_ids) - num_labeled
        assert not labeled_ids & unlabeled_ids
        assert labeled_ids | unlabeled_ids == set(pool_ids)
        assert len(labeled['annotations']) + len(unlabeled['annotations']) == len(
            coco['annotations'])
        assert labeled['categories'] == unlabeled['categories'] == coco['categories']
        labeled_by_seed[seed] = labeled_ids
    assert len({frozenset(ids) for ids in labeled_by_seed.values()}) == len(seeds)
    return labeled_by_seed


@pytest.mark.parametrize('num_images', [205, 209])  # 10 %: 20.5 and 20.9, floored
def test_seeded_folds_of_a_small_file(tmp_path, num_images):
    ann_file = write_json(tmp_path / 'train.json', synthetic_coco(num_images))
    check_seeded_folds(ann_file, tmp_path / 'out', seeds=[0, 1], num_labeled=20)


def test_bccd_train_folds_label_20_of_205_images(bccd_data_root, tmp_path):
    check_seeded_folds(Path(bccd_data_root, 'annotations', 'bccd_train.json'), tmp_path,
                       seeds=[0, 1, 2, 3, 4], num_labeled=20)


def test_write_splits_names_files_like_mmdet_and_logs_exclusions(tmp_path, caplog):
    ann_file = write_json(tmp_path / 'instances_train2017.json',
                          synthetic_coco(20, num_unannotated=2, num_only_crowd=1))
    with caplog.at_level(logging.INFO, logger='mum.datasets.splits'):
        written = write_splits(ann_file, tmp_path / 'out', [10, 50], seeds=[3])
    assert [path.name for path in written] == [
        'instances_train2017.seed3@10.json', 'instances_train2017.seed3@10-unlabeled.json',
        'instances_train2017.seed3@50.json', 'instances_train2017.seed3@50-unlabeled.json']
    labeled, unlabeled = (json.loads(path.read_text()) for path in written[2:])
    assert len(labeled['images']) == 10 and len(unlabeled['images']) == 10
    assert labeled['info'] == {'description': 'synthetic'}
    assert '2 images without annotations, 1 images with only crowd annotations' in caplog.text


def test_split_file_names():
    assert split_file_names('instances_train2017', '1', 1.0) == (
        'instances_train2017.1@1.json', 'instances_train2017.1@1-unlabeled.json')
    assert split_file_names('instances_train2017', '0', 0.5)[0] == 'instances_train2017.0@0.5.json'


@pytest.mark.parametrize('folds_by_percent, message', [
    ({'1.0': {'0': [0]}}, "has no percent 50; available: ['1.0']"),
    ({'50.0': {'0': [0]}}, "has no fold '1' for percent 50.0; available: ['0']"),
    ({'50.0': {'1': [0, 1, 2, 3, 10]}}, 'outside [0, 10)'),
    ({'50.0': {'1': [0, 1, 2, 3, -1]}}, 'outside [0, 10)'),
    ({'50.0': {'1': [0, 1, 2, 3, 3]}}, '1 indices are duplicates'),
    ({'50.0': {'1': [0, 1, 2, 3]}}, 'lists 4 images but 50.0 % of 10 annotated images is 5'),
    ({'50.0': {'1': [0, 1, 2, 3, '4']}}, 'not a list of integer indices'),
    ([1, 2], 'is not a JSON object'),
    ({'one': {'1': [0]}}, "percent keys that are not numbers: ['one']"),
])
def test_fold_file_errors_name_the_file_and_problem(tmp_path, small_pool, folds_by_percent,
                                                    message):
    fold_file = write_json(tmp_path / 'folds.txt', folds_by_percent)
    with pytest.raises(SplitError) as error:
        FoldFile(fold_file).labeled_indices(50, '1', len(small_pool.image_ids))
    assert str(fold_file) in str(error.value) and message in str(error.value)


def test_missing_or_unparsable_files_raise_split_error(tmp_path):
    (tmp_path / 'broken.json').write_text('{"images": [')
    write_json(tmp_path / 'no_annotations.json', {'images': []})
    for name, message in [('absent.json', 'does not exist'), ('broken.json', 'not valid JSON'),
                          ('no_annotations.json', "key(s) ['annotations']")]:
        with pytest.raises(SplitError, match='COCO annotation file') as error:
            load_coco_json(tmp_path / name)
        assert str(tmp_path / name) in str(error.value) and message in str(error.value)
    with pytest.raises(SplitError, match='fold file .*absent.txt does not exist'):
        FoldFile(tmp_path / 'absent.txt')


def test_annotation_of_unknown_image_is_an_error():
    coco = synthetic_coco(2)
    coco['annotations'][0]['image_id'] = 999
    with pytest.raises(SplitError, match='refers to image id 999'):
        collect_annotated_pool(coco, 'train.json')


def test_cli_help(capsys):
    assert exit_in_process(SPLIT_TOOL, '--help') == 0
    assert '--fold-file' in capsys.readouterr().out


@pytest.mark.slow
def test_cli_writes_real_fold_one_percent(tmp_path, real_fold_file, train2017_sized_file):
    result = run_cli(SPLIT_TOOL, '--ann-file', train2017_sized_file, '--out-dir', tmp_path,
                     '--fold-file', real_fold_file, '--percent', 1, '--fold', 1)
    assert result.returncode == 0, result.stderr
    assert '3 images without annotations, 2 images with only crowd annotations' in result.stderr
    labeled = json.loads((tmp_path / 'instances_train2017.1@1.json').read_text())
    unlabeled = json.loads((tmp_path / 'instances_train2017.1@1-unlabeled.json').read_text())
    assert len(labeled['images']) == 1172
    assert len(unlabeled['images']) == TRAIN2017_POOL_SIZE - 1172
    assert not set(image_ids(labeled)) & set(image_ids(unlabeled))


def test_cli_reports_a_bad_fold_in_one_sentence(tmp_path, capsys):
    ann_file = write_json(tmp_path / 'train.json', synthetic_coco(10))
    fold_file = write_json(tmp_path / 'folds.txt', {'50.0': {'0': [0, 1, 2, 3, 4]}})
    assert exit_in_process(SPLIT_TOOL, '--ann-file', ann_file, '--out-dir', tmp_path / 'out',
                           '--fold-file', fold_file, '--percent', 50, '--fold', 7) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"fold file {fold_file} has no fold '7' for percent 50.0; available: ['0'].")
    assert not (tmp_path / 'out').exists()
