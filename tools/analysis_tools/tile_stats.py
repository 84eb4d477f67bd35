"""NO, the mean number of MUM tiles an object spans, per NT and object size (paper Table 8).

For each NT the image is padded as MUM pads it (``mum.ops.tiles.tile_exact_size`` with the
config's ``largest_stride``) and cut into NT x NT tiles on the unit grid of ``mum.ops.tiles``;
every annotated box counts the tiles it overlaps. Boxes are taken in the resized image:

* ``--split train``: every dataset of ``train_dataloader`` with box annotations (the labeled
  one, and the unlabeled one when its annotation file has boxes, as COCO-Standard's does;
  ``--datasets 0`` keeps the labeled one only),
  resized as its own pipeline resizes (RandomChoiceResize: each scale equally likely;
  RandomResize: sampled over its range) and flipped with its RandomFlip probability: NO is the
  expectation over these random geometries;
* ``--split val``: ``val_dataloader``'s dataset at the test pipeline's scale.

Sizes are COCO's buckets on the resized box area (small < 32^2 <= medium < 96^2 <= large).
Each image is tiled alone: in training MUM pads the whole batch to its largest image first,
which shifts no tile border for images of the batch's size and moves them for smaller ones.

    python tools/analysis_tools/tile_stats.py configs/mum/demo_mum.py --num-tiles 2 4 8 16

Writes ``tile_stats.png`` (NO against NT per size), ``tile_stats.md`` and ``tile_stats.csv`` and
suggests the NT whose overall NO lies in [1.2, 2.5] (closest to the middle of the interval).
"""
import argparse
import csv
import math
import os
import os.path as osp
import sys

import matplotlib
import numpy as np
from mmdet.registry import DATASETS
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from tqdm import tqdm

from mum.analysis.tile_statistics import (ALL_SIZES, SIZE_BUCKETS, TileSpanStatistics,
                                          pipeline_geometry, suggest_num_tiles)

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

SUGGESTED_RANGE = (1.2, 2.5)


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Mean number of MUM tiles an object box spans (NO), per NT and COCO size '
        'bucket, on the annotations of a dataset config.',
        epilog='Scale: with --split train the boxes are resized as the train pipelines resize '
        'them (the expectation over RandomChoiceResize / RandomResize scales and RandomFlip); '
        'with --split val at the test pipeline scale. Size buckets use the resized box area. '
        'Each image is tiled alone (no padding to a larger image of its batch).')
    parser.add_argument('config', metavar='CONFIG', help='dataset (or full training) config')
    parser.add_argument('--num-tiles', type=int, nargs='+', default=[2, 4, 8, 16],
                        help='NT values to evaluate (default: 2 4 8 16)')
    parser.add_argument('--split', choices=['train', 'val'], default='train',
                        help='train: datasets of train_dataloader at the train scales; val: '
                        'val_dataloader at the test scale (default: train)')
    parser.add_argument('--datasets', type=int, nargs='+',
                        help='with a ConcatDataset: indices of the parts to use (0 is the labeled '
                        'dataset in this project\'s configs); default: every part with boxes')
    parser.add_argument('--largest-stride', type=int,
                        help='pixels per tile-grid unit; default: the config\'s '
                        'model.data_preprocessor.largest_stride, else 64')
    parser.add_argument('--out-dir', help='output folder (default: '
                        'work_dirs/tile_stats/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. '
                        'train_dataloader.dataset.datasets.0.data_root=data/coco/')
    args = parser.parse_args(argv)
    if any(nt < 1 for nt in args.num_tiles):
        parser.error('--num-tiles values must be positive integers')
    if args.largest_stride is not None and args.largest_stride < 1:
        parser.error('--largest-stride must be a positive integer')
    return args


def load_config(path: str, cfg_options=None):
    """Loads ``path`` (one-sentence SystemExit when missing or unparsable) and applies overrides.

    Args:
        path (str): Config file.
        cfg_options (dict, optional): ``--cfg-options``.

    Returns:
        Config: The config, with mmdet's default scope initialised.
    """
    if not osp.isfile(path):
        raise SystemExit(f'tile_stats: config {path} does not exist.')
    try:
        cfg = Config.fromfile(path)
    except Exception as error:
        raise SystemExit(f'tile_stats: config {path} cannot be loaded '
                         f'({type(error).__name__}: {error}).') from None
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    return cfg


