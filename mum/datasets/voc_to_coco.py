"""PASCAL VOC annotations as COCO JSON, and the COCO20cls subset of COCO, for the VOC protocol.

The VOC protocol trains on VOC07 trainval (labeled) with VOC12 trainval, optionally plus
COCO20cls, as unlabeled data, and tests on VOC07 test. Both sources are written as COCO files
over the same 20 categories, ids 1 to 20 in :data:`VOC_CLASSES` order, so one
``CocoDataset`` class list serves every file.

VOC conventions used here:

* Boxes: VOC stores 1-based, inclusive pixel indices ``xmin..xmax``. Pixel ``i`` (1-based)
  covers the continuous range ``[i - 1, i)``, so the box is ``[xmin - 1, xmax)`` and the COCO
  box is ``x = xmin - 1, y = ymin - 1, w = xmax - xmin + 1, h = ymax - ymin + 1`` (detectron2's
  VOC loader, which MUM used, makes the same box). A box reaching past the image is clipped to
  ``[0, width] x [0, height]`` and counted in the log; a box that is inverted
  (``xmax < xmin``) or has no area left after clipping is an error naming the XML file: the
  benchmark's files are curated, so such a box means a damaged copy, and dropping it would
  change the benchmark's ground truth. A VOC-layout folder of your own (e.g. BCCD) is converted
  by :mod:`mum.datasets.voc_folder_to_coco`, which drops, counts and logs flawed boxes instead.
* Difficult objects are kept as ordinary ground truth (``iscrowd = 0``) because the protocol
  evaluates them as such; each annotation also records ``difficult`` (0 or 1).
  ``drop_difficult=True`` removes them instead (an image whose every object is difficult then
  stays listed with no annotations).
* ``file_name`` is relative to the ``VOCdevkit`` folder (``VOC2007/JPEGImages/000005.jpg``) so
  one ``data_root`` serves VOC07 and VOC12.
* Image ids are the year followed by the VOC id without underscores:
  ``2007`` + ``000005`` -> ``2007000005``, ``2012`` + ``2008_000008`` -> ``20122008000008``.
  VOC07 ids have 10 digits and VOC12 ids 14, so ids stay unique when the files are merged.

COCO20cls keeps the train2017 images that show at least one object of the 20 VOC classes, with
only the annotations of those classes, mapped to the VOC ids. Images that also show objects of
other classes are kept (the UT / MUM protocol uses all of them as unlabeled images); only images
with no VOC-class object at all are dropped.
"""
import json
import logging
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from tqdm import tqdm

from .splits import load_coco_json

logger = logging.getLogger(__name__)

VOC_CLASSES = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair',
               'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant',
               'sheep', 'sofa', 'train', 'tvmonitor')

# COCO category names of the VOC classes, in VOC_CLASSES order.
COCO_NAMES_OF_VOC_CLASSES = ('airplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
                             'chair', 'cow', 'dining table', 'dog', 'horse', 'motorcycle',
                             'person', 'potted plant', 'sheep', 'couch', 'train', 'tv')

VOC_CATEGORIES = [{'id': category_id, 'name': name, 'supercategory': 'none'}
                  for category_id, name in enumerate(VOC_CLASSES, start=1)]

# The VOC image sets of the protocol, as (year, split).
DEFAULT_VOC_SETS = (('2007', 'trainval'), ('2007', 'test'), ('2012', 'trainval'))


class VOCConversionError(ValueError):
    """An input file of a conversion is missing or invalid; the message names the file."""


def voc_image_id(year: str, voc_id: str) -> int:
    """Returns the image id ``int(year + voc_id without underscores)``.

    Raises:
        VOCConversionError: If the VOC id is not digits and underscores.
    """
    digits = voc_id.replace('_', '')
    if not digits.isdigit():
        raise VOCConversionError(f'VOC{year} image id {voc_id!r} is not made of digits and '
                                 'underscores, so no numeric COCO image id can be derived.')
    return int(year + digits)


