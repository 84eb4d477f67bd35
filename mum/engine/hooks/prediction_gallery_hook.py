"""Writes a PNG of the teacher's predictions on the first validation images after training."""
import os.path as osp
from typing import List

import cv2
import numpy as np
import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner


@HOOKS.register_module()
class PredictionGalleryHook(Hook):
    """After training, draws the teacher's detections on ``num_images`` validation images.

    The gallery (a grid of images with boxes, class names and scores) is written to
    ``<work_dir>/<file_name>`` by the main process. mmdet's DetVisualizationHook draws one image
    per file during validation and cannot tell teacher from student; this hook gives one file
    to look at.

    Args:
        num_images (int): Validation images drawn; 0 draws nothing. Defaults to 8.
        score_thr (float): Detections below this score are not drawn. Defaults to 0.5.
        file_name (str): Output file name. Defaults to 'teacher_predictions.png'.
        columns (int): Images per row. Defaults to 4.
    """
    priority = 'LOW'

    def __init__(self, num_images: int = 8, score_thr: float = 0.5,
                 file_name: str = 'teacher_predictions.png', columns: int = 4) -> None:
        self.num_images = num_images
        self.score_thr = score_thr
        self.file_name = file_name
        self.columns = columns

    def after_train(self, runner: Runner) -> None:
        """Predicts with the teacher and writes the gallery (main process only)."""
        if runner.rank != 0 or self.num_images == 0:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        detector = getattr(model, 'teacher', model)
        dataset = runner.val_dataloader.dataset
        class_names = dataset.metainfo['classes']
        tiles = []
        model.eval()
        with torch.no_grad():
            for index in range(min(self.num_images, len(dataset))):
                data = model.data_preprocessor(
                    {k: [v] for k, v in dataset[index].items()}, training=False)
                result = detector.predict(data['inputs'], data['data_samples'])[0]
                tiles.append(self._draw(result, class_names))
        model.train()
        out_path = osp.join(runner.work_dir, self.file_name)
        cv2.imwrite(out_path, _grid(tiles, self.columns))
        runner.logger.info(f'Teacher predictions on {len(tiles)} validation images: {out_path}')

    def _draw(self, result, class_names) -> np.ndarray:
        # the analysis package is imported only when a gallery is drawn (not by ``import mum``)
        from mum.analysis.visualization import draw_detections
        instances = result.pred_instances
        keep = instances.scores > self.score_thr
        return draw_detections(cv2.imread(result.img_path), instances.bboxes[keep].tolist(),
                               instances.labels[keep].tolist(),
                               instances.scores[keep].tolist(), class_names, thickness=2,
                               font_scale=0.35)


def _grid(images: List[np.ndarray], columns: int) -> np.ndarray:
    """Pastes images of any size into a white grid, ``columns`` per row."""
    cell_h = max(i.shape[0] for i in images) + 4
    cell_w = max(i.shape[1] for i in images) + 4
    rows = -(-len(images) // columns)
    canvas = np.full((rows * cell_h, min(columns, len(images)) * cell_w, 3), 255, np.uint8)
    for index, image in enumerate(images):
        top, left = (index // columns) * cell_h, (index % columns) * cell_w
        canvas[top:top + image.shape[0], left:left + image.shape[1]] = image
    return canvas
