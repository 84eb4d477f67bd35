from . import samplers, transforms  # noqa: F401
from .checked_coco_dataset import CheckedCocoDataset
from .demo_shapes_dataset import DemoShapesDataset
from .image_folder_dataset import ImageFolderDataset

__all__ = ['CheckedCocoDataset', 'DemoShapesDataset', 'ImageFolderDataset']
