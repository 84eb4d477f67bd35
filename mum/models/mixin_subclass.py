"""Subclasses that add a mixin to an mmdet class while keeping its parameters and their names."""
from typing import Dict, Tuple

_SUBCLASSES: Dict[Tuple[type, type], type] = {}


def subclass_with_mixin(base: type, mixin: type, prefix: str) -> type:
    """The class ``<prefix><Base>`` deriving from ``(mixin, base)``; created once per pair.

    The class is stored as an attribute of this module, so instances pickle and unpickle
    (e.g. in DDP or a copied model) like any other class.

    Args:
        base (type): The class to extend, e.g. mmdet's ``FPN`` or ``FasterRCNN``.
        mixin (type): The behaviour to add; its methods come first in the MRO.
        prefix (str): Start of the new class name, e.g. ``'Unmix'``.

    Returns:
        type: The subclass.
    """
    key = (mixin, base)
    if key not in _SUBCLASSES:
        name = f'{prefix}{base.__name__}'
        subclass = type(name, (mixin, base), {'__module__': __name__})
        globals()[name] = subclass
        _SUBCLASSES[key] = subclass
    return _SUBCLASSES[key]
