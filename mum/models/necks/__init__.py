from .unmix_neck import TileUnmixMixin, UnmixNeck, unmixing_tiles

__all__ = ['TileUnmixMixin', 'UnmixNeck', 'unmixing_tiles']
