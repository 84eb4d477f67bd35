"""Tests of the Unbiased Teacher strong augmentation in mum.datasets.transforms.strong_aug."""
import copy
import re

import numpy as np
import pytest
from mmcv.transforms import Compose
from mmdet.registry import TRANSFORMS

from mum.datasets.transforms import strong_aug
from mum.datasets.transforms.strong_aug import (ColorJitter, RandomErasingArea, RandomGaussianBlur,
                                                RandomLumaGrayscale)

RED_BGR = (0, 0, 255)
BLUE_BGR = (255, 0, 0)
GREEN_BGR = (0, 255, 0)

UT_ERASINGS = [
    dict(prob=0.7, scale=(0.05, 0.2), ratio=(0.3, 3.3)),
    dict(prob=0.5, scale=(0.02, 0.2), ratio=(0.1, 6.0)),
    dict(prob=0.3, scale=(0.02, 0.2), ratio=(0.05, 8.0)),
]

# Configs that always change a generic image when prob=1.
ALWAYS_ON_CONFIGS = [
    dict(type='ColorJitter', prob=1.0),
    dict(type='RandomLumaGrayscale', prob=1.0),
    dict(type='RandomGaussianBlur', sigma_range=(1.0, 2.0), prob=1.0),
    dict(type='RandomErasingArea', prob=1.0, scale=(0.05, 0.2), ratio=(0.3, 3.3)),
]


def noise_image(height=24, width=32, seed=0):
    return np.random.RandomState(seed).randint(0, 256, (height, width, 3), dtype=np.uint8)


def constant_image(bgr, height=8, width=8):
    return np.tile(np.array(bgr, dtype=np.uint8), (height, width, 1))


def make_results(img):
    return dict(
        img=img,
        img_shape=img.shape[:2],
        ori_shape=img.shape[:2],
        gt_bboxes=np.array([[1.0, 2.0, 10.0, 12.0], [0.0, 0.0, 5.0, 5.0]], dtype=np.float32),
        gt_bboxes_labels=np.array([3, 7], dtype=np.int64),
        gt_ignore_flags=np.array([False, True]),
    )


def strong_pipeline_from_docstring():
    match = re.search(r'strong_colour_pipeline = (\[.*?\n\s*\])', strong_aug.__doc__, re.S)
    return eval(match.group(1), {'dict': dict})


def test_registered_names_resolve_to_our_classes():
    for cls in (ColorJitter, RandomLumaGrayscale, RandomGaussianBlur, RandomErasingArea):
        assert TRANSFORMS.get(cls.__name__) is cls


@pytest.mark.parametrize('cfg', ALWAYS_ON_CONFIGS, ids=lambda cfg: cfg['type'])
def test_only_the_image_changes(cfg):
    np.random.seed(0)
    img = noise_image()
    results = make_results(img.copy())
    expected = copy.deepcopy(results)
    out = TRANSFORMS.build(cfg)(results)
    assert out['img'].dtype == np.uint8
    assert out['img'].shape == img.shape
    assert not np.array_equal(out['img'], img)
    for key in ('img_shape', 'ori_shape', 'gt_bboxes', 'gt_bboxes_labels', 'gt_ignore_flags'):
        np.testing.assert_array_equal(out[key], expected[key])


@pytest.mark.parametrize('cfg', ALWAYS_ON_CONFIGS, ids=lambda cfg: cfg['type'])
def test_prob_zero_is_identity(cfg):
    np.random.seed(0)
    img = noise_image()
    out = TRANSFORMS.build({**cfg, 'prob': 0.0})(make_results(img.copy()))
    np.testing.assert_array_equal(out['img'], img)


def test_docstring_pipeline_builds_and_is_reproducible_under_a_seed():
    pipeline = Compose([TRANSFORMS.build(cfg) for cfg in strong_pipeline_from_docstring()])
    assert [type(t) for t in pipeline.transforms] == [
        ColorJitter, RandomLumaGrayscale, RandomGaussianBlur] + [RandomErasingArea] * 3
    outputs = []
    for _ in range(2):
        np.random.seed(3)
        outputs.append(pipeline(make_results(noise_image(48, 64)))['img'])
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert outputs[0].dtype == np.uint8 and outputs[0].shape == (48, 64, 3)


