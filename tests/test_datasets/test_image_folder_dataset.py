import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from mum.datasets import ImageFolderDataset
from mum.datasets.transforms.classification import PackClsInputs, RandomResizedCrop


def _write_images(folder, count, size=(20, 30)):
    os.makedirs(folder, exist_ok=True)
    for index in range(count):
        cv2.imwrite(osp.join(folder, f'{index}.JPEG'), np.zeros((*size, 3), np.uint8))


@pytest.fixture
def image_root(tmp_path):
    _write_images(tmp_path / 'train' / 'n02', 2)
    _write_images(tmp_path / 'train' / 'n01', 3)
    (tmp_path / 'train' / 'n01' / 'notes.txt').write_text('not an image')
    return tmp_path


def test_lists_sorted_classes_and_counts_what_it_leaves_out(image_root, mmengine_warnings):
    dataset = ImageFolderDataset(data_root=str(image_root), data_prefix=dict(img='train'))
    assert dataset.metainfo['classes'] == ('n01', 'n02')
    assert [dataset[i]['gt_label'] for i in range(len(dataset))] == [0, 0, 0, 1, 1]
    assert '1 files without an image extension left out' in '\n'.join(mmengine_warnings)


def test_fixed_classes_must_match_the_folders(image_root):
    with pytest.raises(ValueError, match=r"missing: \['n03'\]"):
        ImageFolderDataset(data_root=str(image_root), data_prefix=dict(img='train'),
                           metainfo=dict(classes=('n01', 'n02', 'n03')))


def test_missing_folder_and_empty_class_are_named(image_root):
    with pytest.raises(FileNotFoundError, match='val does not exist'):
        ImageFolderDataset(data_root=str(image_root), data_prefix=dict(img='val'))
    os.makedirs(image_root / 'train' / 'n03')
    with pytest.raises(ValueError, match='n03 holds no image'):
        ImageFolderDataset(data_root=str(image_root), data_prefix=dict(img='train'))


@pytest.mark.parametrize('shape', [(40, 60), (200, 10)])
def test_random_resized_crop_gives_the_size_asked(shape):
    np.random.seed(0)
    crop = RandomResizedCrop(size=16)
    for _ in range(20):
        result = crop.transform(dict(img=np.zeros((*shape, 3), np.uint8)))
        assert result['img'].shape == (16, 16, 3) and result['img_shape'] == (16, 16)


def test_random_resized_crop_box_stays_in_the_area_range():
    np.random.seed(1)
    crop = RandomResizedCrop(size=8, scale=(0.25, 0.5))
    for _ in range(50):
        top, left, crop_h, crop_w = crop._crop_box(100, 100)
        assert 0.2 <= crop_h * crop_w / 10000 <= 0.55
        assert top + crop_h <= 100 and left + crop_w <= 100


def test_pack_gives_chw_input_and_label():
    packed = PackClsInputs().transform(dict(img=np.zeros((5, 7, 3), np.uint8), gt_label=3,
                                            img_path='a.jpg', img_shape=(5, 7)))
    assert packed['inputs'].shape == (3, 5, 7)
    assert packed['data_samples'].gt_label == torch.tensor(3)
    assert packed['data_samples'].img_path == 'a.jpg'
