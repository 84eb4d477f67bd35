from .mum_data_preprocessor import TILE_SOURCE_KEY, TILE_UNITS_KEY, MUMDataPreprocessor

__all__ = ['MUMDataPreprocessor', 'TILE_SOURCE_KEY', 'TILE_UNITS_KEY']
