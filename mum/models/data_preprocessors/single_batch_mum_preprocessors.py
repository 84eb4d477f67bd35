"""Preprocessors that mix every training batch: MUM applied to labeled images (no branches)."""
from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.registry import MODELS
from mmengine.model import ImgDataPreprocessor

from .tile_mixing import MixWholeBatchMixin


@MODELS.register_module()
class MUMDetDataPreprocessor(MixWholeBatchMixin, DetDataPreprocessor):
    """``DetDataPreprocessor`` that mixes the tiles of every training batch.

    Mixing is described in :class:`TileMixingMixin`, the arguments in
    :class:`MixWholeBatchMixin`; the detector unmixes, see
    :func:`mum.models.detectors.UnmixingDetector`.
    """


@MODELS.register_module()
class MUMImgDataPreprocessor(MixWholeBatchMixin, ImgDataPreprocessor):
    """mmengine's ``ImgDataPreprocessor`` that mixes the tiles of every training batch.

    Mixing is described in :class:`TileMixingMixin`, the arguments in
    :class:`MixWholeBatchMixin`; :class:`mum.models.classifiers.ImageClassifier` unmixes after
    a backbone stage.
    """
