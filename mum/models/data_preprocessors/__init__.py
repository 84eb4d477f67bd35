from .mum_data_preprocessor import MUMDataPreprocessor
from .single_batch_mum_preprocessors import MUMDetDataPreprocessor, MUMImgDataPreprocessor
from .tile_mixing import TILE_SOURCE_KEY, TILE_UNITS_KEY, MixWholeBatchMixin, TileMixingMixin

__all__ = [
    'MUMDataPreprocessor', 'MUMDetDataPreprocessor', 'MUMImgDataPreprocessor',
    'MixWholeBatchMixin', 'TileMixingMixin', 'TILE_SOURCE_KEY', 'TILE_UNITS_KEY'
]
