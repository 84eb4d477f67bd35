from .unmix_neck import TileUnmixMixin, UnmixNeck, unmixing_if_mixed, unmixing_tiles

__all__ = ['TileUnmixMixin', 'UnmixNeck', 'unmixing_if_mixed', 'unmixing_tiles']
