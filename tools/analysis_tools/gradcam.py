"""Grad-CAM of the teacher's class scores, two checkpoints side by side (paper Fig. 4).

For each image and class name: the target is the best score of that class over the RoI head's
proposals (the score of the top detection of that class, before NMS); its gradient reaches
one neck level (``--level``, default 0, the finest) through autograd hooks; channel weights are
the spatial mean of the gradient, the map is ReLU of the weighted channel sum, upsampled to the
image and overlaid, with the scoring box drawn. One PNG per image: rows are classes, columns
checkpoints (e.g. Unbiased Teacher vs MUM)::

    python tools/analysis_tools/gradcam.py configs/mum/demo_mum.py ut.pth mum.pth \
        --images data/demo/images/val/000361.jpg --class-names circle star --out-dir work_dirs/cam

The RoI head pools each box from one level, so a level gets a gradient only from boxes pooled
there; ``--level auto`` uses the level of the scoring box. Checkpoints may be teacher-student
(the teacher is used, ``--student`` for the student) or plain detectors of the same
architecture; CONFIG gives the architecture and the test pipeline.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import matplotlib
import mmcv
import numpy as np
import torch
from mmcv.transforms import Compose
from mmdet.utils import get_test_pipeline_cfg
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from tqdm import tqdm

from mum.analysis.checkpoint import CheckpointError, build_detector
from mum.analysis.gradcam import FeatureGradientRecorder, best_class_score, cam_on_image, grad_cam
from mum.analysis.visualization import normalize_map, overlay_heatmap

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Grad-CAM of the teacher\'s class scores on one neck level, for one or '
        'two checkpoints side by side; one PNG per image.')
    parser.add_argument('config', metavar='CONFIG', help='config of the detector (teacher-'
                        'student or plain); its test pipeline prepares the images')
    parser.add_argument('checkpoints', metavar='CKPT', nargs='+',
                        help='one or two checkpoints (CKPT_A [CKPT_B])')
    parser.add_argument('--images', nargs='+', required=True, help='image files')
    parser.add_argument('--class-names', nargs='+', required=True,
                        help='classes to explain, e.g. circle star')
    parser.add_argument('--out-dir', required=True, help='folder for the PNGs')
    parser.add_argument('--level', default='0',
                        help='neck level of the gradient: an index (0 = finest, the default) '
                        'or "auto" (the level the scoring box is pooled from)')
    parser.add_argument('--labels', nargs='+', help='column titles, one per checkpoint '
                        '(default: checkpoint file names)')
    parser.add_argument('--student', action='store_true',
                        help='use the student of teacher-student checkpoints')
    parser.add_argument('--alpha', type=float, default=0.5, help='heatmap opacity')
    parser.add_argument('--device', default='cpu', help='device, e.g. cpu or cuda:0')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    args = parser.parse_args(argv)
    if len(args.checkpoints) > 2:
        parser.error(f'give one or two checkpoints, got {len(args.checkpoints)}')
    if args.labels and len(args.labels) != len(args.checkpoints):
        parser.error('--labels needs one label per checkpoint')
    if args.level != 'auto':
        try:
            args.level = int(args.level)
        except ValueError:
            parser.error(f'--level must be an integer or "auto", got {args.level!r}')
    return args


def prepare(pipeline: Compose, image_path: str, model) -> dict:
    """Runs the test pipeline and the model's data preprocessor on one image file."""
    data = pipeline(dict(img_path=image_path, img_id=0))
    return model.data_preprocessor(pseudo_collate([data]), False)


