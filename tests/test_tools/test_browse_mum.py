"""tools/analysis_tools/browse_mum.py: mixed images and unmixed features of a MUM batch."""
import cv2
import pytest
from analysis_helpers import run_tool, tiny_mum_config


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
    assert (original != mixed).any()
    features = cv2.imread(str(out_dir / 'batch0_features_level1.png'))
    assert features is not None and features.shape[0] > 400
    assert 'NT=2' in capsys.readouterr().out

    with pytest.raises(SystemExit, match='does not exist'):
        run_tool('analysis_tools/browse_mum.py', config, '--out-dir', out_dir, '--level', 9)
