"""Multi-branch data preprocessor that mixes image tiles of chosen branches (MUM's "Mix")."""
from typing import Optional, Sequence

from mmdet.models.data_preprocessors import MultiBranchDataPreprocessor
from mmdet.registry import MODELS
from mmdet.utils import ConfigType

from .tile_mixing import TileMixingMixin


@MODELS.register_module()
class MUMDataPreprocessor(TileMixingMixin, MultiBranchDataPreprocessor):
    """Normalises and pads every branch, then mixes the tiles of ``mix_branches``.

    Mixing, the permutation stream and the metainfo it writes are described in
    :class:`TileMixingMixin`. Unmixing is done by :class:`mum.models.necks.UnmixNeck`.

    Args:
        data_preprocessor (dict): Config of the per-branch preprocessor (DetDataPreprocessor).
        mix_branches (Sequence[str]): Branches whose images are mixed.
            Defaults to ('unsup_student',).
        group_size (int): NG, images mixed together. Defaults to 4.
        num_tiles (int): NT, tiles per side. Defaults to 4.
        mix_prob (float): Probability that a training batch is mixed. Defaults to 1.0.
        largest_stride (int): Largest stride of the feature maps that are unmixed (64 for
            FPN with a P6 level); one grid unit is this many pixels. Defaults to 64.
        seed (int, optional): Base seed of the permutations. Defaults to None.
    """

    def __init__(self,
                 data_preprocessor: ConfigType,
                 mix_branches: Sequence[str] = ('unsup_student', ),
                 group_size: int = 4,
                 num_tiles: int = 4,
                 mix_prob: float = 1.0,
                 largest_stride: int = 64,
                 seed: Optional[int] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.mix_branches = tuple(mix_branches)
        self.init_tile_mixing(group_size, num_tiles, mix_prob, largest_stride, seed,
                              pad_value=self.data_preprocessor.pad_value)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Preprocesses every branch and mixes the tiles of ``mix_branches``.

        Args:
            data (dict): Multi-branch data from the dataloader.
            training (bool): Mixing happens only in training.

        Returns:
            dict: ``{'inputs': {branch: Tensor (B, C, H, W)}, 'data_samples': {branch: list}}``.
        """
        data = super().forward(data, training)
        if not training:
            return data
        for branch in self.mix_branches:
            if branch in data['inputs']:
                data['inputs'][branch] = self.mix_batch(data['inputs'][branch],
                                                        data['data_samples'][branch])
        return data
