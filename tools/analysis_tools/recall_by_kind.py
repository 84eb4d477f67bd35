"""Which objects a teacher's pseudo-labels find, by class, size and annotated attribute.

    python tools/test.py CONFIG CHECKPOINT --out unlabeled.pkl --cfg-options \\
        test_dataloader.dataset.ann_file=annotations/unlabeled.json \\
        test_dataloader.dataset.data_prefix.img=images/unlabeled/ \\
        test_evaluator.ann_file=data/demo/annotations/unlabeled.json
    python tools/analysis_tools/recall_by_kind.py data/demo/annotations/unlabeled.json \\
        A.pkl [B.pkl ...] [--names A B ...] [--score-thr 0.7] [--iou-thr 0.5] \\
        [--taken-for-min 1] [--out table.md]

The first command has the teacher predict on the unlabeled images (any split with ground truth
will do); this one keeps its boxes scoring at least --score-thr (the pseudo-label threshold tau)
and prints, for every kind of ground-truth object (class, COCO area range, each key of the
annotations' ``attributes``), the share that such a box finds, with the overall precision,
recall and boxes per image; then, per class, the share of its objects that such a box of
another class covers instead (pseudo-labels that would teach the wrong class; pairs under
--taken-for-min percent in every file are left out). One column per prediction file; files
given the same --names entry (e.g. the seeds of one method) share a column of mean ± std.

The test pipeline's single scale stands in for the weak view the teacher sees in training (a
random scale and flip), so the numbers are close to, not equal to, the training log's.
"""
import argparse
import os.path as osp
import pickle
import sys
from typing import Dict, List

from mum.analysis.mean_std import mean_std
from mum.analysis.recall_by_kind import RecallByKind, recall_by_kind
from mum.datasets.splits import SplitError, load_coco_json
from mum.utils.safe_pickle import load_data_pickle


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('ann_file', help='COCO json of the predicted images, with ground truth')
    parser.add_argument('predictions', nargs='+', help='pickles written by tools/test.py --out')
    parser.add_argument('--names', nargs='+',
                        help='a column name per prediction file (default: the file names); '
                        'files with the same name are averaged')
    parser.add_argument('--score-thr', type=float, default=0.7,
                        help='boxes scoring at least this count (default 0.7, the recipes\' tau)')
    parser.add_argument('--iou-thr', type=float, default=0.5, help='smallest IoU of a match')
    parser.add_argument('--taken-for-min', type=float, default=1.0, metavar='PERCENT',
                        help='list a (class, other class) confusion when it reaches this share '
                        'of the class in some prediction file (default 1)')
    parser.add_argument('--out', help='also write the table to this markdown file')
    args = parser.parse_args(argv)
    if args.names is not None and len(args.names) != len(args.predictions):
        parser.error(f'--names gives {len(args.names)} names for {len(args.predictions)} '
                     'prediction files; give one per file.')
    return args


def load_annotations(path: str) -> dict:
    """The COCO dict at ``path``; SystemExit with one sentence if it is unusable."""
    try:
        coco = load_coco_json(path)
    except SplitError as error:
        raise SystemExit(str(error))
    if not isinstance(coco.get('categories'), list):
        raise SystemExit(f'COCO annotation file {path} has no list under key categories.')
    return coco


def load_predictions(path: str) -> List[dict]:
    """The predictions in ``path``; SystemExit with one sentence if they are not test.py's."""
    try:
        with open(path, 'rb') as pickle_file:
            predictions = load_data_pickle(pickle_file)
    except (OSError, pickle.UnpicklingError, EOFError) as error:
        raise SystemExit(f'Prediction file {path!r} could not be read as a pickle: {error}.')
    if not isinstance(predictions, list) or not all(
            isinstance(p, dict) and 'img_id' in p and 'pred_instances' in p for p in predictions):
        raise SystemExit(f'Prediction file {path!r} is not a list of dicts with img_id and '
                         'pred_instances: expected the file tools/test.py --out writes.')
    return predictions


def markdown_table(results: Dict[str, List[RecallByKind]]) -> str:
    """One row per overall number and per kind of object, one column per name."""
    names = list(results)
    lines = ['| | ground-truth boxes | ' + ' | '.join(names) + ' |',
             '|---|---|' + '---|' * len(names)]
    for label, field in (('precision (%)', 'precision'), ('recall (%)', 'recall')):
        cells = [mean_std([getattr(r, field) for r in results[n]], True) for n in names]
        lines.append(f'| {label} | | ' + ' | '.join(cells) + ' |')
    cells = [mean_std([r.boxes_per_image for r in results[n]], False) for n in names]
    lines.append('| boxes per image | | ' + ' | '.join(cells) + ' |')
    # every file covers the annotation file's images (recall_by_kind checks): same kinds, totals
    for group, kinds in results[names[0]][0].groups.items():
        for kind, counts in kinds.items():
            cells = [mean_std([r.groups[group][kind].recall for r in results[n]], True)
                     for n in names]
            lines.append(f'| recall of {group} = {kind} (%) | {counts.total} | ' +
                         ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def taken_for_table(results: Dict[str, List[RecallByKind]], min_percent: float) -> str:
    """One row per (class, other class) pair: the share of the class's objects taken for the
    other class, one column per name; ordered by the pair's largest share in any one prediction
    file, and only pairs where that reaches ``min_percent``; '' when none does."""
    names = list(results)
    totals = {kind: counts.total
              for kind, counts in results[names[0]][0].groups.get('class', {}).items()}

    def share(result: RecallByKind, true_name: str, other: str) -> float:
        return result.taken_for.get(true_name, {}).get(other, 0) / totals[true_name]

    runs = [result for name in names for result in results[name]]
    seen = {(true_name, other) for result in runs
            for true_name, others in result.taken_for.items() for other in others}
    largest = {pair: max(share(result, *pair) for result in runs) for pair in seen}
    pairs = sorted((pair for pair, value in largest.items() if 100 * value >= min_percent),
                   key=lambda pair: (-largest[pair], pair))
    if not pairs:
        return ''
    lines = ['| taken for another class | ground-truth boxes | ' + ' | '.join(names) + ' |',
             '|---|---|' + '---|' * len(names)]
    for true_name, other in pairs:
        cells = [mean_std([share(r, true_name, other) for r in results[n]], True) for n in names]
        lines.append(f'| {true_name} as {other} (%) | {totals[true_name]} | ' +
                     ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def main(argv=None) -> None:
    args = parse_args(argv)
    coco = load_annotations(args.ann_file)
    names = args.names or [osp.splitext(osp.basename(p))[0] for p in args.predictions]
    results: Dict[str, List[RecallByKind]] = {}
    for name, path in zip(names, args.predictions):
        try:
            result = recall_by_kind(load_predictions(path), coco, args.score_thr, args.iou_thr)
        except ValueError as error:
            raise SystemExit(f'{error} (annotation file {args.ann_file}, predictions {path})')
        results.setdefault(name, []).append(result)
    table = (f'Boxes scoring >= {args.score_thr}, matched at IoU >= {args.iou_thr} '
             f'against {args.ann_file}.\n\n' + markdown_table(results))
    confusions = taken_for_table(results, args.taken_for_min)
    if confusions:
        table += ('\nObjects that no such box of their class found but one of another class '
                  f'covers (IoU >= {args.iou_thr}; pairs reaching {args.taken_for_min} % in '
                  'some file):\n\n' + confusions)
    sys.stdout.write(table)
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as out_file:
            out_file.write(table)


if __name__ == '__main__':
    main()
