"""The ImageNet input pipeline pieces mmcv/mmdet lack (they live in mmpretrain, not a dependency).

Images are ``uint8`` arrays (H, W, 3) as mmcv's loader gives them; randomness comes from numpy's
global RNG, which mmengine seeds per dataloader worker.
"""
from typing import Sequence, Tuple

import mmcv
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmdet.registry import TRANSFORMS
from mmengine.structures import BaseDataElement

from .random_box import draw_area_box

# Like torchvision, the crop falls back to a centre crop after this many rejected boxes.
_MAX_CROP_ATTEMPTS = 10


@TRANSFORMS.register_module()
class RandomResizedCrop(BaseTransform):
    """Inception-style crop: a random box of ``scale`` x the image area and aspect ``ratio``,
    resized to ``size`` x ``size``.

    Args:
        size (int): Side of the output image.
        scale (tuple[float, float]): Range of the box area as a fraction of the image area.
            Defaults to (0.08, 1.0).
        ratio (tuple[float, float]): Range of the box aspect ratio (height / width, as the
            erasing transforms; the default range is symmetric), sampled log-uniformly.
            Defaults to (3/4, 4/3).
        interpolation (str): mmcv interpolation of the resize. Defaults to 'bilinear'.
    """

    def __init__(self, size: int, scale: Tuple[float, float] = (0.08, 1.0),
                 ratio: Tuple[float, float] = (3 / 4, 4 / 3),
                 interpolation: str = 'bilinear') -> None:
        if not 0 < scale[0] <= scale[1] <= 1 or not 0 < ratio[0] <= ratio[1]:
            raise ValueError(f'RandomResizedCrop: need 0 < scale[0] <= scale[1] <= 1 and '
                             f'0 < ratio[0] <= ratio[1], got scale={scale}, ratio={ratio}.')
        self.size = size
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation

    @cache_randomness
    def _crop_box(self, height: int, width: int) -> Tuple[int, int, int, int]:
        """(top, left, crop_h, crop_w) of a random box; a centre crop if none fits."""
        box = draw_area_box(height, width, self.scale, self.ratio, attempts=_MAX_CROP_ATTEMPTS,
                            whole_image_allowed=True)
        if box is not None:
            return box
        aspect = height / width  # fall back: the largest centred box within the ratio range
        crop_h, crop_w = height, width
        if aspect < self.ratio[0]:
            crop_w = int(round(height / self.ratio[0]))
        elif aspect > self.ratio[1]:
            crop_h = int(round(width * self.ratio[1]))
        return (height - crop_h) // 2, (width - crop_w) // 2, crop_h, crop_w

    def transform(self, results: dict) -> dict:
        img = results['img']
        top, left, crop_h, crop_w = self._crop_box(*img.shape[:2])
        crop = img[top:top + crop_h, left:left + crop_w]
        results['img'] = mmcv.imresize(crop, (self.size, self.size),
                                       interpolation=self.interpolation)
        results['img_shape'] = results['img'].shape[:2]
        return results


@TRANSFORMS.register_module()
class PackClsInputs(BaseTransform):
    """Packs an image and its class into ``inputs`` (C, H, W) uint8 and a data sample.

    The data sample is an mmengine ``BaseDataElement`` with the field ``gt_label`` (a 0-d int64
    tensor) and the metainfo ``meta_keys`` present in the results.

    Args:
        meta_keys (Sequence[str]): Keys copied into the metainfo when present.
    """

    def __init__(self, meta_keys: Sequence[str] = ('img_path', 'ori_shape', 'img_shape')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        img = np.ascontiguousarray(results['img'].transpose(2, 0, 1))
        data_sample = BaseDataElement(
            metainfo={key: results[key] for key in self.meta_keys if key in results})
        data_sample.gt_label = torch.tensor(results['gt_label'], dtype=torch.int64)
        return dict(inputs=torch.from_numpy(img), data_samples=data_sample)