def explain(model, data: dict, class_indices, level) -> list:
    """Grad-CAM maps of ``class_indices`` for one preprocessed image.

    Args:
        model (nn.Module): Two-stage detector (eval mode).
        data (dict): ``inputs`` (1, 3, H, W) and ``data_samples`` from the preprocessor.
        class_indices (list[int]): Classes to explain.
        level (int | str): Neck level, or 'auto'.

    Returns:
        list[dict]: Per class: ``cam`` (H0, W0) in [0, 1], ``score``, ``box`` (original
        pixels), ``roi_level``, ``level`` (the one used) and ``note`` (why a map is empty, or
        '').
    """
    sample = data['data_samples'][0]
    inputs = data['inputs'].float()
    results = []
    model.requires_grad_(False)  # no parameter gradients: only the neck outputs get them
    with torch.enable_grad(), FeatureGradientRecorder(model.neck) as recorder:
        features = model.extract_feat(inputs)
        num_levels = len(recorder.activations)
        if level != 'auto' and not -num_levels <= level < num_levels:
            raise SystemExit(f'gradcam: --level {level} does not exist; the neck has '
                             f'{num_levels} levels.')
        for class_index in class_indices:
            target = best_class_score(model, features, sample, class_index)
            if target is None:
                results.append(dict(cam=np.zeros(sample.ori_shape[:2], np.float32),
                                    score=float('nan'), box=None, roi_level=-1, level=level,
                                    note='no RPN proposal'))
                continue
            recorder.clear_gradients()
            target.score.backward(retain_graph=True)
            used = target.roi_level if level == 'auto' else level % num_levels
            gradient = recorder.gradients.get(used)
            cam = grad_cam(recorder.activations[used], gradient)[0]
            cam = cam_on_image(cam, sample.batch_input_shape, sample.img_shape,
                               sample.ori_shape)
            if gradient is None or not bool(gradient.any()):
                note = f'no gradient at level {used}: box pooled from level {target.roi_level}'
            elif cam.max() <= 0:
                note = 'Grad-CAM <= 0 everywhere'
            else:
                note = ''
            results.append(dict(cam=normalize_map(cam, low=0.0), score=float(target.score),
                                box=target.box, roi_level=target.roi_level, level=used,
                                note=note))
    return results


def draw(image_path: str, rows: list, class_names, labels, out_path: str, alpha: float):
    """Writes the image's figure: rows = classes, columns = checkpoints."""
    image = mmcv.imread(image_path)
    num_rows, num_cols = len(class_names), len(labels)
    figure, axes = plt.subplots(num_rows, num_cols, figsize=(4.2 * num_cols, 3.6 * num_rows),
                                squeeze=False)
    for row, class_name in enumerate(class_names):
        for col, label in enumerate(labels):
            result = rows[col][row]
            shown = overlay_heatmap(image, result['cam'], alpha)
            if result['box'] is not None:
                x1, y1, x2, y2 = (int(round(v)) for v in result['box'])
                cv2.rectangle(shown, (x1, y1), (x2, y2), (255, 255, 255), 2)
            axis = axes[row][col]
            axis.imshow(shown[..., ::-1])
            axis.set_xticks([])
            axis.set_yticks([])
            note = f'\n{result["note"]}' if result['note'] else ''
            axis.set_title(f'{label}\n{class_name}: score {result["score"]:.3g}, level '
                           f'{result["level"]}{note}', fontsize=8)
    figure.tight_layout()
    figure.savefig(out_path, dpi=100)
    plt.close(figure)


def main(argv=None) -> None:
    """Runs the tool."""
    args = parse_args(argv)
    for path in [args.config, *args.checkpoints, *args.images]:
        if not osp.isfile(path):
            raise SystemExit(f'gradcam: file {path} does not exist.')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    member = 'student' if args.student else 'teacher'
    models = []
    for checkpoint in args.checkpoints:
        try:
            models.append(build_detector(cfg, checkpoint, member, args.device))
        except CheckpointError as error:
            raise SystemExit(f'gradcam: {error}') from None
    classes = list(models[0].dataset_meta.get('classes', []))
    unknown = [name for name in args.class_names if name not in classes]
    if unknown:
        raise SystemExit(f'gradcam: class(es) {unknown} are not among the detector\'s classes '
                         f'{classes}.')
    class_indices = [classes.index(name) for name in args.class_names]
    labels = args.labels or [osp.splitext(osp.basename(c))[0] for c in args.checkpoints]
    pipeline = Compose(get_test_pipeline_cfg(cfg))
    os.makedirs(args.out_dir, exist_ok=True)
    for image_path in tqdm(args.images, desc='images', unit='img'):
        rows = []
        for model in models:
            data = prepare(pipeline, image_path, model)
            rows.append(explain(model, data, class_indices, args.level))
        out_path = osp.join(args.out_dir, osp.splitext(osp.basename(image_path))[0] +
                            '_gradcam.png')
        draw(image_path, rows, args.class_names, labels, out_path, args.alpha)
        tqdm.write(f'{image_path}: wrote {out_path}')


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
