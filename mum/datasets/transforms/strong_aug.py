"""Strong photometric augmentation of Unbiased Teacher as mmcv transforms.

The strong view of an unlabeled image is its weak view plus colour noise, blur and
cutout-style erasing. None of these transforms moves a pixel, so boxes, labels and the
image meta fields pass through untouched. Images are ``uint8`` arrays of shape
``(H, W, 3)``, in BGR order as mmdet's loaders produce them (``channel_order`` says
otherwise where needed). Randomness comes from numpy's global RNG, which mmengine seeds
per dataloader worker.

Example:
    The strong branch lists these after the weak (geometric) transforms::

        strong_colour_pipeline = [
            dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
                 hue=0.1, prob=0.8),
            dict(type='RandomLumaGrayscale', prob=0.2),
            dict(type='RandomGaussianBlur', sigma_range=(0.1, 2.0), prob=0.5),
            dict(type='RandomErasingArea', prob=0.7, scale=(0.05, 0.2), ratio=(0.3, 3.3)),
            dict(type='RandomErasingArea', prob=0.5, scale=(0.02, 0.2), ratio=(0.1, 6.0)),
            dict(type='RandomErasingArea', prob=0.3, scale=(0.02, 0.2), ratio=(0.05, 8.0)),
        ]
"""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmdet.registry import TRANSFORMS

from .random_box import draw_area_box

# ITU-R BT.601 luma weights of the R, G and B channels.
_LUMA_WEIGHTS_RGB = (0.299, 0.587, 0.114)
# Like torchvision, erasing gives up (erases nothing) after this many rejected regions.
_MAX_ERASE_ATTEMPTS = 10


def _check_prob(prob: float) -> None:
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f'prob must lie in [0, 1], got {prob}')


def _check_range(name: str, value_range: Sequence[float], lowest: float) -> None:
    if len(value_range) != 2 or not lowest <= value_range[0] <= value_range[1]:
        raise ValueError(f'{name} must be (low, high) with {lowest} <= low <= high, '
                         f'got {value_range}')


def _check_uint8_image(img: np.ndarray) -> None:
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise TypeError(f'expected a uint8 (H, W, 3) image, got {img.dtype} {img.shape}')


def _luma_weights(channel_order: str) -> np.ndarray:
    """BT.601 luma weights laid out in the image's channel order ('bgr' or 'rgb')."""
    if channel_order not in ('bgr', 'rgb'):
        raise ValueError(f"channel_order must be 'bgr' or 'rgb', got {channel_order!r}")
    weights_rgb = np.array(_LUMA_WEIGHTS_RGB, dtype=np.float32)
    return weights_rgb[::-1].copy() if channel_order == 'bgr' else weights_rgb


def _round_to_uint8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


