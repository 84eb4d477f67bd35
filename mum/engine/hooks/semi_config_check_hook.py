"""Checks, before the first iteration, that the datasets, the model and MUM's settings agree."""
import logging
from typing import Any, Iterable, Tuple

import torch
from mmdet.models.detectors import BaseDetector
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mum.models.data_preprocessors import TileMixingMixin


@HOOKS.register_module()
class SemiConfigCheckHook(Hook):
    """Refuses a run whose parts disagree, with one sentence naming the key and the values.

    Checked: every training source has the same class list; the detector's ``num_classes``
    (every head but the class-agnostic RPN) equals the number of classes; every stride of the
    detector's prior generators divides MUM's ``largest_stride``, and so does the stride of every
    level the detector's neck outputs (otherwise tile borders would not fall on feature cells;
    a DETR's levels have no prior generator, so they are measured). A number of
    unlabeled images per GPU that is not a multiple of ``group_size`` is allowed (the last images
    form a smaller group) and logged.
    """
    priority = 'VERY_HIGH'

    def before_train(self, runner: Runner) -> None:
        """Runs the checks on the built runner."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        dataset = runner.train_dataloader.dataset
        sources = getattr(dataset, 'datasets', [dataset])
        classes = tuple(sources[0].metainfo.get('classes', ()))
        for index, source in enumerate(sources[1:], start=1):
            other = tuple(source.metainfo.get('classes', ()))
            if other != classes:
                raise ValueError(
                    f'train_dataloader.dataset.datasets[{index}] has classes {other} but '
                    f'datasets[0] has {classes}: labeled and unlabeled data need one class list.')
        detector = getattr(model, 'student', model)
        for name, module in detector.named_modules():
            num_classes = getattr(module, 'num_classes', None)
            if name.startswith('rpn_head'):  # proposals are class-agnostic (num_classes 1)
                continue
            if isinstance(num_classes, int) and classes and num_classes != len(classes):
                raise ValueError(f'model {name}.num_classes is {num_classes} but the training '
                                 f'data has {len(classes)} classes {classes}.')
        preprocessor = model.data_preprocessor
        if isinstance(preprocessor, TileMixingMixin):
            self._check_mum(preprocessor, detector, runner)

    @staticmethod
    def _check_mum(preprocessor, detector, runner: Runner) -> None:
        check_tile_grid(preprocessor.largest_stride,
                        [(name, stride) for name, module in detector.named_modules()
                         for stride in getattr(getattr(module, 'prior_generator', None),
                                               'strides', None) or []])
        if isinstance(detector, BaseDetector) and detector.with_neck:
            check_neck_levels(detector, preprocessor.largest_stride, preprocessor.num_tiles)
        num_per_source = getattr(runner.train_dataloader.sampler, 'num_per_source', None)
        if num_per_source and len(num_per_source) > 1:
            unlabeled = num_per_source[-1]
            if unlabeled % preprocessor.group_size:
                print_log(f'{unlabeled} unlabeled images per GPU is not a multiple of '
                          f'group_size={preprocessor.group_size}: the last '
                          f'{unlabeled % preprocessor.group_size} form a smaller group.',
                          logger='current', level=logging.WARNING)


def check_tile_grid(largest_stride: int, strides: Iterable[Tuple[str, Any]]) -> None:
    """Tile borders lie on a grid of ``largest_stride`` pixels: every stride must divide it.

    Args:
        largest_stride (int): MUM's ``largest_stride`` (one tile-grid unit, in pixels).
        strides (Iterable[tuple[str, int | tuple]]): (where, stride) pairs; a stride may be a
            (w, h) pair as prior generators give them.

    Raises:
        ValueError: Naming the first stride that does not divide ``largest_stride``.
    """
    for name, stride in strides:
        stride = stride[0] if isinstance(stride, (tuple, list)) else stride
        if largest_stride % stride:
            raise ValueError(
                f'model.data_preprocessor.largest_stride={largest_stride} is not a multiple of '
                f'stride {stride} of {name}: set it to the largest stride of the neck outputs '
                '(e.g. 64 for FPN with P6, 128 for P7).')


def check_neck_levels(detector: BaseDetector, largest_stride: int, num_tiles: int) -> None:
    """Every level of ``detector.extract_feat`` must split into the tile grid.

    Runs ``extract_feat`` once, in eval mode (no normalisation statistics move) and without
    gradients, on a blank image of NT x ``largest_stride`` pixels a side, the smallest a mixed
    batch can be: a level holds a whole number of cells per tile exactly when its stride divides
    ``largest_stride``. With ``UnmixNeck(unmix_at='inputs')`` the backbone's levels are the ones
    unmixed, and they are the ones measured.

    Args:
        detector (BaseDetector): The detector whose neck is unmixed.
        largest_stride (int): MUM's ``largest_stride`` (one tile-grid unit, in pixels).
        num_tiles (int): NT, tiles per side.

    Raises:
        ValueError: Naming the first level whose stride does not divide ``largest_stride``.
    """
    side = num_tiles * largest_stride
    mean = getattr(detector.data_preprocessor, 'mean', None)
    channels = 3 if mean is None else len(mean)
    # UnmixNeck(unmix_at='inputs') unmixes the backbone's levels: the neck's own may be coarser
    unmixed_inputs = getattr(detector.neck, 'unmix_at', 'outputs') == 'inputs'
    was_training = detector.training
    detector.eval()
    try:
        with torch.no_grad():
            blank = next(detector.parameters()).new_zeros(1, channels, side, side)
            levels = detector.backbone(blank) if unmixed_inputs else detector.extract_feat(blank)
    finally:
        detector.train(was_training)
    for index, level in enumerate(levels):
        if level.shape[-2] % num_tiles or level.shape[-1] % num_tiles:
            raise ValueError(
                f'model.data_preprocessor.largest_stride={largest_stride} is smaller than the '
                f'stride of the neck\'s output level {index} (about {side / level.shape[-1]:g} '
                'px): tile borders would not fall on its cells. Set it to the neck\'s largest '
                'output stride (e.g. 64 for FPN with P6 or DINO\'s ChannelMapper, 128 for P7).')
