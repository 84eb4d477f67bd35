"""Each kind of bad input ends in one sentence naming the file, or in a counted, logged skip."""
import json
import re

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mum.datasets import CheckedCocoDataset
from mum.datasets.checked_coco_dataset import UnreadableImageError

CLASSES = ('cat', 'dog')


def _write_coco(tmp_path, images, annotations, name='ann.json', **overrides):
    content = dict(images=images, annotations=annotations,
                   categories=[dict(id=1, name='cat'), dict(id=2, name='dog')])
    content.update(overrides)
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return str(path)


def _image(tmp_path, image_id, name):
    cv2.imwrite(str(tmp_path / name), np.full((40, 60, 3), 128, np.uint8))
    return dict(id=image_id, file_name=name, width=60, height=40)


def _dataset(ann_file, tmp_path, **kwargs):
    init_default_scope('mmdet')
    return CheckedCocoDataset(ann_file=ann_file, data_prefix=dict(img=str(tmp_path) + '/'),
                              metainfo=dict(classes=CLASSES),
                              pipeline=[dict(type='LoadImageFromFile')], **kwargs)


def _box(ann_id, image_id, bbox, area=100.0, category_id=1):
    return dict(id=ann_id, image_id=image_id, bbox=bbox, area=area, category_id=category_id,
                iscrowd=0)


def test_annotation_file_that_is_not_json(tmp_path):
    path = tmp_path / 'broken.json'
    path.write_text('{"images": [')
    with pytest.raises(ValueError, match=f'Annotation file {path} is not a COCO-format JSON'):
        _dataset(str(path), tmp_path)


@pytest.mark.parametrize('key', ['images', 'categories'])
def test_annotation_file_without_a_coco_key(tmp_path, key):
    path = _write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')], [])
    content = json.loads(open(path).read())
    del content[key]
    open(path, 'w').write(json.dumps(content))
    with pytest.raises(ValueError, match=f"Annotation file {re.escape(path)} lacks the COCO "
                       f"key\\(s\\) \\['{key}'\\]"):
        _dataset(path, tmp_path)


def test_missing_annotation_file_is_named(tmp_path):
    path = str(tmp_path / 'absent.json')
    with pytest.raises(FileNotFoundError, match=re.escape(
            f'Annotation file {path} does not exist: check data_root and ann_file in the config, '
            'or make the file first')):
        _dataset(path, tmp_path)


def test_bad_boxes_and_empty_images_are_counted_and_logged(tmp_path, mmengine_warnings):
    images = [_image(tmp_path, i, f'{i}.jpg') for i in (1, 2, 3)]
    annotations = [
        _box(1, 1, [5, 5, 10, 10]),  # fine
        _box(2, 1, [100, 100, 10, 10]),  # outside the 60x40 image
        _box(3, 2, [5, 5, 0.5, 10], area=5.0),  # thinner than 1 px: image 2 keeps no box
    ]  # image 3 has no annotation at all
    path = _write_coco(tmp_path, images, annotations)
    dataset = _dataset(path, tmp_path, filter_cfg=dict(filter_empty_gt=True))
    assert len(dataset) == 2  # image 3 left out by filter_empty_gt, image 2 kept empty
    text = '\n'.join(mmengine_warnings)
    assert '2 boxes dropped (1 outside the image, 1 with zero area or a side < 1 px); ' \
           '1 images kept with no box left' in text
    assert '1 of 3 images left out by filter_cfg' in text