@TRANSFORMS.register_module()
class ColorJitter(BaseTransform):
    """Random brightness, contrast, saturation and hue, in a random order.

    Follows torchvision's ``ColorJitter`` wrapped in ``RandomApply``: with probability
    ``prob`` the four adjustments are applied in a random permutation, each with its own
    factor; a strength of 0 disables that adjustment. Brightness scales the image;
    contrast blends it with the mean of its grayscale version; saturation blends it with
    its grayscale version; hue rotates the hue channel of HSV. Grayscale and HSV are
    computed in the image's true channel order. The image stays float32 (clipped to
    [0, 255] after every adjustment) between adjustments and is rounded once at the end.

    Required Keys: img. Modified Keys: img.

    Args:
        brightness (float): Brightness factor drawn uniformly from
            ``[max(0, 1 - brightness), 1 + brightness]``. Defaults to 0.4.
        contrast (float): Contrast factor range, as for ``brightness``. Defaults to 0.4.
        saturation (float): Saturation factor range, as for ``brightness``.
            Defaults to 0.4.
        hue (float): Hue shift drawn uniformly from ``[-hue, hue]``, in full turns;
            at most 0.5. Defaults to 0.1.
        prob (float): Probability of jittering at all. Defaults to 0.8.
        channel_order (str): Channel order of ``results['img']``, 'bgr' or 'rgb'.
            Defaults to 'bgr'.
    """

    def __init__(self,
                 brightness: float = 0.4,
                 contrast: float = 0.4,
                 saturation: float = 0.4,
                 hue: float = 0.1,
                 prob: float = 0.8,
                 channel_order: str = 'bgr') -> None:
        for name, strength in (('brightness', brightness), ('contrast', contrast),
                               ('saturation', saturation)):
            if strength < 0:
                raise ValueError(f'{name} must be non-negative, got {strength}')
        if not 0.0 <= hue <= 0.5:
            raise ValueError(f'hue must lie in [0, 0.5], got {hue}')
        _check_prob(prob)
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self.prob = prob
        self.channel_order = channel_order
        self.luma_weights = _luma_weights(channel_order)
        # Adjustment name -> range its factor (hue: shift) is drawn from; strength 0 = off.
        self.factor_ranges = {
            name: (max(0.0, 1.0 - strength), 1.0 + strength)
            for name, strength in (('brightness', brightness), ('contrast', contrast),
                                   ('saturation', saturation)) if strength > 0
        }
        if hue > 0:
            self.factor_ranges['hue'] = (-hue, hue)

    @cache_randomness
    def _draw_adjustments(self) -> List[Tuple[str, float]]:
        """Draw the adjustments to apply, in order, as (name, factor); empty to skip."""
        if np.random.rand() >= self.prob:
            return []
        names = list(self.factor_ranges)
        order = np.random.permutation(len(names))
        return [(names[i], float(np.random.uniform(*self.factor_ranges[names[i]])))
                for i in order]

    def _grayscale(self, img: np.ndarray) -> np.ndarray:
        return img @ self.luma_weights

    def _adjust_brightness(self, img: np.ndarray, factor: float) -> np.ndarray:
        return np.clip(img * factor, 0, 255)

    def _adjust_contrast(self, img: np.ndarray, factor: float) -> np.ndarray:
        mean_luma = self._grayscale(img).mean()
        return np.clip(factor * img + (1 - factor) * mean_luma, 0, 255)

    def _adjust_saturation(self, img: np.ndarray, factor: float) -> np.ndarray:
        luma = self._grayscale(img)[..., None]
        return np.clip(factor * img + (1 - factor) * luma, 0, 255)

    def _adjust_hue(self, img: np.ndarray, shift: float) -> np.ndarray:
        to_hsv, from_hsv = ((cv2.COLOR_BGR2HSV, cv2.COLOR_HSV2BGR)
                            if self.channel_order == 'bgr' else
                            (cv2.COLOR_RGB2HSV, cv2.COLOR_HSV2RGB))
        # float32 input in [0, 1] gives hue in degrees [0, 360).
        hsv = cv2.cvtColor(img / 255, to_hsv)
        hsv[..., 0] = np.mod(hsv[..., 0] + shift * 360, 360)
        return np.clip(cv2.cvtColor(hsv, from_hsv) * 255, 0, 255)

    def transform(self, results: dict) -> dict:
        """Replace ``results['img']`` by a jittered copy with probability ``prob``.

        Args:
            results (dict): Result dict holding a uint8 (H, W, 3) ``img``.

        Returns:
            dict: The same dict with the jittered image.
        """
        _check_uint8_image(results['img'])
        adjustments = self._draw_adjustments()
        if not adjustments:
            return results
        adjust_by_name = {
            'brightness': self._adjust_brightness,
            'contrast': self._adjust_contrast,
            'saturation': self._adjust_saturation,
            'hue': self._adjust_hue,
        }
        img = results['img'].astype(np.float32)
        for name, factor in adjustments:
            img = adjust_by_name[name](img, factor)
        results['img'] = _round_to_uint8(img)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(brightness={self.brightness}, '
                f'contrast={self.contrast}, saturation={self.saturation}, hue={self.hue}, '
                f'prob={self.prob}, channel_order={self.channel_order!r})')


@TRANSFORMS.register_module()
class RandomLumaGrayscale(BaseTransform):
    """With probability ``prob``, replace the image by its BT.601 luma on all 3 channels.

    Luma is 0.299 R + 0.587 G + 0.114 B, rounded, with the weights applied to the image's
    true channels. Named apart from mmcv's ``RandomGrayscale`` so that
    ``type='RandomGrayscale'`` keeps meaning mmcv's, which draws from Python's ``random``
    and truncates instead of rounding.

    Required Keys: img. Modified Keys: img.

    Args:
        prob (float): Probability of converting. Defaults to 0.2.
        channel_order (str): Channel order of ``results['img']``, 'bgr' or 'rgb'.
            Defaults to 'bgr'.
    """

    def __init__(self, prob: float = 0.2, channel_order: str = 'bgr') -> None:
        _check_prob(prob)
        self.prob = prob
        self.channel_order = channel_order
        self.luma_weights = _luma_weights(channel_order)

    @cache_randomness
    def _draw_apply(self) -> bool:
        return bool(np.random.rand() < self.prob)

    def transform(self, results: dict) -> dict:
        """Convert ``results['img']`` to 3-channel grayscale with probability ``prob``.

        Args:
            results (dict): Result dict holding a uint8 (H, W, 3) ``img``.

        Returns:
            dict: The same dict, its image possibly converted.
        """
        img = results['img']
        _check_uint8_image(img)
        if not self._draw_apply():
            return results
        luma = _round_to_uint8(img.astype(np.float32) @ self.luma_weights)
        results['img'] = np.repeat(luma[..., None], img.shape[2], axis=2)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, '
                f'channel_order={self.channel_order!r})')


