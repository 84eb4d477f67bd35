"""Tests of the demo dataset generator and its command line tool."""
import json
import os
import os.path as osp
import subprocess
import sys
from collections import Counter

import cv2
import pytest
from conftest import exit_in_process

from mum.datasets import demo_data
from mum.datasets.demo_data import (DEMO_CLASSES, DEMO_SPLITS, GENERATOR_VERSION, MANIFEST_NAME,
                                    DemoDatasetSpec, _KindCycle, ensure_demo_dataset,
                                    generate_demo_dataset)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY_SPEC = dict(num_labeled=3, num_unlabeled=4, num_val=3, image_size=96)


def _file_bytes(root):
    """Maps every file's path relative to ``root`` to its content."""
    contents = {}
    for folder, _, file_names in os.walk(root):
        for file_name in file_names:
            path = osp.join(folder, file_name)
            with open(path, 'rb') as file:
                contents[osp.relpath(path, root)] = file.read()
    return contents


def _file_mtimes(root):
    """Maps every file's path relative to ``root`` to its modification time in ns."""
    return {name: os.stat(osp.join(root, name)).st_mtime_ns for name in _file_bytes(root)}


def _load_split(paths, split):
    with open(paths[f'{split}_ann_file'], encoding='utf-8') as ann_file:
        return json.load(ann_file)


def test_same_seed_gives_identical_bytes(tmp_path):
    first = _file_bytes(generate_demo_dataset(str(tmp_path / 'a'), seed=3, **TINY_SPEC)['root'])
    second = _file_bytes(generate_demo_dataset(str(tmp_path / 'b'), seed=3, **TINY_SPEC)['root'])
    other_seed = _file_bytes(
        generate_demo_dataset(str(tmp_path / 'c'), seed=4, **TINY_SPEC)['root'])

    assert len(first) == sum(TINY_SPEC[f'num_{split}'] for split in DEMO_SPLITS) + 4
    assert first == second
    assert first.keys() == other_seed.keys() and first != other_seed


def test_annotations_record_how_each_object_was_drawn(tmp_path):
    paths = generate_demo_dataset(str(tmp_path), **dict(TINY_SPEC, num_unlabeled=30))
    seen = {key: set() for key in ('size', 'hue', 'covered')}
    for annotation in _load_split(paths, 'unlabeled')['annotations']:
        attributes = annotation['attributes']
        assert attributes.keys() == seen.keys()
        for key, value in attributes.items():
            seen[key].add(value)
    assert seen == dict(size={'small', 'medium', 'large'}, hue={'class', 'any'},
                        covered={'no', 'partly'})


def test_annotations_are_valid(tmp_path):
    paths = generate_demo_dataset(str(tmp_path), **TINY_SPEC)

    image_ids, annotation_ids, used_labels = set(), set(), set()
    expected_categories = [dict(id=index + 1, name=name) for index, name in enumerate(DEMO_CLASSES)]
    for split in DEMO_SPLITS:
        coco = _load_split(paths, split)
        assert coco['categories'] == expected_categories
        assert len(coco['images']) == TINY_SPEC[f'num_{split}']
        sizes = {}
        for image in coco['images']:
            assert image['id'] not in image_ids
            image_ids.add(image['id'])
            pixels = cv2.imread(osp.join(paths[f'{split}_img_dir'], image['file_name']))
            assert pixels is not None
            assert pixels.shape[:2] == (image['height'], image['width'])
            assert max(image['height'], image['width']) == TINY_SPEC['image_size']
            sizes[image['id']] = (image['width'], image['height'])
        for annotation in coco['annotations']:
            assert annotation['id'] not in annotation_ids
            annotation_ids.add(annotation['id'])
            assert 1 <= annotation['category_id'] <= len(DEMO_CLASSES)
            used_labels.add(annotation['category_id'])
            assert annotation['iscrowd'] == 0
            width, height = sizes[annotation['image_id']]
            x, y, box_width, box_height = annotation['bbox']
            assert box_width > 0 and box_height > 0
            assert x >= 0 and y >= 0 and x + box_width <= width and y + box_height <= height
            assert 0 < annotation['area'] <= box_width * box_height
    assert len(DEMO_CLASSES) >= 5
    assert len(annotation_ids) >= 2 * len(image_ids)
    assert len(used_labels) >= 3