@pytest.mark.parametrize('make, message', [
    (lambda: ColorJitter(prob=1.5), r'prob must lie in \[0, 1\], got 1.5'),
    (lambda: ColorJitter(hue=0.6), r'hue must lie in \[0, 0.5\], got 0.6'),
    (lambda: ColorJitter(contrast=-0.1), 'contrast must be non-negative, got -0.1'),
    (lambda: ColorJitter(channel_order='hsv'), "channel_order must be 'bgr' or 'rgb', got 'hsv'"),
    (lambda: RandomLumaGrayscale(prob=-0.1), r'prob must lie in \[0, 1\], got -0.1'),
    (lambda: RandomGaussianBlur(sigma_range=(2.0, 0.1)),
     r'sigma_range must be \(low, high\) with 1e-06 <= low <= high, got \(2.0, 0.1\)'),
    (lambda: RandomErasingArea(scale=(0.2, 1.5)), r'scale must not exceed 1, got \(0.2, 1.5\)'),
    (lambda: RandomErasingArea(ratio=(0.0, 3.0)),
     r'ratio must be \(low, high\) with 1e-06 <= low <= high, got \(0.0, 3.0\)'),
])
def test_invalid_parameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_float_images_are_rejected():
    with pytest.raises(TypeError, match=r'expected a uint8 \(H, W, 3\) image, got float32'):
        RandomLumaGrayscale(prob=1.0)(make_results(noise_image().astype(np.float32)))


def test_reprs_show_parameters():
    assert repr(ColorJitter()) == ("ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, "
                                   "hue=0.1, prob=0.8, channel_order='bgr')")
    assert repr(RandomLumaGrayscale()) == "RandomLumaGrayscale(prob=0.2, channel_order='bgr')"
    assert repr(RandomGaussianBlur()) == 'RandomGaussianBlur(sigma_range=(0.1, 2.0), prob=0.5)'
    assert repr(RandomErasingArea()) == ('RandomErasingArea(prob=0.7, scale=(0.05, 0.2), '
                                         'ratio=(0.3, 3.3))')


# ---------------------------------------------------------------- grayscale
@pytest.mark.parametrize('bgr, luma', [(RED_BGR, 0.299 * 255), (BLUE_BGR, 0.114 * 255),
                                       (GREEN_BGR, 0.587 * 255), ((255, 255, 255), 255)])
def test_grayscale_weights_apply_to_the_true_channels(bgr, luma):
    out = RandomLumaGrayscale(prob=1.0)(make_results(constant_image(bgr)))['img']
    assert out.shape == (8, 8, 3)
    assert np.abs(out.astype(float) - luma).max() <= 1


def test_grayscale_of_rgb_image():
    rgb_red = constant_image((255, 0, 0))
    out = RandomLumaGrayscale(prob=1.0, channel_order='rgb')(make_results(rgb_red))['img']
    assert np.abs(out.astype(float) - 0.299 * 255).max() <= 1


# ---------------------------------------------------------------- colour jitter
def jitter_with(adjustments, img, **kwargs):
    """Run ColorJitter with its random draw replaced by fixed (name, factor) pairs."""
    jitter = ColorJitter(prob=1.0, **kwargs)
    jitter._draw_adjustments = lambda: adjustments
    return jitter(make_results(img))['img']


def test_unit_factors_and_zero_hue_shift_are_identity():
    img = noise_image()
    out = jitter_with([('hue', 0.0), ('brightness', 1.0), ('saturation', 1.0),
                       ('contrast', 1.0)], img.copy())
    np.testing.assert_array_equal(out, img)


def test_zero_strengths_leave_nothing_to_do():
    img = noise_image()
    jitter = ColorJitter(brightness=0, contrast=0, saturation=0, hue=0, prob=1.0)
    np.testing.assert_array_equal(jitter(make_results(img.copy()))['img'], img)


def test_saturation_zero_gives_grayscale():
    img = noise_image()
    gray = RandomLumaGrayscale(prob=1.0)(make_results(img.copy()))['img']
    out = jitter_with([('saturation', 0.0)], img.copy())
    assert np.abs(out.astype(int) - gray.astype(int)).max() <= 1


def test_contrast_zero_gives_mean_luma_everywhere():
    img = constant_image(RED_BGR)
    img[:4] = 0
    out = jitter_with([('contrast', 0.0)], img)
    assert np.abs(out.astype(float) - 0.299 * 255 / 2).max() <= 1