@TRANSFORMS.register_module()
class RandomGaussianBlur(BaseTransform):
    """With probability ``prob``, blur the image with a Gaussian of random sigma.

    The kernel size follows from sigma (``cv2.GaussianBlur`` with ``ksize=(0, 0)``);
    borders are reflected (OpenCV's default ``BORDER_REFLECT_101``).

    Required Keys: img. Modified Keys: img.

    Args:
        sigma_range (tuple[float, float]): Sigma, in pixels, is drawn uniformly from
            this range. Defaults to (0.1, 2.0).
        prob (float): Probability of blurring. Defaults to 0.5.
    """

    def __init__(self,
                 sigma_range: Tuple[float, float] = (0.1, 2.0),
                 prob: float = 0.5) -> None:
        _check_range('sigma_range', sigma_range, lowest=1e-6)
        _check_prob(prob)
        self.sigma_range = tuple(sigma_range)
        self.prob = prob

    @cache_randomness
    def _draw_sigma(self) -> Optional[float]:
        """Draw the blur's sigma, or None to leave the image as is."""
        if np.random.rand() >= self.prob:
            return None
        return float(np.random.uniform(*self.sigma_range))

    def transform(self, results: dict) -> dict:
        """Blur ``results['img']`` with probability ``prob``.

        Args:
            results (dict): Result dict holding a uint8 (H, W, 3) ``img``.

        Returns:
            dict: The same dict, its image possibly blurred.
        """
        _check_uint8_image(results['img'])
        sigma = self._draw_sigma()
        if sigma is None:
            return results
        results['img'] = cv2.GaussianBlur(results['img'], (0, 0), sigmaX=sigma, sigmaY=sigma)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sigma_range={self.sigma_range}, '
                f'prob={self.prob})')


@TRANSFORMS.register_module()
class RandomErasingArea(BaseTransform):
    """With probability ``prob``, fill one random rectangle with uniform uint8 noise.

    torchvision ``RandomErasing`` semantics: the rectangle covers a fraction of the image
    area drawn uniformly from ``scale`` and has an aspect ratio (height / width) drawn
    log-uniformly from ``ratio``; a rectangle that does not fit is redrawn, up to 10
    times, after which nothing is erased. Every pixel and channel of the rectangle gets
    an independent value uniform over 0..255. Annotations are left untouched. The
    defaults are the first of Unbiased Teacher's three erasings.
    mmdet's ``RandomErasing`` does not fit: it draws side fractions instead of an area
    fraction and aspect ratio, fills with a constant and drops boxes it covers.

    Required Keys: img. Modified Keys: img.

    Args:
        prob (float): Probability of erasing. Defaults to 0.7.
        scale (tuple[float, float]): Range of the erased fraction of the image area.
            Defaults to (0.05, 0.2).
        ratio (tuple[float, float]): Range of the erased rectangle's height / width.
            Defaults to (0.3, 3.3).
    """

    def __init__(self,
                 prob: float = 0.7,
                 scale: Tuple[float, float] = (0.05, 0.2),
                 ratio: Tuple[float, float] = (0.3, 3.3)) -> None:
        _check_prob(prob)
        _check_range('scale', scale, lowest=0.0)
        if scale[1] > 1:
            raise ValueError(f'scale must not exceed 1, got {scale}')
        _check_range('ratio', ratio, lowest=1e-6)
        self.prob = prob
        self.scale = tuple(scale)
        self.ratio = tuple(ratio)

    @cache_randomness
    def _draw_region(self, img_height: int,
                     img_width: int) -> Optional[Tuple[int, int, int, int]]:
        """Draw the rectangle to erase as (top, left, height, width), or None."""
        if np.random.rand() >= self.prob:
            return None
        return draw_area_box(img_height, img_width, self.scale, self.ratio,
                             attempts=_MAX_ERASE_ATTEMPTS, whole_image_allowed=False)

    def transform(self, results: dict) -> dict:
        """Erase a random rectangle of ``results['img']`` with probability ``prob``.

        Args:
            results (dict): Result dict holding a uint8 (H, W, 3) ``img``.

        Returns:
            dict: The same dict, its image (a copy) possibly erased.
        """
        img = results['img']
        _check_uint8_image(img)
        region = self._draw_region(img.shape[0], img.shape[1])
        if region is None:
            return results
        top, left, erase_height, erase_width = region
        img = img.copy()
        img[top:top + erase_height, left:left + erase_width] = np.random.randint(
            0, 256, size=(erase_height, erase_width, img.shape[2]), dtype=np.uint8)
        results['img'] = img
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, scale={self.scale}, '
                f'ratio={self.ratio})')
