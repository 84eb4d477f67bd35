"""Each kind of bad input ends in one sentence naming the file, or in a counted, logged skip."""
import json
import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mum.datasets import CheckedCocoDataset

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


def test_annotation_file_without_images_key(tmp_path):
    path = _write_coco(tmp_path, [_image(tmp_path, 1, 'a.jpg')], [])
    content = json.loads(open(path).read())
    del content['images']
    open(path, 'w').write(json.dumps(content))
    with pytest.raises(ValueError, match=r"lacks the COCO key\(s\) \['images'\]"):
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
    dataset = _dataset(_write_coco(tmp_path, images, []), tmp_path)
    assert dataset[0]['img'].shape == (40, 60, 3)
    with pytest.raises(FileNotFoundError, match='gone.jpg'):
        dataset[1]
    with pytest.raises(Exception, match='corrupt.jpg'):
        dataset[2]