def test_missing_and_corrupt_image_files_are_named(tmp_path):
    images = [_image(tmp_path, 1, 'ok.jpg'), dict(id=2, file_name='gone.jpg', width=60,
                                                  height=40),
              dict(id=3, file_name='corrupt.jpg', width=60, height=40)]
    (tmp_path / 'corrupt.jpg').write_bytes(b'not a jpeg')
    ann_file = _write_coco(tmp_path, images, [])
    dataset = _dataset(ann_file, tmp_path)
    assert dataset[0]['img'].shape == (40, 60, 3)
    with pytest.raises(UnreadableImageError, match=f'^Image file {tmp_path}/gone.jpg of '
                       f'{ann_file} cannot be read \\(FileNotFoundError: '):
        dataset[1]
    with pytest.raises(UnreadableImageError, match=f'^Image file {tmp_path}/corrupt.jpg of '
                       f'{ann_file} cannot be read'):
        dataset[2]
    with pytest.raises(UnreadableImageError, match=f'^1 of 3 image files listed in {ann_file} '
                       f'do not exist \\(check_files=True\\): {tmp_path}/gone.jpg.$'):
        _dataset(ann_file, tmp_path, check_files=True)


def _unlabeled_with_corrupt_images(tmp_path, num_corrupt, fraction):
    images = [_image(tmp_path, i, f'{i}.jpg') for i in range(1, 9)]
    for image in images[:num_corrupt]:
        (tmp_path / image['file_name']).write_bytes(b'not a jpeg')
    return _dataset(_write_coco(tmp_path, images, [], name='unlabeled.json'), tmp_path,
                    filter_cfg=dict(filter_empty_gt=False), max_unreadable_fraction=fraction)


def test_corrupt_unlabeled_image_is_replaced_counted_and_reported_across_workers(tmp_path):
    from torch.utils.data import DataLoader
    dataset = _unlabeled_with_corrupt_images(tmp_path, num_corrupt=1, fraction=0.2)
    loader = DataLoader(dataset, batch_size=1, num_workers=1, collate_fn=lambda batch: batch)
    paths = [batch[0]['img_path'] for batch in loader]  # read in a worker process
    corrupt = f'{tmp_path}/1.jpg'
    assert len(paths) == 8 and corrupt not in paths  # replaced by another image of the set
    assert all(path.startswith(f'{tmp_path}/') for path in paths)
    assert dataset.collect_unreadable() == [corrupt]  # reported to the main process
    dataset[0]  # again: counted once
    assert dataset.collect_unreadable() == [] and dataset.unreadable_files == [corrupt]


def test_too_many_corrupt_unlabeled_images_stop_with_their_names(tmp_path):
    dataset = _unlabeled_with_corrupt_images(tmp_path, num_corrupt=2, fraction=0.2)
    for index in range(8):
        dataset[index]
    with pytest.raises(UnreadableImageError, match=f'^2 of 8 images of {tmp_path}/unlabeled.json '
                       'cannot be read, more than max_unreadable_fraction=0.2 allows: '
                       f'{tmp_path}/1.jpg, {tmp_path}/2.jpg.$'):
        dataset.collect_unreadable()


def test_skipped_images_are_logged_per_interval(tmp_path):
    from types import SimpleNamespace

    from mum.engine.hooks import UnreadableImageHook
    dataset = _unlabeled_with_corrupt_images(tmp_path, num_corrupt=1, fraction=0.2)
    dataset[0]
    logged = []
    runner = SimpleNamespace(
        iter=9, max_iters=100, train_dataloader=SimpleNamespace(dataset=dataset),
        logger=SimpleNamespace(log=lambda level, message: logged.append(message)))
    hook = UnreadableImageHook(interval=10)
    runner.iter = 8
    hook.after_train_iter(runner, 0)  # not an interval's end: nothing collected
    assert logged == []
    runner.iter = 9
    hook.after_train_iter(runner, 0)
    assert logged == [f'1 unreadable image(s) of {tmp_path}/unlabeled.json skipped and replaced '
                      'by others of the same file up to iteration 10 (1 so far of 8, limit '
                      f'20.0%): {tmp_path}/1.jpg.']