def test_ensure_keeps_a_matching_copy_and_regenerates_otherwise(tmp_path):
    paths = ensure_demo_dataset(str(tmp_path), **TINY_SPEC)
    mtimes = _file_mtimes(paths['root'])

    assert ensure_demo_dataset(str(tmp_path), **TINY_SPEC) == paths
    assert _file_mtimes(paths['root']) == mtimes

    ensure_demo_dataset(str(tmp_path), **dict(TINY_SPEC, num_val=1))
    assert len(_load_split(paths, 'val')['images']) == 1
    assert len(os.listdir(paths['val_img_dir'])) == 1
    with open(osp.join(paths['root'], MANIFEST_NAME), encoding='utf-8') as manifest_file:
        assert json.load(manifest_file)['parameters']['num_val'] == 1


def test_ensure_generates_a_copy_of_an_older_generator_version_again(tmp_path):
    paths = ensure_demo_dataset(str(tmp_path), **TINY_SPEC)
    manifest_path = osp.join(paths['root'], MANIFEST_NAME)
    with open(manifest_path, encoding='utf-8') as manifest_file:
        manifest = json.load(manifest_file)
    # the same parameters under an older version: only the version tells the copies apart
    manifest['generator_version'] = GENERATOR_VERSION - 1
    with open(manifest_path, 'w', encoding='utf-8') as manifest_file:
        json.dump(manifest, manifest_file)
    mtimes = _file_mtimes(paths['root'])

    ensure_demo_dataset(str(tmp_path), **TINY_SPEC)
    assert _file_mtimes(paths['root']) != mtimes
    with open(manifest_path, encoding='utf-8') as manifest_file:
        assert json.load(manifest_file)['generator_version'] == GENERATOR_VERSION


def test_ensure_completes_an_incomplete_copy(tmp_path):
    paths = generate_demo_dataset(str(tmp_path), **TINY_SPEC)
    first_image = osp.join(paths['labeled_img_dir'], _load_split(paths, 'labeled')['images'][0]
                           ['file_name'])
    os.remove(first_image)

    ensure_demo_dataset(str(tmp_path), **TINY_SPEC)
    assert osp.isfile(first_image)


def _labeled_kinds(paths):
    """The (category id, size) pairs the labeled split shows."""
    return {(annotation['category_id'], annotation['attributes']['size'])
            for annotation in _load_split(paths, 'labeled')['annotations']}


def test_cover_labeled_shows_every_class_at_every_size(tmp_path):
    spec = dict(num_labeled=12, num_unlabeled=0, num_val=0, image_size=128)
    random_kinds = _labeled_kinds(
        generate_demo_dataset(str(tmp_path / 'random'), cover_labeled=False, **spec))
    covered_kinds = _labeled_kinds(generate_demo_dataset(str(tmp_path / 'cover'), **spec))

    every_kind = {(label + 1, size) for label in range(len(DEMO_CLASSES))
                  for size in ('small', 'medium', 'large')}
    assert len(random_kinds) < len(every_kind)  # seed 0's random draw misses some: a control
    assert covered_kinds == every_kind


def test_cover_labeled_hands_out_a_lost_pair_again_first():
    kinds = _KindCycle(seed=0)
    first_cycle = [kinds.take() for _ in range(3 * len(DEMO_CLASSES))]
    assert sorted(first_cycle) == [(label, size_index) for label in range(len(DEMO_CLASSES))
                                   for size_index in range(3)]

    kinds.give_back([first_cycle[5], first_cycle[7]])
    assert [kinds.take() for _ in range(3)] == [first_cycle[5], first_cycle[7], first_cycle[0]]


