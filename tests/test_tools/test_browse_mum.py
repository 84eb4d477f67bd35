"""tools/analysis_tools/browse_mum.py: mixed images and unmixed features of a MUM batch."""
import cv2
import numpy as np
import pytest
from analysis_helpers import run_tool, tiny_mum_config

from mum.analysis.tile_statistics import tile_pixel_edges

GAP = 4  # grey pixels between the images of a montage
STRIDE = 32  # the demo config's largest_stride: one tile-grid unit


def _tiles(montage, num_images, num_tiles):
    """{(image, row, col): pixels} of a montage, each tile without its drawn top / left border."""
    height = montage.shape[0]
    width = (montage.shape[1] - GAP * (num_images - 1)) // num_images
    rows = tile_pixel_edges(height, num_tiles, STRIDE)
    cols = tile_pixel_edges(width, num_tiles, STRIDE)
    tiles = {}
    for image in range(num_images):
        left = image * (width + GAP)
        for r in range(num_tiles):
            for c in range(num_tiles):
                tiles[image, r, c] = montage[rows[r] + 1:rows[r + 1],
                                             left + cols[c] + 1:left + cols[c + 1]]
    return tiles


def _assert_mixed_tiles_come_from_the_originals(original, mixed, num_images, num_tiles):
    """Each mixed tile is the same tile of one of the original images, and some are not their
    own image's tile (pixels differ there)."""
    originals = _tiles(original, num_images, num_tiles)
    moved = 0
    for (image, r, c), tile in _tiles(mixed, num_images, num_tiles).items():
        assert any(np.array_equal(tile, originals[j, r, c]) for j in range(num_images)), \
            f'mixed tile {(image, r, c)} is not tile {(r, c)} of any original image'
        moved += not np.array_equal(tile, originals[image, r, c])
    assert moved > 0, 'no tile was moved to another image'


@pytest.mark.slow
def test_browse_mum_writes_images_and_feature_maps(demo_workspace, tmp_path, capsys):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    out_dir = tmp_path / 'browse'

    run_tool('analysis_tools/browse_mum.py', config, '--out-dir', out_dir, '--level', 1,
             '--cfg-options', 'model.data_preprocessor.num_tiles=2',
             'train_dataloader.batch_size=3', 'train_dataloader.sampler.batch_size=3',
             'train_dataloader.sampler.source_ratio=[1,2]')

    original = cv2.imread(str(out_dir / 'batch0_original.png'))
    mixed = cv2.imread(str(out_dir / 'batch0_mixed.png'))
    assert original is not None and original.shape == mixed.shape  # same padded batch, 2 images
    _assert_mixed_tiles_come_from_the_originals(original, mixed, num_images=2, num_tiles=2)
    features = cv2.imread(str(out_dir / 'batch0_features_level1.png'))
    assert features is not None and features.shape[0] > 400
    assert 'NT=2' in capsys.readouterr().out

    with pytest.raises(SystemExit, match='does not exist'):
        run_tool('analysis_tools/browse_mum.py', config, '--out-dir', out_dir, '--level', 9)
