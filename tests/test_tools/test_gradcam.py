"""tools/analysis_tools/gradcam.py: Grad-CAM of two checkpoints' teachers, side by side."""
import cv2
import pytest
from analysis_helpers import run_tool, semi_checkpoint, tiny_mum_config, val_images


@pytest.mark.slow
def test_gradcam_writes_one_figure_per_image(demo_workspace, tmp_path):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    first = semi_checkpoint(config, str(tmp_path / 'a.pth'))
    second = tmp_path / 'b.pth'
    # a plain detector checkpoint (the student, so that the two columns differ)
    run_tool('model_converters/extract_teacher.py', first, second, '--student', '--no-config')
    images = val_images(demo_workspace)[:1]
    out_dir = tmp_path / 'cam'

    run_tool('analysis_tools/gradcam.py', config, first, second, '--images', *images,
             '--class-names', 'circle', 'star', '--out-dir', out_dir, '--level', 'auto',
             '--labels', 'teacher', 'student')

    written = sorted(p.name for p in out_dir.iterdir())
    assert written == [image.rsplit('/', 1)[-1].replace('.jpg', '_gradcam.png') for image in images]
    figure = cv2.imread(str(out_dir / written[0]))  # 2 classes x 2 checkpoints
    assert figure is not None and figure.shape[0] > 500 and figure.shape[1] > 500

    with pytest.raises(SystemExit, match='not among'):
        run_tool('analysis_tools/gradcam.py', config, first, '--images', images[0],
                 '--class-names', 'dog', '--out-dir', out_dir)
