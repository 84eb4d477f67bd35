"""MUM (Mix image tiles / UnMix feature tiles) as MMDetection 3.x components.

Importing this package registers every component into mmdet's registries; configs load it with
``custom_imports = dict(imports=['mum'], allow_failed_imports=False)``.
"""
from . import datasets, engine, evaluation, models, ops  # noqa: F401
from .version import __version__  # noqa: F401
