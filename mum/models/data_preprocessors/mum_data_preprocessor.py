"""Multi-branch data preprocessor that mixes image tiles of chosen branches (MUM's "Mix")."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmdet.models.data_preprocessors import MultiBranchDataPreprocessor
from mmdet.registry import MODELS
from mmdet.utils import ConfigType
from mmengine.dist import get_rank

from mum.ops.tiles import mix_tiles, sample_tile_permutation, tile_exact_size

TILE_SOURCE_KEY = 'mum_tile_source'
TILE_UNITS_KEY = 'mum_tile_units'


@MODELS.register_module()
class MUMDataPreprocessor(MultiBranchDataPreprocessor):
    """Normalises and pads every branch, then mixes the tiles of ``mix_branches``.

    For a mixed branch the batch tensor (already padded by the wrapped preprocessor) is padded
    further to :func:`mum.ops.tiles.tile_exact_size`, so that tile borders fall on feature-cell
    borders at every stride up to ``largest_stride``; a permutation is drawn and the tiles are
    mixed within groups of ``group_size`` consecutive images. The permutation (B, NT, NT) and
    the unit grid (U_rows, U_cols) are written into every data sample's metainfo under
    ``mum_tile_source`` and ``mum_tile_units``; labels and other metainfo are not touched
    (``batch_input_shape`` is updated to the new padded size). Unmixing is done by
    :class:`mum.models.necks.UnmixNeck`.

    Randomness: draw ``n`` of this process uses a CPU generator seeded with
    ``(seed, rank, n)``, so DDP ranks draw different permutations, a fixed seed reproduces a
    run, and the draw counter (a buffer, so in the state dict and checkpoints) makes a resumed
    run continue the exact sequence. ``seed=None`` takes ``torch.initial_seed()`` at
    construction, which is the seed mmengine's runner set (``randomness=dict(seed=...)``).

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
        for name, value in dict(group_size=group_size, num_tiles=num_tiles,
                                largest_stride=largest_stride).items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'MUMDataPreprocessor: {name} must be a positive integer, '
                                 f'got {value!r}.')
        if not 0.0 <= mix_prob <= 1.0:
            raise ValueError(f'MUMDataPreprocessor: mix_prob must be in [0, 1], got {mix_prob!r}.')
        self.mix_branches = tuple(mix_branches)
        self.group_size = group_size
        self.num_tiles = num_tiles
        self.mix_prob = mix_prob
        self.largest_stride = largest_stride
        # buffers, so that they are saved in checkpoints and restored on resume
        seed = torch.initial_seed() % 2**31 if seed is None else seed
        self.register_buffer('permutation_seed', torch.tensor(seed, dtype=torch.int64))
        self.register_buffer('permutation_draws', torch.tensor(0, dtype=torch.int64))

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

    def mix_batch(self, inputs: torch.Tensor, data_samples: list) -> torch.Tensor:
        """Pads ``inputs`` to a tile-exact size and mixes its tiles (with probability p).

        Args:
            inputs (Tensor): (B, C, H, W) normalised, padded batch.
            data_samples (list[DetDataSample]): The batch's samples; their metainfo receives
                the permutation and the unit grid when the batch is mixed.

        Returns:
            Tensor: (B, C, H', W') with H' >= H, W' >= W; mixed when drawn so.
        """
        generator = self._next_generator()
        if torch.rand((), generator=generator).item() >= self.mix_prob:
            return inputs
        height, width = inputs.shape[-2:]
        padded_h, padded_w = tile_exact_size(height, width, self.num_tiles, self.largest_stride)
        inputs = F.pad(inputs, (0, padded_w - width, 0, padded_h - height),
                       value=self.data_preprocessor.pad_value)
        units = (padded_h // self.largest_stride, padded_w // self.largest_stride)
        source = sample_tile_permutation(len(inputs), self.group_size, self.num_tiles, generator)
        for data_sample in data_samples:
            data_sample.set_metainfo({
                TILE_SOURCE_KEY: source,
                TILE_UNITS_KEY: units,
                'batch_input_shape': (padded_h, padded_w),
            })
        return mix_tiles(inputs, source, units)

    def _next_generator(self) -> torch.Generator:
        """A CPU generator seeded with (seed, rank, draw number); advances the draw number."""
        generator = torch.Generator()
        key = (int(self.permutation_seed), get_rank(), int(self.permutation_draws))
        generator.manual_seed(hash(key) % 2**63)
        self.permutation_draws += 1
        return generator