def test_brightness_scales_and_saturates():
    out = jitter_with([('brightness', 0.5)], constant_image((200, 100, 10)))
    np.testing.assert_array_equal(out[0, 0], [100, 50, 5])
    out = jitter_with([('brightness', 1.5)], constant_image((200, 100, 10)))
    np.testing.assert_array_equal(out[0, 0], [255, 150, 15])


@pytest.mark.parametrize('channel_order, red, green', [
    ('bgr', RED_BGR, GREEN_BGR), ('rgb', RED_BGR[::-1], GREEN_BGR[::-1])])
def test_hue_third_turn_takes_red_to_green(channel_order, red, green):
    out = jitter_with([('hue', 1 / 3)], constant_image(red), channel_order=channel_order)
    assert np.abs(out.astype(int) - np.array(green)).max() <= 1


def test_factors_are_drawn_within_their_ranges_in_varying_order():
    np.random.seed(0)
    jitter = ColorJitter(prob=1.0)
    orders = set()
    for _ in range(50):
        adjustments = jitter._draw_adjustments()
        orders.add(tuple(name for name, _ in adjustments))
        for name, factor in adjustments:
            bound = 0.1 if name == 'hue' else 0.4
            center = 0.0 if name == 'hue' else 1.0
            assert abs(factor - center) <= bound
    assert all(len(order) == 4 for order in orders) and len(orders) > 5


# ---------------------------------------------------------------- blur
def test_blur_reduces_variance_of_noise():
    img = noise_image(64, 64)
    out = RandomGaussianBlur(sigma_range=(1.0, 1.0), prob=1.0)(make_results(img.copy()))['img']
    assert out.astype(float).var() < 0.3 * img.astype(float).var()
    assert abs(out.astype(float).mean() - img.astype(float).mean()) < 2


def test_blur_sigma_is_drawn_within_range():
    np.random.seed(0)
    blur = RandomGaussianBlur(prob=1.0)
    sigmas = [blur._draw_sigma() for _ in range(50)]
    assert 0.1 <= min(sigmas) and max(sigmas) <= 2.0


# ---------------------------------------------------------------- erasing
@pytest.mark.parametrize('params', UT_ERASINGS, ids=['first', 'second', 'third'])
def test_erased_rectangle_covers_the_configured_area_fraction(params):
    np.random.seed(0)
    height, width = 60, 80
    erasing = RandomErasingArea(**{**params, 'prob': 1.0})
    low, high = params['scale']
    n_erased = 0
    for _ in range(20):
        img = np.zeros((height, width, 3), dtype=np.uint8)
        out = erasing(make_results(img))['img']
        np.testing.assert_array_equal(img, 0)  # the input array is not written to
        changed_rows, changed_cols = np.nonzero(out.any(axis=2))
        if changed_rows.size == 0:  # all 10 attempts failed to fit: nothing erased
            continue
        n_erased += 1
        erase_h = changed_rows.max() - changed_rows.min() + 1
        erase_w = changed_cols.max() - changed_cols.min() + 1
        # Rounding each side to whole pixels moves the area by at most (h + w) / 2 + 1 / 4.
        slack = (erase_h + erase_w) / 2 + 0.25
        assert low * height * width - slack <= erase_h * erase_w <= high * height * width + slack
        assert erase_h < height and erase_w < width
    assert n_erased >= 15


def test_erasing_fill_is_uniform_over_uint8_without_wraparound():
    np.random.seed(0)
    img = np.full((100, 100, 3), 128, dtype=np.uint8)
    out = RandomErasingArea(prob=1.0, scale=(0.64, 0.64), ratio=(1.0, 1.0))(
        make_results(img))['img']
    erased = out[(out != 128).any(axis=2)].reshape(-1)  # every channel of erased pixels
    assert erased.size >= 0.6 * 100 * 100 * 3
    assert erased.min() < 10 and erased.max() > 245
    assert abs(erased.mean() - 127.5) < 3
    counts = np.bincount(erased // 16, minlength=16)  # wraparound piles mass at 0 and 255
    assert np.all(np.abs(counts / counts.mean() - 1) < 0.15)


def test_erasing_gives_up_when_no_rectangle_fits():
    np.random.seed(0)
    img = noise_image()
    erasing = RandomErasingArea(prob=1.0, scale=(0.9, 1.0), ratio=(4.0, 8.0))
    np.testing.assert_array_equal(erasing(make_results(img.copy()))['img'], img)
