"""See what MUM does to a training batch: mixed image tiles and unmixed feature tiles (Fig. 3, 5).

Builds CONFIG's train dataloader and the model's MUM data preprocessor, takes batches and
writes, per batch ``k``:

* ``batch{k}_original.png``: the mixed branch's images (``unsup_student``) as the detector
  would see them unmixed, un-normalised, padded to the tile-exact batch size; they are
  recovered with ``unmix_tiles`` on the mixed batch, which is exact;
* ``batch{k}_mixed.png``: the mixed images with the tile grid drawn;
* ``batch{k}_features_level{L}.png``: per image, the channel mean of neck level L of the
  student computed on the mixed batch before unmixing, after unmixing (MUM's input to the
  heads), and on the original batch, side by side with the images (one colour scale per row).

The student is the config's (random initialisation: features only show the tile structure) or
the one of ``--checkpoint``. Mixing is forced on (``mix_prob`` = 1)::

    python tools/analysis_tools/browse_mum.py configs/mum/demo_mum.py --out-dir work_dirs/browse
"""
import argparse
import os
import os.path as osp
import sys

import matplotlib
import mmcv
import numpy as np
import torch
from mmdet.registry import MODELS
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from tqdm import tqdm

from mum.analysis.checkpoint import CheckpointError, is_semi_state_dict, load_checkpoint_file
from mum.analysis.tile_statistics import tile_pixel_edges
from mum.analysis.visualization import batch_to_bgr_images, channel_mean_maps, draw_tile_grid
from mum.models.data_preprocessors import TILE_SOURCE_KEY, TILE_UNITS_KEY, MUMDataPreprocessor
from mum.models.necks.unmix_neck import unmixing_tiles
from mum.ops.tiles import unmix_tiles

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
        description='Write PNGs of a MUM training batch: original and mixed images (with the '
        'tile grid) and one neck level of the student on the mixed batch before / after '
        'unmixing and on the original batch.')
    parser.add_argument('config', metavar='CONFIG', help='a MUM training config')
    parser.add_argument('--out-dir', default='work_dirs/browse_mum', help='output folder')
    parser.add_argument('--num-batches', type=int, default=1, help='batches to draw')
    parser.add_argument('--level', type=int, default=0,
                        help='neck output level to show (0 = finest, the default)')
    parser.add_argument('--checkpoint', help='optional checkpoint (teacher-student, or a plain '
                        'detector) for the student; default: random initialisation')
    parser.add_argument('--branch', help='mixed branch to show (default: the preprocessor\'s '
                        'first mix branch, unsup_student)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the dataloader')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. model.data_preprocessor.num_tiles=2')
    args = parser.parse_args(argv)
    if args.num_batches < 1:
        parser.error('--num-batches must be at least 1')
    return args


def load_config(path: str, cfg_options=None) -> Config:
    """Loads the config (one-sentence SystemExit when missing), single-process data loading."""
    if not osp.isfile(path):
        raise SystemExit(f'browse_mum: config {path} does not exist.')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    return cfg


def build_model(cfg: Config, checkpoint_path: str = None):
    """The teacher-student model of ``cfg`` (eval mode), with weights when given."""
    model = MODELS.build(cfg.model)
    if not isinstance(getattr(model, 'data_preprocessor', None), MUMDataPreprocessor):
        raise SystemExit(f'browse_mum: the data preprocessor of {cfg.filename} is not a '
                         'MUMDataPreprocessor: pass a MUM config.')
    if not hasattr(model, 'student'):
        raise SystemExit(f'browse_mum: the model of {cfg.filename} has no student.')
    if checkpoint_path:
        try:
            state = load_checkpoint_file(checkpoint_path)['state_dict']
        except CheckpointError as error:
            raise SystemExit(f'browse_mum: {error}') from None
        target = model if is_semi_state_dict(state) else model.student
        missing, unexpected = target.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise SystemExit(f'browse_mum: checkpoint {checkpoint_path} does not fit the model '
                             f'of {cfg.filename} ({len(missing)} missing, {len(unexpected)} '
                             'unexpected keys).')
    return model.eval()


@torch.no_grad()
def browse_batch(model, batch: dict, branch: str, level: int) -> dict:
    """Mixes one batch and computes the level-``level`` features of the student.

    Args:
        model (nn.Module): Teacher-student model with a MUMDataPreprocessor.
        batch (dict): A multi-branch batch from the dataloader.
        branch (str): The mixed branch.
        level (int): Neck output level.

    Returns:
        dict: ``mixed`` and ``original`` (B, 3, H, W) normalised batches, ``source``,
        ``units``, and ``features`` {'mixed', 'unmixed', 'original'}: (B, C, h, w).
    """
    preprocessor = model.data_preprocessor
    data = preprocessor(batch, training=True)
    if branch not in data['inputs']:
        raise SystemExit(f'browse_mum: the batch has no branch {branch!r} (it has '
                         f'{sorted(data["inputs"])}).')
    mixed = data['inputs'][branch]
    metainfo = data['data_samples'][branch][0].metainfo
    if TILE_SOURCE_KEY not in metainfo:
        raise SystemExit(f'browse_mum: branch {branch!r} was not mixed; it must be one of the '
                         f'preprocessor\'s mix_branches {preprocessor.mix_branches}.')
    source, units = metainfo[TILE_SOURCE_KEY], metainfo[TILE_UNITS_KEY]
    original = unmix_tiles(mixed, source, units)
    student = model.student

    def level_of(inputs):
        levels = student.extract_feat(inputs)
        if not -len(levels) <= level < len(levels):
            raise SystemExit(f'browse_mum: --level {level} does not exist; the neck has '
                             f'{len(levels)} levels.')
        return levels[level]

    features = dict(mixed=level_of(mixed), original=level_of(original))
    with unmixing_tiles(student, source, units):
        features['unmixed'] = level_of(mixed)
    return dict(mixed=mixed, original=original, source=source, units=units, features=features)