def annotated_datasets(cfg, split: str, indices=None) -> list:
    """The built datasets of ``split`` (a ConcatDataset is opened into its parts).

    Args:
        cfg (Config): The config.
        split (str): 'train' or 'val'.
        indices (list[int], optional): Parts to keep; all when None.

    Returns:
        list[BaseDataset]: Fully initialised datasets.
    """
    key = f'{split}_dataloader'
    if key not in cfg or 'dataset' not in cfg[key]:
        raise SystemExit(f'tile_stats: the config {cfg.filename} has no {key}.dataset.')
    dataset = DATASETS.build(cfg[key].dataset)
    parts = list(getattr(dataset, 'datasets', [dataset]))
    if indices is not None:
        if any(not 0 <= i < len(parts) for i in indices):
            raise SystemExit(f'tile_stats: --datasets {indices} is out of range: {key} has '
                             f'{len(parts)} dataset(s).')
        parts = [parts[i] for i in indices]
    for part in parts:
        part.full_init()
    return parts


def largest_stride_of(cfg, override=None) -> int:
    """The tile-grid unit in pixels: ``override``, the MUM preprocessor's, or 64."""
    if override is not None:
        return override
    preprocessor = cfg.get('model', {}).get('data_preprocessor', {}) or {}
    return int(preprocessor.get('largest_stride', 64))


def compute(datasets: list, num_tiles, unit_px: int):
    """Accumulates NO over every annotated box of ``datasets``.

    Args:
        datasets (list[BaseDataset]): Built datasets (COCO-style data infos).
        num_tiles (Sequence[int]): NT values.
        unit_px (int): Tile-grid unit in pixels.

    Returns:
        tuple: (TileSpanStatistics, list of one-line descriptions of the datasets used).
    """
    stats = TileSpanStatistics(num_tiles, unit_px)
    notes = []
    for dataset in datasets:
        name = f'{type(dataset).__name__}({getattr(dataset, "ann_file", "")})'
        transforms = getattr(dataset.pipeline, 'transforms', [])
        geometry = pipeline_geometry(transforms)
        before = stats.num_objects
        label = osp.basename(str(getattr(dataset, 'ann_file', ''))) or type(dataset).__name__
        for index in tqdm(range(len(dataset)), desc=f'boxes of {label}',
                          unit='img', leave=False):
            info = dataset.get_data_info(index)
            boxes = [inst['bbox'] for inst in info.get('instances', [])
                     if not inst.get('ignore_flag', 0)]
            if not boxes:
                continue
            if 'height' not in info or 'width' not in info:
                raise SystemExit(f'tile_stats: image {info.get("img_path")} of {name} has no '
                                 'height/width in its annotation.')
            height, width = int(info['height']), int(info['width'])
            stats.add_image(np.asarray(boxes, dtype=np.float64), height, width,
                            geometry.views(height, width))
        count = stats.num_objects - before
        notes.append(f'{name}: {count} boxes; geometry: {geometry.description}' if count else
                     f'{name}: no box annotations, skipped')
    if stats.num_objects == 0:
        raise SystemExit('tile_stats: the datasets hold no box annotations '
                         f'({"; ".join(notes)}).')
    return stats, notes


def format_rows(table) -> list:
    """Rows (NT, then NO and expected count per bucket) for the CSV and markdown files."""
    rows = []
    for nt, buckets in table.items():
        row = [nt]
        for name in (*SIZE_BUCKETS, ALL_SIZES):
            mean, count = buckets[name]
            row += [mean, count]
        rows.append(row)
    return rows


