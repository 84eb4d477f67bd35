"""A folder-of-classes image dataset (ImageNet layout) for the classification experiment."""
import logging
import os
import os.path as osp
from typing import List

from mmdet.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


@DATASETS.register_module()
class ImageFolderDataset(BaseDataset):
    """Images in one sub-folder per class: ``<data_root>/<data_prefix.img>/<class>/<image>``.

    mmdet has no classification dataset and mmpretrain (which has one) would be a new dependency
    for one experiment, hence this class. Classes are the sub-folder names, sorted, unless
    ``metainfo=dict(classes=...)`` fixes them (then every listed folder must exist and other
    folders are an error, so train and val agree on label indices). Files that are not images
    (by extension) are counted and logged, never silently dropped; an empty class folder is an
    error. Each data item is ``dict(img_path=..., gt_label=int)``.

    Args:
        **kwargs: Arguments of mmengine's ``BaseDataset`` (``data_root``,
            ``data_prefix=dict(img=...)``, ``pipeline``, ``metainfo``, ``test_mode``, ...).
    """
    METAINFO = dict(classes=None)

    def load_data_list(self) -> List[dict]:
        """Lists every image of every class folder, sorted, with its class index."""
        root = self.data_prefix.get('img', '') or self.data_root
        if not osp.isdir(root):
            raise FileNotFoundError(f'ImageFolderDataset: image folder {root} does not exist; '
                                    'expected one sub-folder of images per class.')
        found = sorted(d for d in os.listdir(root) if osp.isdir(osp.join(root, d)))
        classes = self._metainfo.get('classes')
        if classes is None:
            classes = tuple(found)
            self._metainfo['classes'] = classes
        elif sorted(classes) != found:
            missing, extra = sorted(set(classes) - set(found)), sorted(set(found) - set(classes))
            raise ValueError(f'ImageFolderDataset: the class folders in {root} do not match '
                             f'metainfo classes (missing: {missing[:5]}, not listed: '
                             f'{extra[:5]}).')
        if not classes:
            raise ValueError(f'ImageFolderDataset: {root} has no class sub-folder.')
        data_list, skipped = [], 0
        for label, name in enumerate(classes):
            folder = osp.join(root, name)
            files = sorted(os.listdir(folder))
            images = [f for f in files if f.lower().endswith(IMAGE_EXTENSIONS)]
            skipped += len(files) - len(images)
            if not images:
                raise ValueError(f'ImageFolderDataset: class folder {folder} holds no image '
                                 f'(extensions {IMAGE_EXTENSIONS}).')
            data_list += [dict(img_path=osp.join(folder, f), gt_label=label) for f in images]
        if skipped:
            print_log(f'{root}: {skipped} files without an image extension left out.',
                      logger='current', level=logging.WARNING)
        return data_list
