"""A plain detector trained on tile-mixed labeled batches: MUM as a supervised augmentation."""
import torch.nn as nn
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType
from torch import Tensor

from mum.models.data_preprocessors.tile_mixing import TileMixingMixin
from mum.models.mixin_subclass import subclass_with_mixin
from mum.models.necks.unmix_neck import TileUnmixMixin, unmixing_if_mixed


class UnmixOnLossMixin:
    """Runs the detector's ``loss`` with its unmix necks armed when the batch was mixed."""

    def loss(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> dict:
        """The wrapped detector's losses; features are unmixed before the heads if mixed.

        Args:
            batch_inputs (Tensor): (B, C, H, W) labeled images, mixed by the preprocessor.
            batch_data_samples (list[DetDataSample]): Their ground truth, never mixed.

        Returns:
            dict: The detector's loss terms.
        """
        with unmixing_if_mixed(self, batch_data_samples):
            return super().loss(batch_inputs, batch_data_samples)


@MODELS.register_module()
def UnmixingDetector(detector: ConfigType) -> nn.Module:  # noqa: N802
    """Builds ``detector`` so that it trains on tile-mixed labeled images (config type
    ``'UnmixingDetector'``).

    The detector's preprocessor mixes every training batch (``MUMDetDataPreprocessor``) and its
    neck unmixes the features (``UnmixNeck``), so its heads see features laid out like the
    original images and learn from the unchanged ground truth. The result is an instance of a
    subclass of the detector's own class: parameter names, checkpoints, testing and inference
    are those of the plain detector.

    Args:
        detector (dict): Config of any mmdet detector whose ``neck`` is an ``UnmixNeck`` and
            whose ``data_preprocessor`` is a ``MUMDetDataPreprocessor``.

    Returns:
        nn.Module: The detector.

    Raises:
        ValueError: If the detector has no unmix neck or its preprocessor does not mix.
    """
    module = MODELS.build(detector)
    if not any(isinstance(m, TileUnmixMixin) for m in module.modules()):
        raise ValueError("UnmixingDetector: the detector's neck must be "
                         "dict(type='UnmixNeck', neck=...), or its features stay mixed.")
    if not isinstance(module.data_preprocessor, TileMixingMixin):
        raise ValueError("UnmixingDetector: the detector's data_preprocessor must mix tiles: "
                         "set its type to 'MUMDetDataPreprocessor'.")
    module.__class__ = subclass_with_mixin(type(module), UnmixOnLossMixin, 'Unmixing')
    return module
