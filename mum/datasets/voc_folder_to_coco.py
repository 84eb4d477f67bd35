"""A VOC-layout folder of your own (e.g. BCCD) as one COCO JSON file per image set.

The folder holds ``Annotations/{id}.xml``, ``ImageSets/Main/{split}.txt`` and
``JPEGImages/{id}.jpg``; each listed image set becomes ``{name}_{split}.json`` (``name``
defaults to the folder's name: ``bccd_train.json``, ``bccd_val.json``...).

* ``file_name`` is ``JPEGImages/{id}.jpg``, relative to the VOC folder, so a config's
  ``data_root`` is that folder.
* Classes: a given list keeps its order; otherwise the names found in the XML files of the
  converted image sets, sorted by Python's string order (case-sensitive: BCCD gives
  ``Platelets, RBC, WBC``). Category ids are 1 to K in that order, the same in every file of one
  conversion (convert all image sets in one call, or give the classes, to keep them equal).
* Image ids: the number made of the digits of the VOC id (``BloodImage_00001`` -> 1,
  ``2008_000008`` -> 2008000008) when every ``Annotations/*.xml`` of the folder has digits in
  its name, no two give the same number and all fit in int64; otherwise the 1-based position of
  the id in the sorted list of the folder's ``Annotations/*.xml`` names. Either way an id depends
  only on the folder, not on which image sets are converted. The log says which rule applied.
* Boxes follow the VOC benchmark's convention (:func:`mum.datasets.voc_to_coco.clip_voc_box`:
  1-based inclusive indices, clipped to the image, clipping counted). Difficult objects are kept
  as ground truth (``difficult`` recorded) unless ``drop_difficult``.
* Real annotations have flaws that must not stop a conversion nor vanish unnoticed. These boxes
  are dropped, counted per image set and named in one warning line per kind, with their XML
  files: degenerate boxes (``xmax <= xmin`` or ``ymax <= ymin``: an inverted box, or a point or
  line; VOC's inclusive indices would read ``xmax == xmin`` as one pixel wide, but annotation
  tools draw no such boxes, so it is a slip of the annotator; BCCD has two), boxes with no part
  inside the image, and boxes of a class outside a given class list. An image left without boxes
  stays listed with none.
* Bad input stops the conversion with :class:`~mum.datasets.voc_to_coco.VOCConversionError`
  naming the file, before anything is written: a missing folder, image-set list, XML file or
  image, an unreadable XML file, an image size that is not positive.
"""
import json
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from .voc_to_coco import VOCConversionError, clip_voc_box, read_voc_xml

logger = logging.getLogger(__name__)

MAX_IMAGE_ID = 2**63 - 1  # ids are int64 in pycocotools' arrays
MAX_NAMED_FILES = 20  # XML files named in one warning line; the count covers the rest

# why a box is dropped -> (what the summary line calls it, what the warning line says)
DROP_REASONS = {
    'degenerate': ('degenerate', 'degenerate boxes (xmax <= xmin or ymax <= ymin)'),
    'outside': ('outside the image', 'boxes with no part inside the image'),
    'other_class': ('of other classes', 'boxes of classes not in the class list'),
}


def voc_folder_file_name(name: str, split: str) -> str:
    """Returns the output file name of one image set, e.g. ``bccd_train.json``."""
    return f'{name}_{split}.json'


def voc_folder_image_ids(voc_ids: Sequence[str]) -> Tuple[Dict[str, int], str]:
    """Gives every VOC id of a folder a unique integer image id (rule in the module doc).

    Args:
        voc_ids: The names of every ``Annotations/*.xml`` of the folder, without ``.xml``.

    Returns:
        ``(image id by VOC id, the rule that applied, for the log)``.
    """
    digits = {voc_id: ''.join(re.findall('[0-9]', voc_id)) for voc_id in voc_ids}
    numbers = {voc_id: int(text) for voc_id, text in digits.items() if text}
    if (len(numbers) == len(voc_ids) and len(set(numbers.values())) == len(numbers)
            and all(number <= MAX_IMAGE_ID for number in numbers.values())):
        return numbers, 'the digits of each id'
    positions = {voc_id: position for position, voc_id in enumerate(sorted(voc_ids), start=1)}
    return positions, ('the position in the sorted Annotations/ list (some ids have no digits, '
                       'or share the same digits)')


