"""Refuses misspelt config keys before anything is built, naming the key and the nearest valid one.

mmengine merges ``--cfg-options`` into the config without knowing which keys a component reads,
so ``model.semi_train_cfg.cls_pseudo_thresh=0.5`` (the key is ``cls_pseudo_thr``) would train at
the default threshold and exit 0. Settings dicts read with ``.get`` (``semi_train_cfg``) are
checked by their owner with :func:`check_known_keys`; the arguments of every component of this
package named by ``type`` in a config are checked by :func:`check_component_keys`.
"""
import difflib
import inspect
from typing import Any, Iterable, Optional, Set

_NOT_ARGUMENTS = ('type', '_scope_')


def check_known_keys(keys: Iterable[str], valid: Iterable[str], where: str, owner: str) -> None:
    """Raises ``ValueError`` for the first key of ``keys`` that is not in ``valid``.

    Args:
        keys (Iterable[str]): The keys given in the config.
        valid (Iterable[str]): The keys ``owner`` reads.
        where (str): Config path of the settings, e.g. 'model.semi_train_cfg'.
        owner (str): What reads them, e.g. 'MUMTeacher'.

    Raises:
        ValueError: One sentence naming ``where.key`` and the nearest valid key (or all of
            them when none is close).
    """
    valid = sorted(valid)
    unknown = sorted(set(keys) - set(valid))
    if not unknown:
        return
    key = unknown[0]
    nearest = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f'did you mean {nearest[0]!r}?' if nearest else f'valid keys: {", ".join(valid)}.'
    raise ValueError(f'{_join(where, key)} is not a setting of {owner}: {hint}')


def init_arguments(cls: type) -> Optional[Set[str]]:
    """Names of the keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up its MRO.

    Args:
        cls (type): A class.

    Returns:
        set[str] | None: The accepted names; None when some ``__init__`` in the chain takes
        ``**kwargs`` without a parent that names them (anything is accepted).
    """
    names = set()
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        if klass is object:
            return names
        try:
            parameters = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):  # a builtin without a signature: cannot tell
            return None
        names.update(p.name for p in parameters
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            names.discard('self')
            return names
    return None


def check_component_keys(cfg: Any, where: str = '') -> None:
    """Checks every dict of ``cfg`` whose ``type`` is a component of this package.

    Its keys (but ``type`` and ``_scope_``) must be arguments of the component's class;
    components of mmengine / mmdet are left to their own checks.

    Args:
        cfg: A config (or any part of it): dicts and lists are searched recursively.
        where (str): Config path of ``cfg``, used in the message ('' for the whole config).

    Raises:
        ValueError: See :func:`check_known_keys`.
    """
    if isinstance(cfg, dict):
        cls = _our_class(cfg.get('type'))
        if cls is not None:
            valid = init_arguments(cls)
            if valid is not None:
                check_known_keys([k for k in cfg if k not in _NOT_ARGUMENTS], valid, where,
                                 cls.__name__)
        for key, value in cfg.items():
            check_component_keys(value, _join(where, key))
    elif isinstance(cfg, (list, tuple)):
        for index, value in enumerate(cfg):
            check_component_keys(value, _join(where, index))


def _join(where: str, key) -> str:
    return f'{where}.{key}' if where else str(key)


def _our_class(type_name: Any) -> Optional[type]:
    """The class of this package registered (in any mmdet registry) as ``type_name``."""
    if isinstance(type_name, type):
        return type_name if type_name.__module__.startswith('mum.') else None
    if not isinstance(type_name, str):
        return None
    return _registered_classes().get(type_name.split('.')[-1])


def _registered_classes() -> dict:
    from mmdet import registry
    from mmengine.registry import Registry
    classes = {}
    for value in vars(registry).values():
        if isinstance(value, Registry):
            classes.update((name, cls) for name, cls in value.module_dict.items()
                           if isinstance(cls, type) and cls.__module__.startswith('mum.'))
    return classes
