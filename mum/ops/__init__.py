from .tiles import (invert_tile_permutation, mix_tiles, permute_tiles, sample_tile_permutation,
                    tile_exact_size, unmix_tiles)

__all__ = [
    'invert_tile_permutation', 'mix_tiles', 'permute_tiles', 'sample_tile_permutation',
    'tile_exact_size', 'unmix_tiles'
]
