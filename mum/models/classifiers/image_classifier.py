"""An image classifier that unmixes tile-mixed batches after a chosen backbone stage (Table 6)."""
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from mum.models.data_preprocessors.tile_mixing import TILE_SOURCE_KEY, TILE_UNITS_KEY
from mum.ops.tiles import unmix_tiles


@MODELS.register_module()
class ImageClassifier(BaseModel):
    """Backbone, global average pooling of its last output, one linear layer, cross-entropy.

    mmdet has no classifier and mmpretrain would be a new dependency for one experiment, hence
    this class. For MUM (the paper's ImageNet experiment) the data preprocessor mixes the tiles
    of every training batch (``MUMImgDataPreprocessor``) and this model unmixes the output of
    the backbone submodule ``unmix_after`` (e.g. ``'layer1'`` of mmdet's ResNet), so the later
    stages and the head see every image whole and the labels stay unmixed.

    Args:
        backbone (dict): Config of an mmdet backbone; its last output is pooled.
        num_classes (int): Number of classes.
        in_channels (int): Channels of the backbone's last output (2048 for ResNet-50).
        unmix_after (str, optional): Name of the backbone submodule after which a mixed batch
            is unmixed; None refuses mixed batches. Defaults to None.
        data_preprocessor (dict, optional): Config of the preprocessor.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 num_classes: int,
                 in_channels: int,
                 unmix_after: Optional[str] = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = nn.Linear(in_channels, num_classes)
        self.unmix_after = unmix_after
        if unmix_after is not None:
            names = dict(self.backbone.named_modules())
            if unmix_after not in names or not unmix_after:
                children = [name for name, _ in self.backbone.named_children()]
                raise ValueError(f'ImageClassifier: unmix_after={unmix_after!r} is not a '
                                 f'submodule of {type(self.backbone).__name__} '
                                 f'(its stages: {children}).')

    def extract_feat(self, inputs: Tensor) -> Tensor:
        """(B, C, H, W) images -> (B, in_channels) pooled features of the last backbone output."""
        return self.backbone(inputs)[-1].mean(dim=(2, 3))

    def forward(self, inputs: Tensor, data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        """mmengine's three modes: 'loss' (dict), 'predict' (samples), 'tensor' (logits)."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.head(self.extract_feat(inputs))
        raise ValueError(f"ImageClassifier: mode must be 'loss', 'predict' or 'tensor', "
                         f'got {mode!r}.')

    def loss(self, inputs: Tensor, data_samples: List[BaseDataElement]) -> dict:
        """Cross-entropy of the logits against ``gt_label``.

        Args:
            inputs (Tensor): (B, C, H, W) images, possibly tile-mixed.
            data_samples (list[BaseDataElement]): Samples with ``gt_label`` (0-d int64).

        Returns:
            dict: ``loss_cls`` and ``accuracy`` (top-1 on this batch, in %, not optimised).
        """
        with self._unmixing(data_samples):
            logits = self.head(self.extract_feat(inputs))
        labels = torch.stack([sample.gt_label for sample in data_samples]).to(logits.device)
        accuracy = (logits.argmax(dim=1) == labels).float().mean() * 100
        return dict(loss_cls=F.cross_entropy(logits, labels), accuracy=accuracy.detach())

    def predict(self, inputs: Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        """Adds ``pred_score`` (num_classes,) softmax scores to every sample."""
        scores = F.softmax(self.head(self.extract_feat(inputs)), dim=1)
        for sample, score in zip(data_samples, scores):
            sample.pred_score = score
        return data_samples

    @contextmanager
    def _unmixing(self, data_samples: Sequence[BaseDataElement]) -> Iterator[None]:
        """While active, ``unmix_after`` returns its output unmixed if the batch was mixed."""
        metainfo = data_samples[0].metainfo
        if TILE_SOURCE_KEY not in metainfo:
            yield
            return
        if self.unmix_after is None:
            raise ValueError('ImageClassifier: the batch was mixed by the preprocessor but '
                             'unmix_after is None: name the backbone stage to unmix after.')
        source, units = metainfo[TILE_SOURCE_KEY], metainfo[TILE_UNITS_KEY]
        stage = self.backbone.get_submodule(self.unmix_after)
        handle = stage.register_forward_hook(
            lambda module, args, output: unmix_tiles(output, source, units))
        try:
            yield
        finally:
            handle.remove()
