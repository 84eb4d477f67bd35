"""Preprocessors that mix every training batch: MUM applied to labeled images (no branches)."""
from typing import Optional

from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.registry import MODELS
from mmengine.model import ImgDataPreprocessor

from .tile_mixing import MixWholeBatchMixin

MIXING_ARGS_DOC = """
    Args:
        group_size (int): NG, images mixed together. Defaults to 4.
        num_tiles (int): NT, tiles per side. Defaults to 4.
        mix_prob (float): Probability that a training batch is mixed. Defaults to 1.0.
        largest_stride (int): Largest stride of the feature maps that are unmixed; one grid
            unit is this many pixels. Defaults to 64.
        seed (int, optional): Base seed of the permutations. Defaults to None.
        **kwargs: The arguments of the wrapped preprocessor class (mean, std, pad_size_divisor,
            bgr_to_rgb, ...).
"""


@MODELS.register_module()
class MUMDetDataPreprocessor(MixWholeBatchMixin, DetDataPreprocessor):
    __doc__ = ('``DetDataPreprocessor`` that mixes the tiles of every training batch (see '
               ':class:`TileMixingMixin`); the detector unmixes them, see '
               ':func:`mum.models.detectors.UnmixingDetector`.\n' + MIXING_ARGS_DOC)

    def __init__(self, group_size: int = 4, num_tiles: int = 4, mix_prob: float = 1.0,
                 largest_stride: int = 64, seed: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.init_tile_mixing(group_size, num_tiles, mix_prob, largest_stride, seed,
                              pad_value=self.pad_value)


@MODELS.register_module()
class MUMImgDataPreprocessor(MixWholeBatchMixin, ImgDataPreprocessor):
    __doc__ = ('mmengine\'s ``ImgDataPreprocessor`` that mixes the tiles of every training '
               'batch (see :class:`TileMixingMixin`), for classifiers; '
               ':class:`mum.models.classifiers.ImageClassifier` unmixes them after a stage.\n'
               + MIXING_ARGS_DOC)

    def __init__(self, group_size: int = 4, num_tiles: int = 4, mix_prob: float = 1.0,
                 largest_stride: int = 64, seed: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.init_tile_mixing(group_size, num_tiles, mix_prob, largest_stride, seed,
                              pad_value=self.pad_value)
