"""Neck wrapper that unmixes feature tiles of a mixed batch (MUM's "UnMix")."""
from contextlib import contextmanager, nullcontext
from typing import ContextManager, Iterator, Optional, Sequence, Tuple

import torch.nn as nn
from mmdet.registry import MODELS
from mmdet.utils import ConfigType
from torch import Tensor

from mum.models.data_preprocessors.tile_mixing import TILE_SOURCE_KEY, TILE_UNITS_KEY
from mum.models.mixin_subclass import subclass_with_mixin
from mum.ops.tiles import unmix_tiles

UNMIX_POSITIONS = ('outputs', 'inputs')


class TileUnmixMixin:
    """Adds unmixing to a neck class; the neck's own parameters and state-dict keys are kept.

    While :func:`unmixing_tiles` has set a permutation, ``forward`` unmixes every output level
    (``unmix_at='outputs'``, the paper's choice) or every backbone feature before the neck
    (``unmix_at='inputs'``, for the ablation on where to unmix); otherwise it is the plain neck.
    """
    unmix_at: str = 'outputs'
    tile_source: Optional[Tensor] = None
    tile_units: Optional[Tuple[int, int]] = None

    def forward(self, inputs: Sequence[Tensor]):
        """Runs the wrapped neck, unmixing before or after it when a permutation is set.

        Args:
            inputs (Sequence[Tensor]): Backbone levels, each (B, C_l, H_l, W_l).

        Returns:
            tuple[Tensor]: The neck's levels, each (B, C, H_l, W_l), laid out like the
            unmixed images when a permutation is set.
        """
        if self.tile_source is None:
            return super().forward(inputs)
        if self.unmix_at == 'inputs':
            return super().forward(tuple(self._unmix(x) for x in inputs))
        return tuple(self._unmix(x) for x in super().forward(inputs))

    def _unmix(self, features: Tensor) -> Tensor:
        return unmix_tiles(features, self.tile_source, self.tile_units)


@MODELS.register_module()
def UnmixNeck(neck: ConfigType, unmix_at: str = 'outputs') -> nn.Module:  # noqa: N802
    """Builds ``neck`` with tile unmixing added (config type ``'UnmixNeck'``).

    The result is an instance of a subclass of the neck's own class, so its parameters keep the
    names mmdet gives them and plain mmdet checkpoints load unchanged.

    Args:
        neck (dict): Config of any mmdet neck, e.g. ``dict(type='FPN', ...)``.
        unmix_at (str): ``'outputs'`` unmixes every output level of the neck;
            ``'inputs'`` unmixes the backbone features before the neck. Defaults to 'outputs'.

    Returns:
        nn.Module: The neck, unmixing while :func:`unmixing_tiles` is active.
    """
    if unmix_at not in UNMIX_POSITIONS:
        raise ValueError(f'UnmixNeck: unmix_at must be one of {UNMIX_POSITIONS}, '
                         f'got {unmix_at!r}.')
    module = MODELS.build(neck)
    module.__class__ = subclass_with_mixin(type(module), TileUnmixMixin, 'Unmix')
    module.unmix_at = unmix_at
    return module


@contextmanager
def unmixing_tiles(model: nn.Module, tile_source: Tensor,
                   tile_units: Tuple[int, int]) -> Iterator[None]:
    """Within the block, every unmix neck of ``model`` unmixes with this permutation.

    Args:
        model (nn.Module): A detector whose neck was built by :func:`UnmixNeck`.
        tile_source (Tensor): (B, NT, NT) permutation that mixed the batch.
        tile_units (tuple[int, int]): (U_rows, U_cols) unit grid of the mixed batch.

    Raises:
        ValueError: If ``model`` has no unmix neck, since its features would stay mixed.
    """
    necks = [m for m in model.modules() if isinstance(m, TileUnmixMixin)]
    if not necks:
        raise ValueError(
            f'The batch was mixed by MUMDataPreprocessor but {type(model).__name__} has no '
            "unmixing neck: wrap its neck config as dict(type='UnmixNeck', neck=...).")
    for neck in necks:
        neck.tile_source, neck.tile_units = tile_source, tuple(tile_units)
    try:
        yield
    finally:
        for neck in necks:
            neck.tile_source, neck.tile_units = None, None


def unmixing_if_mixed(model: nn.Module, data_samples: Sequence) -> ContextManager[None]:
    """:func:`unmixing_tiles` for a batch mixed by MUMDataPreprocessor, else a no-op context.

    The glue for any teacher-student detector: wrap the student's forward on a possibly mixed
    batch in it (see MUMTeacher and MUMSoftTeacher).

    Args:
        model (nn.Module): The detector whose unmix necks are armed (usually the student).
        data_samples (Sequence[DetDataSample]): The batch's samples; the batch counts as mixed
            when the first one carries ``mum_tile_source`` in its metainfo.

    Returns:
        A context manager.
    """
    metainfo = data_samples[0].metainfo if data_samples else {}
    if TILE_SOURCE_KEY not in metainfo:
        return nullcontext()
    return unmixing_tiles(model, metainfo[TILE_SOURCE_KEY], metainfo[TILE_UNITS_KEY])
