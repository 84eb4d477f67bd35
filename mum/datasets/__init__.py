from . import samplers, transforms  # noqa: F401
from .demo_shapes_dataset import DemoShapesDataset

__all__ = ['DemoShapesDataset']