def voc_set_file_name(year: str, split: str) -> str:
    """Returns the output file name of a VOC image set, e.g. ``voc07_trainval.json``."""
    return f'voc{year[2:]}_{split}.json'


def _child_text(element: ElementTree.Element, tag: str, xml_path: Path) -> str:
    """Returns the stripped text of a required child element."""
    child = element.find(tag)
    if child is None or child.text is None or not child.text.strip():
        raise VOCConversionError(f'VOC annotation {xml_path} has no <{tag}> in <{element.tag}>.')
    return child.text.strip()


def _child_number(element: ElementTree.Element, tag: str, xml_path: Path) -> float:
    """Returns a required child element's text as a number."""
    text = _child_text(element, tag, xml_path)
    try:
        return float(text)
    except ValueError:
        raise VOCConversionError(
            f'VOC annotation {xml_path}: <{tag}> is {text!r}, not a number.') from None


def clip_voc_box(box: Sequence[float], width: float,
                 height: float) -> Optional[Tuple[List[float], bool]]:
    """Converts a VOC box to a COCO box clipped to the image.

    Args:
        box: ``(xmin, ymin, xmax, ymax)``, 1-based inclusive pixel indices, ``max >= min``.
        width: Image width in pixels.
        height: Image height in pixels.

    Returns:
        ``([x, y, w, h], clipped)``: the box ``[xmin - 1, xmax) x [ymin - 1, ymax)`` clipped to
        ``[0, width] x [0, height]``, and whether clipping changed it; None if no part of the box
        lies inside the image.
    """
    xmin, ymin, xmax, ymax = box
    left, top, right, bottom = xmin - 1, ymin - 1, xmax, ymax
    clipped_left, clipped_top = max(left, 0.0), max(top, 0.0)
    clipped_right, clipped_bottom = min(right, width), min(bottom, height)
    if clipped_right <= clipped_left or clipped_bottom <= clipped_top:
        return None
    clipped = (clipped_left, clipped_top, clipped_right, clipped_bottom) != (left, top, right,
                                                                             bottom)
    return [clipped_left, clipped_top, clipped_right - clipped_left,
            clipped_bottom - clipped_top], clipped


def voc_box_to_coco(box: Sequence[float], width: float, height: float,
                    xml_path: Path) -> Tuple[List[float], bool]:
    """Converts a VOC box to a COCO box clipped to the image (:func:`clip_voc_box`), strictly.

    Args:
        box: ``(xmin, ymin, xmax, ymax)``, 1-based inclusive pixel indices.
        width: Image width in pixels.
        height: Image height in pixels.
        xml_path: The XML file, for error messages.

    Returns:
        ``([x, y, w, h], clipped)`` as :func:`clip_voc_box` returns it.

    Raises:
        VOCConversionError: If the box is inverted or lies entirely outside the image.
    """
    xmin, ymin, xmax, ymax = box
    if xmax < xmin or ymax < ymin:
        raise VOCConversionError(f'VOC annotation {xml_path}: box {list(box)} has max < min.')
    coco_box = clip_voc_box(box, width, height)
    if coco_box is None:
        raise VOCConversionError(f'VOC annotation {xml_path}: box {list(box)} lies outside the '
                                 f'{width:g}x{height:g} image.')
    return coco_box


def read_voc_xml(xml_path: Path) -> Tuple[float, float, List[dict]]:
    """Reads the image size and the objects of one VOC annotation file, whatever their classes.

    Args:
        xml_path: ``Annotations/{id}.xml``.

    Returns:
        ``(width, height, objects)`` with each object a dict of ``name`` (the class name, stripped),
        ``box`` (VOC ``xmin, ymin, xmax, ymax``) and ``difficult`` (0 or 1).

    Raises:
        VOCConversionError: If the file is missing or malformed or lacks a required field.
    """
    if not xml_path.is_file():
        raise VOCConversionError(f'VOC annotation {xml_path} does not exist.')
    try:
        root = ElementTree.parse(xml_path).getroot()
    except ElementTree.ParseError as error:
        raise VOCConversionError(f'VOC annotation {xml_path} is not valid XML ({error}).') from None
    size = root.find('size')
    if size is None:
        raise VOCConversionError(f'VOC annotation {xml_path} has no <size>.')
    width, height = _child_number(size, 'width', xml_path), _child_number(size, 'height', xml_path)
    objects = []
    for element in root.findall('object'):
        name = _child_text(element, 'name', xml_path)
        box_element = element.find('bndbox')
        if box_element is None:
            raise VOCConversionError(f'VOC annotation {xml_path} has an object without <bndbox>.')
        difficult = element.find('difficult')
        objects.append({
            'name': name,
            'box': [_child_number(box_element, tag, xml_path)
                    for tag in ('xmin', 'ymin', 'xmax', 'ymax')],
            'difficult': int(difficult is not None and (difficult.text or '').strip() == '1'),
        })
    return width, height, objects