def read_image_set(voc_root: Path, split: str) -> List[str]:
    """Returns the VOC ids listed by ``ImageSets/Main/{split}.txt``, in file order.

    Raises:
        VOCConversionError: If the list does not exist or names an id twice.
    """
    set_file = voc_root / 'ImageSets' / 'Main' / f'{split}.txt'
    if not set_file.is_file():
        raise VOCConversionError(f'VOC image-set list {set_file} does not exist.')
    voc_ids = [line.split()[0] for line in set_file.read_text().splitlines() if line.strip()]
    repeated = sorted(voc_id for voc_id, count in Counter(voc_ids).items() if count > 1)
    if repeated:
        raise VOCConversionError(f'VOC image-set list {set_file} names {repeated} more than once.')
    return voc_ids


def read_annotation(voc_root: Path, voc_id: str) -> Tuple[float, float, List[dict]]:
    """Reads ``Annotations/{voc_id}.xml`` and checks the image and its size.

    Returns:
        ``(width, height, objects)`` as :func:`~mum.datasets.voc_to_coco.read_voc_xml` gives them.

    Raises:
        VOCConversionError: If the XML file or the image is missing, the XML file is unreadable,
            or the image size is not positive.
    """
    xml_path = voc_root / 'Annotations' / f'{voc_id}.xml'
    width, height, objects = read_voc_xml(xml_path)
    if width <= 0 or height <= 0:
        raise VOCConversionError(f'VOC annotation {xml_path} gives the image size '
                                 f'{width:g}x{height:g}; width and height must be positive.')
    image_path = voc_root / 'JPEGImages' / f'{voc_id}.jpg'
    if not image_path.is_file():
        raise VOCConversionError(f'Image {image_path} of VOC annotation {xml_path} does not exist.')
    return width, height, objects


def category_names(objects_by_id: Dict[str, List[dict]],
                   classes: Optional[Sequence[str]]) -> List[str]:
    """Returns the class list: ``classes`` as given, else the sorted names of the objects.

    Raises:
        VOCConversionError: If ``classes`` repeats a name, or no class is given or found.
    """
    if classes:
        repeated = sorted(name for name, count in Counter(classes).items() if count > 1)
        if repeated:
            raise VOCConversionError(f'The class list names {repeated} more than once.')
        return list(classes)
    names = sorted({voc_object['name'] for objects in objects_by_id.values()
                    for voc_object in objects})
    if not names:
        raise VOCConversionError('The XML files of the image sets hold no object, so no class '
                                 'list can be read from them; give the classes.')
    return names


def named_files(xml_names: Sequence[str]) -> str:
    """Lists XML file names for a log line: the first MAX_NAMED_FILES, then how many more."""
    unique = sorted(set(xml_names))
    text = ', '.join(unique[:MAX_NAMED_FILES])
    if len(unique) > MAX_NAMED_FILES:
        text += f' and {len(unique) - MAX_NAMED_FILES} more files'
    return text


def convert_image_set(voc_root: Path, split: str, voc_ids: Sequence[str],
                      annotations_by_id: Dict[str, Tuple[float, float, List[dict]]],
                      image_id_of: Dict[str, int], categories: List[dict],
                      drop_difficult: bool) -> dict:
    """Converts one image set to a COCO dict, dropping, counting and logging flawed boxes.

    Args:
        voc_root: The VOC folder, for the log.
        split: The image-set name, for the log.
        voc_ids: The ids of the image set, in list order.
        annotations_by_id: ``(width, height, objects)`` of every id, read already.
        image_id_of: The image id of every VOC id of the folder.
        categories: The COCO categories, ids 1 to K.
        drop_difficult: Leave out difficult objects instead of keeping them as ground truth.

    Returns:
        A COCO dict with ``images``, ``annotations`` and ``categories``.
    """
    category_id_of = {category['name']: category['id'] for category in categories}
    images, annotations = [], []
    dropped_in = defaultdict(list)  # reason -> XML file name of each dropped box
    other_classes = Counter()
    num_clipped = num_difficult = 0
    for voc_id in voc_ids:
        width, height, objects = annotations_by_id[voc_id]
        image_id = image_id_of[voc_id]
        images.append({'id': image_id, 'file_name': f'JPEGImages/{voc_id}.jpg',
                       'width': int(width), 'height': int(height)})
        for voc_object in objects:
            xmin, ymin, xmax, ymax = voc_object['box']
            coco_box = None
            if voc_object['name'] not in category_id_of:
                reason = 'other_class'
                other_classes[voc_object['name']] += 1
            elif xmax <= xmin or ymax <= ymin:
                reason = 'degenerate'
            else:
                coco_box = clip_voc_box(voc_object['box'], width, height)
                reason = 'outside' if coco_box is None else None
            if reason:
                dropped_in[reason].append(f'{voc_id}.xml')
                continue
            num_difficult += voc_object['difficult']
            if drop_difficult and voc_object['difficult']:
                continue
            bbox, clipped = coco_box
            num_clipped += clipped
            annotations.append({'id': len(annotations) + 1, 'image_id': image_id,
                                'category_id': category_id_of[voc_object['name']], 'bbox': bbox,
                                'area': bbox[2] * bbox[3], 'iscrowd': 0,
                                'difficult': voc_object['difficult']})
    logger.info('%s: %d images, %d boxes; %d difficult boxes %s; %d boxes clipped to the image; '
                'dropped: %s', split, len(images), len(annotations), num_difficult,
                'dropped' if drop_difficult else 'kept', num_clipped,
                ', '.join(f'{len(dropped_in[reason])} {short}'
                          for reason, (short, _) in DROP_REASONS.items()))
    for reason, (_, description) in DROP_REASONS.items():
        if dropped_in[reason]:
            class_counts = f' {dict(other_classes)}' if reason == 'other_class' else ''
            logger.warning('%s: dropped %d %s%s, in %s', split, len(dropped_in[reason]),
                           description, class_counts,
                           named_files([str(voc_root / 'Annotations' / xml_name)
                                        for xml_name in dropped_in[reason]]))
    return {'images': images, 'annotations': annotations, 'categories': categories}


