"""tools/analysis_tools/gradcam.py: Grad-CAM of two checkpoints' teachers, side by side."""
import cv2
import numpy as np
import pytest
from analysis_helpers import run_tool, semi_checkpoint, tiny_mum_config, val_images


@pytest.mark.slow
def test_gradcam_writes_one_figure_per_image(demo_workspace, tmp_path, monkeypatch):
    import mum.analysis.visualization as visualization
    overlay = visualization.overlay_heatmap
    panels = []  # (image, heatmap, overlaid image) of every drawn panel

    def recording_overlay(image, values01, *args, **kwargs):
        shown = overlay(image, values01, *args, **kwargs)
        panels.append((image, values01, shown.copy()))  # before the tool draws the box on it
        return shown

    monkeypatch.setattr(visualization, 'overlay_heatmap', recording_overlay)
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
    # panels in drawing order: (circle, teacher), (circle, student), (star, teacher), ...
    assert len(panels) == 4
    for image, heatmap, shown in panels:
        assert heatmap.min() >= 0 and heatmap.max() == 1  # a Grad-CAM map scaled to [0, 1]
        assert (shown != image).any()  # the heat map is drawn over the image
    assert not np.array_equal(panels[0][1], panels[1][1])  # teacher and student explain apart

    with pytest.raises(SystemExit, match='not among'):
        run_tool('analysis_tools/gradcam.py', config, first, '--images', images[0],
                 '--class-names', 'dog', '--out-dir', out_dir)