def test_cover_labeled_retries_exactly_the_pairs_of_objects_not_kept(tmp_path, monkeypatch):
    taken, lost = Counter(), Counter()
    take, give_back = _KindCycle.take, _KindCycle.give_back

    def recorded_take(kinds):
        pair = take(kinds)
        taken[pair] += 1
        return pair

    def recorded_give_back(kinds, pairs):
        lost.update(pairs)
        give_back(kinds, pairs)

    monkeypatch.setattr(_KindCycle, 'take', recorded_take)
    monkeypatch.setattr(_KindCycle, 'give_back', recorded_give_back)
    place_object, placements = demo_data._place_object, []

    def fail_every_fifth_placement(*args):
        placements.append(None)
        return None if len(placements) % 5 == 0 else place_object(*args)

    # only a shape larger than the canvas fails to be placed, which valid sizes never draw
    monkeypatch.setattr(demo_data, '_place_object', fail_every_fifth_placement)
    # crowded: many objects per small canvas, and any covered pixel loses an object
    paths = generate_demo_dataset(str(tmp_path), num_labeled=6, num_unlabeled=0, num_val=0,
                                  image_size=96, min_objects=6, max_objects=10,
                                  min_visible_fraction=1.0, cover_labeled=True)
    sizes = ('small', 'medium', 'large')
    kept = Counter((annotation['category_id'] - 1, sizes.index(annotation['attributes']['size']))
                   for annotation in _load_split(paths, 'labeled')['annotations'])

    assert sum(lost.values()) > len(placements) // 5
    assert taken == kept + lost


def test_cover_labeled_changes_only_the_labeled_split(tmp_path):
    random_files = _file_bytes(
        generate_demo_dataset(str(tmp_path / 'random'), cover_labeled=False, **TINY_SPEC)['root'])
    covered_files = _file_bytes(generate_demo_dataset(str(tmp_path / 'cover'), **TINY_SPEC)['root'])

    assert random_files.keys() == covered_files.keys()
    changed = {name for name in random_files if random_files[name] != covered_files[name]}
    assert 'annotations/labeled.json' in changed
    assert changed <= {'annotations/labeled.json', MANIFEST_NAME} | {
        name for name in random_files if name.startswith('images/labeled/')}


def test_invalid_parameters_are_rejected():
    with pytest.raises(ValueError):
        DemoDatasetSpec(min_objects=4, max_objects=2)
    with pytest.raises(TypeError):
        DemoDatasetSpec(num_images=3)


def _run_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [REPO_ROOT, os.environ.get('PYTHONPATH')])))
    return subprocess.run([sys.executable, 'tools/misc/make_demo_data.py', *args], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_cli_help(capsys):
    assert exit_in_process(osp.join(REPO_ROOT, 'tools', 'misc', 'make_demo_data.py'),
                           '--help') == 0
    assert '--num-unlabeled' in capsys.readouterr().out


@pytest.mark.slow
def test_cli_generates_a_tiny_dataset(tmp_path):
    out_dir = tmp_path / 'demo'
    result = _run_cli('--out', str(out_dir), '--num-labeled', '2', '--num-unlabeled', '2',
                      '--num-val', '1', '--image-size', '64')
    assert result.returncode == 0, result.stderr
    assert str(out_dir) in result.stdout
    for split in DEMO_SPLITS:
        assert osp.isfile(out_dir / 'annotations' / f'{split}.json')
    assert len(os.listdir(out_dir / 'images' / 'labeled')) == 2
    with open(out_dir / MANIFEST_NAME, encoding='utf-8') as manifest_file:
        assert json.load(manifest_file)['parameters']['cover_labeled'] is True

    random_dir = tmp_path / 'random'
    result = _run_cli('--out', str(random_dir), '--num-labeled', '2', '--num-unlabeled', '0',
                      '--num-val', '0', '--image-size', '64', '--no-cover-labeled')
    assert result.returncode == 0, result.stderr
    with open(random_dir / MANIFEST_NAME, encoding='utf-8') as manifest_file:
        assert json.load(manifest_file)['parameters']['cover_labeled'] is False
    assert f'of the {3 * len(DEMO_CLASSES)} (class, size) pairs' in result.stdout
