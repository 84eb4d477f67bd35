"""Writes, every N iterations, the pseudo-labels of one training step as a PNG."""
import os
import os.path as osp

import cv2
import numpy as np
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mum.models.data_preprocessors.tile_mixing import TILE_SOURCE_KEY, TILE_UNITS_KEY


@HOOKS.register_module()
class PseudoLabelGalleryHook(Hook):
    """Every ``interval`` iterations, draws what the student is taught on unlabeled images.

    One row per unlabeled image of the step: left, the teacher's weak view with the
    pseudo-boxes it produced (score above tau, class and score written); right, the student's
    strong view of the same batch slot, mixed when MUM is on (tile borders drawn), with the same
    boxes: they tell the heads where objects are once the features are unmixed. Files:
    ``<work_dir>/<out_dir>/iter_<N>.png``, main process only. Nothing is drawn during burn-in or
    when the unlabeled loss is off (no pseudo-labels are made then).

    Args:
        interval (int): Iterations between two galleries. Defaults to 100.
        num_images (int): Unlabeled images drawn (rows); 0 draws nothing. Defaults to 4.
        out_dir (str): Folder under the work dir. Defaults to 'pseudo_labels'.
    """
    priority = 'LOW'

    def __init__(self, interval: int = 100, num_images: int = 4,
                 out_dir: str = 'pseudo_labels') -> None:
        if interval < 1 or num_images < 0:
            raise ValueError('PseudoLabelGalleryHook: interval must be >= 1 and num_images >= 0, '
                             f'got {interval} and {num_images}.')
        self.interval = interval
        self.num_images = num_images
        self.out_dir = out_dir

    def before_run(self, runner: Runner) -> None:
        """Checks that the model records its unlabeled batch (MUMTeacher does)."""
        if not hasattr(_unwrap(runner.model), 'record_unsup_batch'):
            raise TypeError('PseudoLabelGalleryHook needs a MUMTeacher model, got '
                            f'{type(_unwrap(runner.model)).__name__}.')

    def before_train_iter(self, runner: Runner, batch_idx: int, data_batch=None) -> None:
        """Asks the model to keep this step's unlabeled batch when a gallery is due."""
        if runner.rank == 0 and self.num_images and self.every_n_train_iters(runner,
                                                                             self.interval):
            _unwrap(runner.model).record_unsup_batch = True

    def after_train_iter(self, runner: Runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        """Draws the recorded batch, if the step made pseudo-labels."""
        model = _unwrap(runner.model)
        model.record_unsup_batch = False
        recorded, model.recorded_unsup_batch = model.recorded_unsup_batch, None
        if recorded is None:
            return
        class_names = runner.train_dataloader.dataset.metainfo['classes']
        gallery = pseudo_label_gallery(recorded, model.data_preprocessor, class_names,
                                       self.num_images)
        out_path = osp.join(runner.work_dir, self.out_dir, f'iter_{runner.iter + 1}.png')
        os.makedirs(osp.dirname(out_path), exist_ok=True)
        cv2.imwrite(out_path, gallery)
        runner.logger.info(f'Pseudo-labels of iteration {runner.iter + 1}: {out_path}')


def pseudo_label_gallery(recorded: dict, data_preprocessor, class_names,
                         num_images: int) -> np.ndarray:
    """Weak views with their pseudo-boxes beside the student's (mixed) views, one row an image.

    Args:
        recorded (dict): ``MUMTeacher.recorded_unsup_batch``: ``teacher_inputs`` (B, 3, H, W)
            and ``student_inputs`` (B, 3, H', W') normalised batches, and ``student_samples``
            whose ``gt_instances`` are the pseudo-boxes in the (shared) view frame.
        data_preprocessor: The model's data preprocessor (to undo the normalisation).
        class_names (Sequence[str]): Names of the class indices.
        num_images (int): Rows drawn (at most B).

    Returns:
        np.ndarray: (rows * H'', 2 * W'' + gap, 3) uint8 BGR picture.
    """
    # the analysis package is imported only when a gallery is drawn (not by ``import mum``)
    from mum.analysis.tile_statistics import tile_pixel_edges
    from mum.analysis.visualization import batch_to_bgr_images, draw_detections, draw_tile_grid
    samples = recorded['student_samples'][:num_images]
    weak = batch_to_bgr_images(recorded['teacher_inputs'][:num_images], data_preprocessor)
    strong = batch_to_bgr_images(recorded['student_inputs'][:num_images], data_preprocessor)
    metainfo = samples[0].metainfo
    if TILE_SOURCE_KEY in metainfo:
        height, width = strong[0].shape[:2]
        units_h, units_w = metainfo[TILE_UNITS_KEY]
        num_tiles = metainfo[TILE_SOURCE_KEY].shape[-1]
        strong = [draw_tile_grid(image, tile_pixel_edges(height, num_tiles, height // units_h),
                                 tile_pixel_edges(width, num_tiles, width // units_w))
                  for image in strong]
    rows = []
    for weak_image, strong_image, sample in zip(weak, strong, samples):
        boxes = [sample.gt_instances.bboxes.tolist(), sample.gt_instances.labels.tolist(),
                 sample.gt_instances.scores.tolist(), class_names]
        rows.append(_side_by_side([draw_detections(weak_image, *boxes),
                                   draw_detections(strong_image, *boxes)]))
    width = max(row.shape[1] for row in rows)
    return np.concatenate([np.pad(row, ((0, 4), (0, width - row.shape[1]), (0, 0)),
                                  constant_values=255) for row in rows])


def _side_by_side(images, gap: int = 4) -> np.ndarray:
    """Images left to right on a white background, top-aligned."""
    height = max(image.shape[0] for image in images)
    canvas = np.full((height, sum(i.shape[1] for i in images) + gap * (len(images) - 1), 3), 255,
                     np.uint8)
    left = 0
    for image in images:
        canvas[:image.shape[0], left:left + image.shape[1]] = image
        left += image.shape[1] + gap
    return canvas


def _unwrap(model):
    return model.module if is_model_wrapper(model) else model
