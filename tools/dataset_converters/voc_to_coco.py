"""Converts PASCAL VOC annotations to COCO JSON files.

The VOC benchmark (a VOCdevkit with VOC2007/ and VOC2012/, the 20 classes), one
voc{yy}_{split}.json per image set; VOC07 trainval and test and VOC12 trainval by default::

    python tools/dataset_converters/voc_to_coco.py \
        --devkit-root data/VOCdevkit --out-dir data/VOCdevkit/annotations

A VOC-layout folder of your own (Annotations/, ImageSets/Main/, JPEGImages/), one
{name}_{split}.json per image set, classes read from the XML files unless --classes gives them;
flawed boxes (degenerate, outside the image, of another class) are dropped, counted and logged::

    python tools/dataset_converters/voc_to_coco.py --voc-root data/bccd \
        --splits train val test --name bccd --out-dir data/bccd/annotations

See :mod:`mum.datasets.voc_to_coco` (the benchmark, the box convention) and
:mod:`mum.datasets.voc_folder_to_coco` (your folder: classes, image ids, dropped boxes).
"""
import argparse
import logging
import sys

from tqdm.contrib.logging import logging_redirect_tqdm

from mum.datasets.voc_folder_to_coco import write_voc_folder
from mum.datasets.voc_to_coco import DEFAULT_VOC_SETS, VOCConversionError, write_voc_sets

DEFAULT_SPLITS = ('train', 'val', 'test')


def voc_set(text):
    """Parses ``YEAR/SPLIT`` (e.g. ``2007/trainval``) into ``(year, split)``."""
    year, slash, split = text.partition('/')
    if not (slash and year.isdigit() and len(year) == 4 and split):
        raise argparse.ArgumentTypeError(f'{text!r} is not YEAR/SPLIT, e.g. 2007/trainval')
    return year, split


def parse_args():
    """Parses the command line; options of the other input kind are refused."""
    parser = argparse.ArgumentParser(
        description='Convert PASCAL VOC annotations to COCO JSON: the VOC benchmark '
        '(--devkit-root, one voc{yy}_{split}.json per image set) or a VOC-layout folder of your '
        'own (--voc-root, one {name}_{split}.json per image set).')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--devkit-root', help='VOCdevkit folder holding VOC2007/ and VOC2012/')
    source.add_argument('--voc-root',
                        help='a VOC-layout folder: Annotations/, ImageSets/Main/, JPEGImages/')
    parser.add_argument('--out-dir', required=True, help='folder for the COCO JSON files')
    parser.add_argument('--drop-difficult', action='store_true',
                        help='leave out difficult objects (default: keep them as ground truth)')
    devkit = parser.add_argument_group('with --devkit-root')
    devkit.add_argument('--sets', type=voc_set, nargs='+',
                        help='image sets as YEAR/SPLIT (default: 2007/trainval 2007/test '
                        '2012/trainval)')
    folder = parser.add_argument_group('with --voc-root')
    folder.add_argument('--splits', nargs='+',
                        help='ImageSets/Main lists to convert (default: train val test)')
    folder.add_argument('--classes', nargs='+',
                        help='class names in label order; boxes of other classes are dropped '
                        'and counted (default: the names in the XML files, sorted)')
    folder.add_argument('--name', help='file prefix, {name}_{split}.json (default: the name of '
                        'the --voc-root folder)')
    args = parser.parse_args()
    wrong_kind = (['--sets'] if args.voc_root and args.sets else []) + [
        option for option, value in (('--splits', args.splits), ('--classes', args.classes),
                                     ('--name', args.name)) if args.devkit_root and value]
    if wrong_kind:
        parser.error(f'{" ".join(wrong_kind)} cannot be used with '
                     f'{"--voc-root" if args.voc_root else "--devkit-root"}')
    return args


def main():
    """Runs the tool; an invalid input prints one sentence and exits with status 2."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    try:
        with logging_redirect_tqdm():
            if args.voc_root:
                written = write_voc_folder(args.voc_root, args.out_dir,
                                           args.splits or DEFAULT_SPLITS, args.name,
                                           args.classes, args.drop_difficult)
            else:
                written = write_voc_sets(args.devkit_root, args.out_dir,
                                         args.sets or DEFAULT_VOC_SETS, args.drop_difficult)
    except VOCConversionError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    for path in written:
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