def parse_voc_xml(xml_path: Path) -> Tuple[float, float, List[dict]]:
    """Reads one annotation file of the VOC benchmark (:func:`read_voc_xml`), 20 classes only.

    Args:
        xml_path: ``Annotations/{id}.xml``.

    Returns:
        ``(width, height, objects)`` with each object a dict of ``category_id`` (1 to 20),
        ``box`` (VOC ``xmin, ymin, xmax, ymax``) and ``difficult`` (0 or 1).

    Raises:
        VOCConversionError: If the file is missing or malformed, lacks a required field, or
            names a class outside :data:`VOC_CLASSES`.
    """
    width, height, objects = read_voc_xml(xml_path)
    for voc_object in objects:
        name = voc_object.pop('name')
        if name not in VOC_CLASSES:
            raise VOCConversionError(f'VOC annotation {xml_path} names unknown class {name!r}.')
        voc_object['category_id'] = VOC_CLASSES.index(name) + 1
    return width, height, objects


def convert_voc_set(devkit_root: Path, year: str, split: str,
                    drop_difficult: bool = False) -> dict:
    """Converts one VOC image set (e.g. VOC2007 trainval) to a COCO dict.

    Args:
        devkit_root: The ``VOCdevkit`` folder holding ``VOC{year}``.
        year: ``'2007'`` or ``'2012'``.
        split: An ``ImageSets/Main`` list name, e.g. ``'trainval'`` or ``'test'``.
        drop_difficult: Leave out difficult objects instead of keeping them as ground truth.

    Returns:
        A COCO dict with ``images``, ``annotations`` and the 20 VOC ``categories``.

    Raises:
        VOCConversionError: If the image-set list or an annotation file is missing or invalid.
    """
    voc_root = Path(devkit_root) / f'VOC{year}'
    set_file = voc_root / 'ImageSets' / 'Main' / f'{split}.txt'
    if not set_file.is_file():
        raise VOCConversionError(f'VOC image-set list {set_file} does not exist.')
    voc_ids = [line.strip() for line in set_file.read_text().splitlines() if line.strip()]
    images, annotations = [], []
    num_clipped = num_difficult = 0
    for voc_id in tqdm(voc_ids, desc=f'VOC{year} {split}', unit='img'):
        xml_path = voc_root / 'Annotations' / f'{voc_id}.xml'
        width, height, objects = parse_voc_xml(xml_path)
        image_id = voc_image_id(year, voc_id)
        images.append({'id': image_id, 'file_name': f'VOC{year}/JPEGImages/{voc_id}.jpg',
                       'width': int(width), 'height': int(height)})
        for voc_object in objects:
            num_difficult += voc_object['difficult']
            if drop_difficult and voc_object['difficult']:
                continue
            bbox, clipped = voc_box_to_coco(voc_object['box'], width, height, xml_path)
            num_clipped += clipped
            annotations.append({'id': len(annotations) + 1, 'image_id': image_id,
                                'category_id': voc_object['category_id'], 'bbox': bbox,
                                'area': bbox[2] * bbox[3], 'iscrowd': 0,
                                'difficult': voc_object['difficult']})
    logger.info('VOC%s %s: %d images, %d boxes; %d difficult boxes %s; %d boxes clipped to the '
                'image', year, split, len(images), len(annotations), num_difficult,
                'dropped' if drop_difficult else 'kept', num_clipped)
    return {'images': images, 'annotations': annotations, 'categories': VOC_CATEGORIES}