def montage(images, gap: int = 4) -> np.ndarray:
    """Images side by side, separated by ``gap`` grey pixels."""
    height = max(im.shape[0] for im in images)
    parts = []
    for image in images:
        padded = np.full((height, image.shape[1], 3), 128, np.uint8)
        padded[:image.shape[0]] = image
        parts += [padded, np.full((height, gap, 3), 128, np.uint8)]
    return np.concatenate(parts[:-1], axis=1)


def write_batch(result: dict, preprocessor, out_dir: str, index: int, level: int) -> list:
    """Writes the three PNGs of one batch; returns their paths."""
    mixed, original, units = result['mixed'], result['original'], result['units']
    height, width = mixed.shape[-2:]
    num_tiles = result['source'].shape[-1]
    row_edges = tile_pixel_edges(height, num_tiles, height // units[0])
    col_edges = tile_pixel_edges(width, num_tiles, width // units[1])
    original_images = batch_to_bgr_images(original, preprocessor)
    mixed_images = [draw_tile_grid(im, row_edges, col_edges)
                    for im in batch_to_bgr_images(mixed, preprocessor)]
    paths = [osp.join(out_dir, f'batch{index}_original.png'),
             osp.join(out_dir, f'batch{index}_mixed.png'),
             osp.join(out_dir, f'batch{index}_features_level{level}.png')]
    mmcv.imwrite(montage(original_images), paths[0])
    mmcv.imwrite(montage(mixed_images), paths[1])

    maps = {name: channel_mean_maps(result['features'][name])
            for name in ('mixed', 'unmixed', 'original')}
    stride = height // result['features']['mixed'].shape[-2]
    columns = [('original image', None), ('mixed image', None),
               (f'mixed, before unmix (stride {stride})', 'mixed'),
               ('mixed, after unmix', 'unmixed'), ('original batch', 'original')]
    num_images = len(original_images)
    figure, axes = plt.subplots(num_images, len(columns),
                                figsize=(3.2 * len(columns), 2.6 * num_images), squeeze=False)
    for row in range(num_images):
        low = min(float(maps[n][row].min()) for n in maps)
        high = max(float(maps[n][row].max()) for n in maps)
        for col, (title, name) in enumerate(columns):
            axis = axes[row][col]
            if name is None:
                image = original_images[row] if col == 0 else mixed_images[row]
                axis.imshow(image[..., ::-1])
            else:
                axis.imshow(maps[name][row], cmap='viridis', vmin=low, vmax=high)
                for edge in row_edges[1:-1]:
                    axis.axhline(edge / stride - 0.5, color='white', linewidth=0.6)
                for edge in col_edges[1:-1]:
                    axis.axvline(edge / stride - 0.5, color='white', linewidth=0.6)
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(title, fontsize=9)
        axes[row][0].set_ylabel(f'image {row}', fontsize=9)
    figure.tight_layout()
    figure.savefig(paths[2], dpi=100)
    plt.close(figure)
    return paths


def main(argv=None) -> None:
    """Runs the tool."""
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    model = build_model(cfg, args.checkpoint)
    preprocessor = model.data_preprocessor
    preprocessor.mix_prob = 1.0  # always mix, to show it
    branch = args.branch or preprocessor.mix_branches[0]
    dataloader = Runner.build_dataloader(cfg.train_dataloader, seed=args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    batches = iter(dataloader)
    for index in tqdm(range(args.num_batches), desc='batches', unit='batch'):
        try:
            batch = next(batches)
        except StopIteration:
            print(f'The dataloader ran out after {index} batches.')
            break
        result = browse_batch(model, batch, branch, args.level)
        unmixed, original = result['features']['unmixed'], result['features']['original']
        change = float((unmixed - original).abs().mean() / original.abs().mean().clamp_min(1e-12))
        paths = write_batch(result, preprocessor, args.out_dir, index, args.level)
        tqdm.write(f'batch {index}: {len(result["mixed"])} images, NT={result["source"].shape[-1]}'
                   f', units {tuple(result["units"])}; level {args.level}: mean |unmixed - '
                   f'original| / mean |original| = {change:.3f}; wrote {", ".join(paths)}')


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
