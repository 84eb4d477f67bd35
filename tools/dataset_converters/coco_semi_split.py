"""Writes the COCO-Standard labeled / unlabeled splits of train2017.

Established folds (Unbiased Teacher's COCO_supervision.txt), 1 % fold 1::

    python tools/dataset_converters/coco_semi_split.py \
        --ann-file data/coco/annotations/instances_train2017.json \
        --out-dir data/coco/semi_anns --fold-file data/COCO_supervision.txt \
        --percent 1 --fold 1

Fresh splits drawn from seeds::

    python tools/dataset_converters/coco_semi_split.py \
        --ann-file data/coco/annotations/instances_train2017.json \
        --out-dir data/coco/semi_anns --percent 1 5 10 --seed 1 2 3

Any COCO file, e.g. BCCD train converted by voc_to_coco.py --voc-root, fold k = seed k::

    python tools/dataset_converters/coco_semi_split.py --percent 10 --seed 0 1 2 3 4 \
        --ann-file data/bccd/annotations/bccd_train.json --out-dir data/bccd/annotations

See :mod:`mum.datasets.splits` for the protocol and the file names.
"""
import argparse
import logging
import sys

from tqdm.contrib.logging import logging_redirect_tqdm

from mum.datasets.splits import SplitError, write_splits


def parse_args():
    """Parses the command line."""
    parser = argparse.ArgumentParser(
        description='Split a COCO annotation file into labeled / unlabeled parts '
        '({stem}.{fold}@{percent}.json and {stem}.{fold}@{percent}-unlabeled.json).')
    parser.add_argument('--ann-file', required=True,
                        help='COCO annotation file to split, e.g. instances_train2017.json')
    parser.add_argument('--out-dir', required=True, help='folder for the split files')
    parser.add_argument('--percent', type=float, nargs='+', required=True,
                        help='labeled percentage(s), e.g. 0.5 1 2 5 10')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--fold', nargs='+',
                        help='fold key(s) of --fold-file to write (keys "0" to "9" in '
                        'COCO_supervision.txt)')
    source.add_argument('--seed', type=int, nargs='+',
                        help='draw a fresh split per seed instead (named seed{seed})')
    parser.add_argument('--fold-file', help='established fold file (COCO_supervision.txt), '
                        'needed with --fold')
    args = parser.parse_args()
    if args.fold and not args.fold_file:
        parser.error('--fold needs --fold-file')
    return args


def main():
    """Runs the tool; an invalid input prints one sentence and exits with status 2."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    try:
        with logging_redirect_tqdm():
            write_splits(args.ann_file, args.out_dir, args.percent, folds=args.fold or (),
                         fold_file=args.fold_file, seeds=args.seed or ())
    except SplitError as error:
        print(error, file=sys.stderr)
        sys.exit(2)


if __name__ == '__main__':
    main()