def write_voc_sets(devkit_root: Path, out_dir: Path,
                   voc_sets: Sequence[Tuple[str, str]] = DEFAULT_VOC_SETS,
                   drop_difficult: bool = False) -> List[Path]:
    """Converts VOC image sets, each to ``out_dir/voc{yy}_{split}.json``.

    Args:
        devkit_root: The ``VOCdevkit`` folder.
        out_dir: Folder for the COCO files; created if missing.
        voc_sets: ``(year, split)`` pairs to convert.
        drop_difficult: Leave out difficult objects.

    Returns:
        The written paths, in ``voc_sets`` order.

    Raises:
        VOCConversionError: If an input file is missing or invalid.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for year, split in voc_sets:
        coco = convert_voc_set(devkit_root, year, split, drop_difficult)
        out_file = out_dir / voc_set_file_name(year, split)
        with out_file.open('w', encoding='utf-8') as file:
            json.dump(coco, file, separators=(',', ':'))
        written.append(out_file)
    return written


def build_coco20cls(coco: dict, source: str = 'the annotation file') -> dict:
    """Keeps the images and annotations of the 20 VOC classes, with VOC category ids.

    Args:
        coco: A COCO dict (train2017) with ``images``, ``annotations`` and ``categories``.
        source: Name of the file ``coco`` came from, for messages.

    Returns:
        A COCO dict listing the images with at least one VOC-class annotation (crowd or not) in
        their original order, those annotations with ``category_id`` mapped to 1 to 20, the 20
        :data:`VOC_CATEGORIES`, and every other top-level key unchanged.

    Raises:
        VOCConversionError: If ``categories`` is missing or lacks one of the 20 classes.
    """
    coco_ids_by_name = {category['name']: category['id']
                        for category in coco.get('categories') or []}
    missing = [name for name in COCO_NAMES_OF_VOC_CLASSES if name not in coco_ids_by_name]
    if missing:
        raise VOCConversionError(f'{source} has no COCO categories named {missing}.')
    voc_id_by_coco_id = {coco_ids_by_name[name]: voc_id
                         for voc_id, name in enumerate(COCO_NAMES_OF_VOC_CLASSES, start=1)}
    annotations = [dict(annotation, category_id=voc_id_by_coco_id[annotation['category_id']])
                   for annotation in coco['annotations']
                   if annotation['category_id'] in voc_id_by_coco_id]
    kept_image_ids = {annotation['image_id'] for annotation in annotations}
    mixed_image_ids = {annotation['image_id'] for annotation in coco['annotations']
                       if annotation['category_id'] not in voc_id_by_coco_id} & kept_image_ids
    result = {key: value for key, value in coco.items()
              if key not in ('images', 'annotations', 'categories')}
    result['images'] = [image for image in coco['images'] if image['id'] in kept_image_ids]
    result['annotations'] = annotations
    result['categories'] = VOC_CATEGORIES
    logger.info('%s: kept %d of %d images (%d of them also show other classes, whose boxes are '
                'dropped), %d of %d annotations', source, len(result['images']),
                len(coco['images']), len(mixed_image_ids), len(annotations),
                len(coco['annotations']))
    return result


def write_coco20cls(ann_file: Path, out_file: Path) -> dict:
    """Builds COCO20cls from a COCO annotation file and writes it.

    Args:
        ann_file: COCO annotation file, e.g. ``instances_train2017.json``.
        out_file: Where to write the COCO20cls file; its folder is created if missing.

    Returns:
        The COCO20cls dict that was written.

    Raises:
        VOCConversionError: If ``ann_file`` is missing or invalid.
    """
    coco = load_coco_json(ann_file, VOCConversionError)
    coco20cls = build_coco20cls(coco, str(ann_file))
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with out_file.open('w', encoding='utf-8') as file:
        json.dump(coco20cls, file, separators=(',', ':'))
    return coco20cls
