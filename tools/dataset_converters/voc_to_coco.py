"""Converts PASCAL VOC image sets to COCO JSON files (voc{yy}_{split}.json).

VOC07 trainval and test and VOC12 trainval (the default sets)::

    python tools/dataset_converters/voc_to_coco.py \
        --devkit-root data/VOCdevkit --out-dir data/VOCdevkit/annotations

See :mod:`mum.datasets.voc_to_coco` for the box convention and the image ids.
"""
import argparse
import logging
import sys

from tqdm.contrib.logging import logging_redirect_tqdm

from mum.datasets.voc_to_coco import DEFAULT_VOC_SETS, VOCConversionError, write_voc_sets


def voc_set(text):
    """Parses ``YEAR/SPLIT`` (e.g. ``2007/trainval``) into ``(year, split)``."""
    year, slash, split = text.partition('/')
    if not (slash and year.isdigit() and len(year) == 4 and split):
        raise argparse.ArgumentTypeError(f'{text!r} is not YEAR/SPLIT, e.g. 2007/trainval')
    return year, split


def parse_args():
    """Parses the command line."""
    parser = argparse.ArgumentParser(
        description='Convert PASCAL VOC image sets to COCO JSON, one voc{yy}_{split}.json each.')
    parser.add_argument('--devkit-root', required=True,
                        help='VOCdevkit folder holding VOC2007/ and VOC2012/')
    parser.add_argument('--out-dir', required=True, help='folder for the COCO JSON files')
    parser.add_argument('--sets', type=voc_set, nargs='+', default=list(DEFAULT_VOC_SETS),
                        help='image sets as YEAR/SPLIT (default: 2007/trainval 2007/test '
                        '2012/trainval)')
    parser.add_argument('--drop-difficult', action='store_true',
                        help='leave out difficult objects (default: keep them as ground truth)')
    return parser.parse_args()


def main():
    """Runs the tool; an invalid input prints one sentence and exits with status 2."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    try:
        with logging_redirect_tqdm():
            written = write_voc_sets(args.devkit_root, args.out_dir, args.sets, args.drop_difficult)
    except VOCConversionError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    for path in written:
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
