"""Generates the README demo dataset (coloured shapes in COCO format).

Example:
    python tools/misc/make_demo_data.py --out data/demo --seed 0
"""
import argparse
import dataclasses
import json
import time

from tqdm import tqdm

from mum.datasets.demo_data import DEMO_CLASSES, DEMO_SPLITS, DemoDatasetSpec, generate_demo_dataset


def parse_args() -> argparse.Namespace:
    """Parses the command line; every DemoDatasetSpec field is an option with its default."""
    defaults = DemoDatasetSpec()
    parser = argparse.ArgumentParser(
        description='Generate the deterministic multi-class shapes dataset of the README demo: '
        'images/{labeled,unlabeled,val}/*.jpg and annotations/{labeled,unlabeled,val}.json '
        '(COCO) under --out. The same arguments always give byte-identical files.',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--out', default='data/demo', help='output folder')
    parser.add_argument('--seed', type=int, default=defaults.seed, help='random seed')
    parser.add_argument('--num-labeled', type=int, default=defaults.num_labeled,
                        help='images in the labeled split')
    parser.add_argument('--num-unlabeled', type=int, default=defaults.num_unlabeled,
                        help='images in the unlabeled split (its json keeps the ground truth)')
    parser.add_argument('--num-val', type=int, default=defaults.num_val,
                        help='images in the validation split')
    parser.add_argument('--image-size', type=int, default=defaults.image_size,
                        help='long side of every image in pixels (square, landscape or portrait '
                        'canvases with a 4:3 short side)')
    parser.add_argument('--min-objects', type=int, default=defaults.min_objects,
                        help='fewest objects per image')
    parser.add_argument('--max-objects', type=int, default=defaults.max_objects,
                        help='most objects per image')
    parser.add_argument('--min-visible-fraction', type=float,
                        default=defaults.min_visible_fraction,
                        help='an occluded object keeps its box only if this fraction stays visible')
    parser.add_argument('--jpeg-quality', type=int, default=defaults.jpeg_quality,
                        help='JPEG quality of the images')
    parser.add_argument('--cover-labeled', action=argparse.BooleanOptionalAction,
                        default=defaults.cover_labeled,
                        help='draw the labeled objects\' (class, size) pairs in turn from all '
                        f'{len(DEMO_CLASSES)} x 3 pairs, so that the labeled split shows every '
                        'class at every size once it holds that many objects (each size then '
                        'gets a third of them); --no-cover-labeled draws them at random, the '
                        'demo\'s split before generator version 5')
    return parser.parse_args()


def main() -> None:
    """Generates the dataset with a progress bar and prints what was written where."""
    args = parse_args()
    spec = DemoDatasetSpec(
        **{field.name: getattr(args, field.name) for field in dataclasses.fields(DemoDatasetSpec)})
    start_time = time.perf_counter()
    with tqdm(total=sum(spec.split_sizes().values()), unit='img', desc='demo images') as bar:
        paths = generate_demo_dataset(args.out, on_image_written=lambda _: bar.update(1),
                                      **dataclasses.asdict(spec))
    elapsed = time.perf_counter() - start_time

    print(f'Wrote the demo dataset to {paths["root"]} in {elapsed:.1f} s')
    for split in DEMO_SPLITS:
        with open(paths[f'{split}_ann_file'], encoding='utf-8') as ann_file:
            coco = json.load(ann_file)
        print(f'  {split:<9} {len(coco["images"]):4d} images -> {paths[f"{split}_img_dir"]}')
        print(f'  {"":<9} {len(coco["annotations"]):4d} boxes  -> {paths[f"{split}_ann_file"]}')
        kinds = {(annotation['category_id'], annotation['attributes']['size'])
                 for annotation in coco['annotations']}
        print(f'  {"":<9} {len(kinds):4d} of the {3 * len(DEMO_CLASSES)} (class, size) pairs')
    print(f'  manifest: {paths["manifest"]}')


if __name__ == '__main__':
    main()
