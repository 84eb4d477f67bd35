"""Builds COCO20cls: the COCO images showing any of the 20 VOC classes, with VOC category ids.

::

    python tools/dataset_converters/coco20cls.py \
        --ann-file data/coco/annotations/instances_train2017.json \
        --out data/coco/annotations/instances_train2017_coco20cls.json

See :mod:`mum.datasets.voc_to_coco` for what is kept.
"""
import argparse
import logging
import sys

from tqdm.contrib.logging import logging_redirect_tqdm

from mum.datasets.voc_to_coco import VOCConversionError, write_coco20cls


def parse_args():
    """Parses the command line."""
    parser = argparse.ArgumentParser(
        description='Keep the COCO images and annotations of the 20 VOC classes, mapped to VOC '
        'category ids 1-20.')
    parser.add_argument('--ann-file', required=True,
                        help='COCO annotation file, e.g. instances_train2017.json')
    parser.add_argument('--out', required=True, help='COCO20cls annotation file to write')
    return parser.parse_args()


def main():
    """Runs the tool; an invalid input prints one sentence and exits with status 2."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    try:
        with logging_redirect_tqdm():
            write_coco20cls(args.ann_file, args.out)
    except VOCConversionError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