def test_empty_unlabeled_file_is_named_by_the_sampler(tmp_path):
    from mmengine.dataset import ConcatDataset

    from mum.datasets.samplers import FallbackGroupMultiSourceSampler
    labeled = _dataset(_write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')],
                                   [_box(1, 1, [5, 5, 10, 10])]), tmp_path)
    empty_file = _write_coco(tmp_path, [], [], name='unlabeled.json')
    unlabeled = _dataset(empty_file, tmp_path, filter_cfg=dict(filter_empty_gt=False))
    assert unlabeled.serialize_data and len(unlabeled) == 0  # the real, serialised class
    with pytest.raises(ValueError, match=f"Training source 1 \\(CheckedCocoDataset, ann_file "
                       f"'{empty_file}'\\) has no image"):
        FallbackGroupMultiSourceSampler(ConcatDataset([labeled, unlabeled]), batch_size=2,
                                        source_ratio=[1, 1])


# labeled (images without boxes left out), unlabeled (no 'annotations' key) and validation
SPLITS = {'labeled': dict(filter_cfg=dict(filter_empty_gt=True)),
          'unlabeled': dict(filter_cfg=dict(filter_empty_gt=False)),
          'val': dict(test_mode=True)}


@pytest.mark.parametrize('split', list(SPLITS))
def test_a_class_missing_from_the_file_is_refused_naming_both_sides(tmp_path, split):
    images = [_image(tmp_path, 1, 'a.jpg')]
    annotations = [] if split == 'unlabeled' else [_box(1, 1, [5, 5, 10, 10])]
    path = _write_coco(tmp_path, images, annotations,  # 'dog' renamed in the file
                       categories=[dict(id=1, name='cat'), dict(id=2, name='dogs')])
    if split == 'unlabeled':
        content = json.loads(open(path).read())
        del content['annotations']
        open(path, 'w').write(json.dumps(content))
    with pytest.raises(ValueError, match=re.escape(
            f"Annotation file {path} does not match metainfo.classes: it lacks ['dog'], and has "
            "['dogs'] categories that are not classes; rename the categories or the classes so "
            'that every class is a category of the file.')):
        _dataset(path, tmp_path, **SPLITS[split])


def test_extra_categories_are_named_and_their_boxes_left_out(tmp_path, mmengine_warnings):
    path = _write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')],
                       [_box(1, 1, [5, 5, 10, 10], category_id=3)],
                       categories=[dict(id=1, name='cat'), dict(id=3, name='bird'),
                                   dict(id=2, name='dog')])
    dataset = _dataset(path, tmp_path, filter_cfg=dict(filter_empty_gt=False))
    assert dataset.cat_ids == [1, 2] and dataset.get_data_info(0)['instances'] == []
    assert (f"{path}: categories ['bird'] are not classes of the dataset (['cat', 'dog']); "
            'their boxes are left out.') in mmengine_warnings


def test_classes_in_another_order_are_refused_naming_both_orders(tmp_path):
    # CocoDataset would number 'dog' (listed first) as label 0, which metainfo calls 'cat'
    path = _write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')], [_box(1, 1, [5, 5, 10, 10])],
                       categories=[dict(id=2, name='dog'), dict(id=1, name='cat')])
    with pytest.raises(ValueError, match=re.escape(
            f"Annotation file {path} lists the classes in the order ['dog', 'cat'] and "
            "metainfo.classes in the order ['cat', 'dog']; mmdet numbers the labels")):
        _dataset(path, tmp_path)


def test_an_unlabeled_image_list_may_list_the_classes_in_any_order(tmp_path):
    path = _write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')], [],
                       categories=[dict(id=2, name='dog'), dict(id=1, name='cat')])
    assert len(_dataset(path, tmp_path, filter_cfg=dict(filter_empty_gt=False))) == 1


def test_a_category_listed_twice_is_refused(tmp_path):
    path = _write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')], [_box(1, 1, [5, 5, 10, 10])],
                       categories=[dict(id=1, name='cat'), dict(id=2, name='dog'),
                                   dict(id=3, name='cat')])
    with pytest.raises(ValueError, match=re.escape(
            f"Annotation file {path} lists the categories ['cat'] more than once")):
        _dataset(path, tmp_path)