def convert_voc_folder(voc_root: Path, splits: Sequence[str],
                       classes: Optional[Sequence[str]] = None,
                       drop_difficult: bool = False) -> Dict[str, dict]:
    """Converts image sets of one VOC-layout folder to COCO dicts with the same categories.

    Args:
        voc_root: The folder holding ``Annotations/``, ``ImageSets/Main/`` and ``JPEGImages/``.
        splits: ``ImageSets/Main`` list names, e.g. ``['train', 'val', 'test']``.
        classes: The class names in label order; None reads them from the XML files.
        drop_difficult: Leave out difficult objects.

    Returns:
        ``{split: COCO dict}`` in ``splits`` order.

    Raises:
        VOCConversionError: If an input folder or file is missing or invalid.
    """
    voc_root = Path(voc_root)
    for folder in (voc_root, voc_root / 'Annotations', voc_root / 'ImageSets' / 'Main'):
        if not folder.is_dir():
            raise VOCConversionError(f'VOC folder {folder} does not exist.')
    ids_by_split = {split: read_image_set(voc_root, split) for split in splits}
    annotations_by_id = {voc_id: read_annotation(voc_root, voc_id)
                         for voc_ids in ids_by_split.values() for voc_id in voc_ids}
    names = category_names({voc_id: objects for voc_id, (_, _, objects)
                            in annotations_by_id.items()}, classes)
    categories = [{'id': category_id, 'name': name, 'supercategory': 'none'}
                  for category_id, name in enumerate(names, start=1)]
    image_id_of, rule = voc_folder_image_ids(
        [path.stem for path in (voc_root / 'Annotations').glob('*.xml')])
    logger.info('%s: classes %s (category ids 1 to %d, %s); image ids from %s', voc_root,
                names, len(names), 'as given' if classes else 'sorted names of the XML files',
                rule)
    return {split: convert_image_set(voc_root, split, voc_ids, annotations_by_id, image_id_of,
                                     categories, drop_difficult)
            for split, voc_ids in ids_by_split.items()}


def write_voc_folder(voc_root: Path, out_dir: Path, splits: Sequence[str],
                     name: Optional[str] = None, classes: Optional[Sequence[str]] = None,
                     drop_difficult: bool = False) -> List[Path]:
    """Converts image sets of a VOC-layout folder, each to ``out_dir/{name}_{split}.json``.

    Args:
        voc_root: The VOC folder.
        out_dir: Folder for the COCO files; created if missing.
        splits: ``ImageSets/Main`` list names.
        name: The files' prefix; None takes the VOC folder's name.
        classes: The class names in label order; None reads them from the XML files.
        drop_difficult: Leave out difficult objects.

    Returns:
        The written paths, in ``splits`` order.

    Raises:
        VOCConversionError: If an input is missing or invalid (nothing is written then).
    """
    voc_root = Path(voc_root)
    coco_by_split = convert_voc_folder(voc_root, splits, classes, drop_difficult)
    name = name or voc_root.resolve().name
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for split, coco in coco_by_split.items():
        out_file = out_dir / voc_folder_file_name(name, split)
        with out_file.open('w', encoding='utf-8') as file:
            json.dump(coco, file, separators=(',', ':'))
        written.append(out_file)
    return written
