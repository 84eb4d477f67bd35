"""Drawing tile permutations and mixing a batch: the part every MUM preprocessor shares."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.dist import get_rank

from mum.ops.tiles import mix_tiles, sample_tile_permutation, tile_exact_size

TILE_SOURCE_KEY = 'mum_tile_source'
TILE_UNITS_KEY = 'mum_tile_units'


class TileMixingMixin:
    """Adds MUM's "Mix" to a data preprocessor (an ``nn.Module``); call :meth:`init_tile_mixing`.

    A mixed batch is padded to :func:`mum.ops.tiles.tile_exact_size`, so that tile borders fall
    on feature-cell borders at every stride up to ``largest_stride``; a permutation is drawn and
    the tiles are mixed within groups of ``group_size`` consecutive images. The permutation
    (B, NT, NT) and the unit grid (U_rows, U_cols) are written into every data sample's metainfo
    under ``mum_tile_source`` and ``mum_tile_units``; labels and other metainfo are not touched
    (``batch_input_shape`` is updated to the new padded size). Unmixing is done by the model
    (:class:`mum.models.necks.UnmixNeck`, or the classifier's stage hook).

    Randomness: draw ``n`` of this process uses a CPU generator seeded with
    ``(seed, rank, n)``, so DDP ranks draw different permutations, a fixed seed reproduces a
    run, and the draw counter (a buffer, so in the state dict and checkpoints) makes a resumed
    run continue the exact sequence. ``seed=None`` takes ``torch.initial_seed()`` at
    construction, which is the seed mmengine's runner set (``randomness=dict(seed=...)``).
    """

    def init_tile_mixing(self, group_size: int, num_tiles: int, mix_prob: float,
                         largest_stride: int, seed: Optional[int], pad_value: float) -> None:
        """Checks and stores the mixing settings and registers the permutation-stream buffers.

        Args:
            group_size (int): NG, images mixed together.
            num_tiles (int): NT, tiles per side.
            mix_prob (float): Probability that a training batch is mixed.
            largest_stride (int): Largest stride of the feature maps that are unmixed; one grid
                unit is this many pixels.
            seed (int, optional): Base seed of the permutations.
            pad_value (float): Value of the padding added to reach a tile-exact size.
        """
        owner = type(self).__name__
        for name, value in dict(group_size=group_size, num_tiles=num_tiles,
                                largest_stride=largest_stride).items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'{owner}: {name} must be a positive integer, got {value!r}.')
        if not 0.0 <= mix_prob <= 1.0:
            raise ValueError(f'{owner}: mix_prob must be in [0, 1], got {mix_prob!r}.')
        self.group_size = group_size
        self.num_tiles = num_tiles
        self.mix_prob = mix_prob
        self.largest_stride = largest_stride
        self.tile_pad_value = pad_value
        # buffers, so that they are saved in checkpoints and restored on resume
        seed = torch.initial_seed() % 2**31 if seed is None else seed
        self.register_buffer('permutation_seed', torch.tensor(seed, dtype=torch.int64))
        self.register_buffer('permutation_draws', torch.tensor(0, dtype=torch.int64))

    def mix_batch(self, inputs: torch.Tensor, data_samples: Sequence) -> torch.Tensor:
        """Pads ``inputs`` to a tile-exact size and mixes its tiles (with probability p).

        Args:
            inputs (Tensor): (B, C, H, W) normalised, padded batch.
            data_samples (Sequence[BaseDataElement]): The batch's samples; their metainfo
                receives the permutation and the unit grid when the batch is mixed.

        Returns:
            Tensor: (B, C, H', W') with H' >= H, W' >= W; mixed when drawn so.
        """
        generator = self._next_generator()
        if torch.rand((), generator=generator).item() >= self.mix_prob:
            return inputs
        height, width = inputs.shape[-2:]
        padded_h, padded_w = tile_exact_size(height, width, self.num_tiles, self.largest_stride)
        inputs = F.pad(inputs, (0, padded_w - width, 0, padded_h - height),
                       value=self.tile_pad_value)
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


class MixWholeBatchMixin(TileMixingMixin):
    """For single-branch preprocessors: every training batch goes through :meth:`mix_batch`.

    Args:
        group_size (int): NG, images mixed together. Defaults to 4.
        num_tiles (int): NT, tiles per side. Defaults to 4.
        mix_prob (float): Probability that a training batch is mixed. Defaults to 1.0.
        largest_stride (int): Largest stride of the feature maps that are unmixed; one grid
            unit is this many pixels. Defaults to 64.
        seed (int, optional): Base seed of the permutations. Defaults to None.
        **kwargs: The arguments of the preprocessor class it is mixed into (mean, std,
            pad_size_divisor, bgr_to_rgb, ...).
    """

    def __init__(self, group_size: int = 4, num_tiles: int = 4, mix_prob: float = 1.0,
                 largest_stride: int = 64, seed: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.init_tile_mixing(group_size, num_tiles, mix_prob, largest_stride, seed,
                              pad_value=self.pad_value)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Runs the preprocessor, then mixes the batch when training.

        Args:
            data (dict): ``inputs`` and ``data_samples`` from the dataloader.
            training (bool): Mixing happens only in training.

        Returns:
            dict: ``inputs`` (B, C, H', W'), possibly mixed, and ``data_samples``.
        """
        data = super().forward(data, training)
        if training:
            data['inputs'] = self.mix_batch(data['inputs'], data['data_samples'])
        return data