def write_outputs(table, out_dir: str, suggestion, inside, notes, unit_px: int, split: str):
    """Writes tile_stats.csv, tile_stats.md and tile_stats.png into ``out_dir``.

    Returns:
        dict: Paths written, by extension.
    """
    os.makedirs(out_dir, exist_ok=True)
    paths = {ext: osp.join(out_dir, f'tile_stats.{ext}') for ext in ('csv', 'md', 'png')}
    names = (*SIZE_BUCKETS, ALL_SIZES)
    header = ['num_tiles'] + [f'{k}_{n}' for n in names for k in ('NO', 'objects')]
    rows = format_rows(table)
    with open(paths['csv'], 'w', newline='', encoding='utf-8') as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[0]] + [f'{v:.4f}' for v in row[1:]])
    low, high = SUGGESTED_RANGE
    with open(paths['md'], 'w', encoding='utf-8') as md_file:
        md_file.write(f'# NO: mean number of tiles an object spans ({split} split, '
                      f'{unit_px}-px tile units)\n\n')
        md_file.write('| NT | ' + ' | '.join(names) + ' |\n')
        md_file.write('|---:|' + '---:|' * len(names) + '\n')
        for row in rows:
            cells = [_cell(row[1 + 2 * i], row[2 + 2 * i]) for i in range(len(names))]
            md_file.write(f'| {row[0]} | ' + ' | '.join(cells) + ' |\n')
        md_file.write('\nCells: NO (expected number of objects). '
                      f'{_suggestion_text(suggestion, inside)}\n\nData:\n')
        md_file.writelines(f'- {note}\n' for note in notes)
    figure, axis = plt.subplots(figsize=(6, 4))
    nts = list(table)
    for name, style in zip(names, ('o-', 's-', '^-', 'k*--')):
        axis.plot(nts, [table[nt][name][0] for nt in nts], style, label=name)
    axis.axhspan(low, high, color='green', alpha=0.1, label=f'NO in [{low}, {high}]')
    axis.set_xscale('log', base=2)
    axis.set_xticks(nts)
    axis.set_xticklabels([str(nt) for nt in nts])
    axis.set_xlabel('NT (tiles per side)')
    axis.set_ylabel('NO (mean tiles spanned per object)')
    axis.set_title(f'Tiles spanned per object ({split})')
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(paths['png'], dpi=120)
    plt.close(figure)
    return paths


def _cell(mean: float, count: float) -> str:
    return '-' if math.isnan(mean) else f'{mean:.2f} ({count:.0f})'


def _suggestion_text(suggestion, inside) -> str:
    low, high = SUGGESTED_RANGE
    if suggestion is None:
        return f'No NT gives an overall NO in [{low}, {high}]: try other --num-tiles values.'
    return (f'Suggested NT: {suggestion} (overall NO in [{low}, {high}] for NT in {inside}; '
            'the one closest to the middle).')


def main(argv=None) -> None:
    """Runs the tool."""
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    unit_px = largest_stride_of(cfg, args.largest_stride)
    num_tiles = sorted(set(args.num_tiles))
    datasets = annotated_datasets(cfg, args.split, args.datasets)
    stats, notes = compute(datasets, num_tiles, unit_px)
    table = stats.table()
    out_dir = args.out_dir or osp.join('work_dirs', 'tile_stats',
                                       osp.splitext(osp.basename(args.config))[0])
    suggestion, inside = suggest_num_tiles({nt: table[nt][ALL_SIZES][0] for nt in num_tiles},
                                           *SUGGESTED_RANGE)
    names = (*SIZE_BUCKETS, ALL_SIZES)
    print(f'NO (mean tiles spanned per object), {args.split} split, {unit_px}-px units, '
          f'{stats.num_objects} objects')
    print('  NT ' + ''.join(f'{n:>16}' for n in names))
    for nt in num_tiles:
        print(f'{nt:>4} ' + ''.join(f'{_cell(*table[nt][n]):>16}' for n in names))
    for note in notes:
        print(f'  {note}')
    print(_suggestion_text(suggestion, inside))
    paths = write_outputs(table, out_dir, suggestion, inside, notes, unit_px, args.split)
    print('Wrote ' + ', '.join(paths[ext] for ext in ('png', 'md', 'csv')))


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
