"""From a teacher-student checkpoint and config to a plain mmdet detector.

A :class:`mum.models.detectors.MUMTeacher` checkpoint holds ``teacher.*``, ``student.*`` and
``data_preprocessor.*`` weights; its detector config wraps the neck in ``UnmixNeck``. The plain
detector is ``cfg.model.detector`` with that wrapper removed (the wrapped neck keeps mmdet's own
parameter names, so the weights load unchanged) and the ``teacher.`` (or ``student.``) weights.
"""
import copy
import os.path as osp
from collections import OrderedDict
from typing import Dict, Optional

import torch
from mmengine.config import Config, ConfigDict

from mum.utils.literal_config import UnsafeConfigError, parse_literal_config

SEMI_MEMBERS = ('teacher', 'student')
# Config keys that only the teacher-student training needs (``detector`` is the recipes' helper
# variable holding the wrapped detector).
TRAINING_ONLY_KEYS = ('detector', 'train_dataloader', 'train_cfg', 'optim_wrapper',
                      'param_scheduler', 'custom_hooks', 'auto_scale_lr', 'load_from', 'resume',
                      'ema_final_keep', 'ema_ramp_iters')


class CheckpointError(ValueError):
    """A checkpoint or config that cannot be turned into a plain detector; one sentence."""


def load_checkpoint_file(path: str) -> dict:
    """Loads a checkpoint with ``torch.load(weights_only=True)`` (never executes pickled code).

    Args:
        path (str): Checkpoint file.

    Returns:
        dict: The checkpoint; a bare state dict is returned as ``{'state_dict': it}``.

    Raises:
        CheckpointError: If the file is missing or not a weights-only checkpoint.
    """
    if not osp.isfile(path):
        raise CheckpointError(f'Checkpoint {path} does not exist.')
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as error:  # pickle, zip and weights-only errors alike
        raise CheckpointError(f'Checkpoint {path} cannot be read with torch.load(weights_only='
                              f'True) ({type(error).__name__}): it is not a torch file, or it '
                              'holds objects other than tensors and plain Python values.'
                              ) from error
    if not isinstance(checkpoint, dict):
        raise CheckpointError(f'Checkpoint {path} holds a {type(checkpoint).__name__}, not a '
                              'dict of weights.')
    if 'state_dict' not in checkpoint:
        if checkpoint and all(isinstance(v, torch.Tensor) for v in checkpoint.values()):
            return {'state_dict': checkpoint}
        raise CheckpointError(f'Checkpoint {path} has no state_dict.')
    return checkpoint


def detector_state_dict(state_dict: Dict[str, torch.Tensor],
                        member: str = 'teacher') -> 'OrderedDict[str, torch.Tensor]':
    """The weights of one member of a teacher-student state dict, prefix stripped.

    Args:
        state_dict (dict[str, Tensor]): ``teacher.*`` / ``student.*`` / ``data_preprocessor.*``.
        member (str): 'teacher' or 'student'. Defaults to 'teacher'.

    Returns:
        OrderedDict[str, Tensor]: Keys without ``{member}.``, in the original order.

    Raises:
        CheckpointError: If no key starts with ``{member}.``.
    """
    if member not in SEMI_MEMBERS:
        raise CheckpointError(f'member must be one of {SEMI_MEMBERS}, got {member!r}.')
    prefix = f'{member}.'
    weights = OrderedDict((key[len(prefix):], value) for key, value in state_dict.items()
                          if key.startswith(prefix))
    if not weights:
        raise CheckpointError(f'The state dict has no {prefix}* weights (first keys: '
                              f'{list(state_dict)[:3]}): it is not a teacher-student checkpoint.')
    return weights


def is_semi_state_dict(state_dict: Dict[str, torch.Tensor]) -> bool:
    """Whether the state dict is a teacher-student one (it has ``teacher.*`` keys)."""
    return any(key.startswith('teacher.') for key in state_dict)


def unwrap_unmix_necks(model_cfg: dict) -> dict:
    """A copy of ``model_cfg`` with every ``UnmixNeck`` replaced by the neck it wraps.

    Args:
        model_cfg (dict): A detector config, possibly nested.

    Returns:
        dict: The same config without MUM's unmixing wrapper (pure mmdet when nothing else of
        this project is referenced).
    """
    def unwrap(node):
        if isinstance(node, dict):
            if node.get('type') == 'UnmixNeck':
                return unwrap(node['neck'])
            return type(node)((key, unwrap(value)) for key, value in node.items())
        if isinstance(node, (list, tuple)):
            return type(node)(unwrap(value) for value in node)
        return node

    return unwrap(copy.deepcopy(model_cfg))


def plain_detector_config(cfg: Config) -> Config:
    """The config of the plain detector inside a teacher-student config, ready for testing.

    ``model`` becomes ``cfg.model.detector`` without ``UnmixNeck``; keys only the
    teacher-student training uses are dropped; ``val_cfg`` becomes mmengine's ``ValLoop`` and
    checkpoint ``save_best`` settings naming ``teacher/`` metrics are removed. Everything else
    (test pipeline, evaluator, ``default_scope``, ``custom_imports``) is kept, so
    ``mmdet.apis.init_detector(config, checkpoint)`` and ``tools/test.py`` accept it.

    Args:
        cfg (Config): A config whose model has a ``detector`` (MUMTeacher, SoftTeacher, ...),
            or already a plain detector config (returned with the same clean-up).

    Returns:
        Config: A new config.
    """
    plain = Config(copy.deepcopy(cfg.to_dict()))
    model = plain.model
    if 'detector' in model:
        detector = copy.deepcopy(model['detector'])
        if detector.get('data_preprocessor') is None and model.get('data_preprocessor'):
            inner = model['data_preprocessor'].get('data_preprocessor')
            if inner is not None:
                detector['data_preprocessor'] = inner
        model = detector
    plain.model = ConfigDict(unwrap_unmix_necks(model))
    for key in TRAINING_ONLY_KEYS:
        plain.pop(key, None)
    plain.val_cfg = ConfigDict(type='ValLoop')
    plain.setdefault('test_cfg', ConfigDict(type='TestLoop'))
    checkpoint_hook = plain.get('default_hooks', {}).get('checkpoint')
    if checkpoint_hook is not None:
        checkpoint_hook.pop('save_best', None)
        checkpoint_hook.pop('rule', None)
    return plain


def config_from_checkpoint(checkpoint: dict, path: str = 'the checkpoint') -> Optional[Config]:
    """The training config mmengine stored in ``checkpoint['meta']['cfg']``, or None.

    The text is read as data (:func:`mum.utils.literal_config.parse_literal_config`), never
    executed: a text holding anything but literals and ``dict(...)`` is refused.

    Args:
        checkpoint (dict): A loaded checkpoint.
        path (str): Its file name, for the error message.

    Returns:
        Config | None: The config, or None when the meta holds none.

    Raises:
        CheckpointError: When the stored text is not plain data (one sentence telling to pass
            the training config file instead).
    """
    text = (checkpoint.get('meta') or {}).get('cfg')
    if not text:
        return None
    if not isinstance(text, str):
        raise CheckpointError(f'The config stored in {path} is a {type(text).__name__}, not '
                              'a config text: pass --config with the training config file.')
    try:
        return Config(parse_literal_config(text, f'The config stored in {path}'))
    except UnsafeConfigError as error:
        raise CheckpointError(f'{error} Pass --config with the training config file.') from None


def plain_checkpoint(checkpoint: dict, member: str = 'teacher') -> dict:
    """A plain mmdet checkpoint (``state_dict`` and a minimal, weights-only-safe ``meta``).

    Args:
        checkpoint (dict): A teacher-student checkpoint.
        member (str): 'teacher' or 'student'. Defaults to 'teacher'.

    Returns:
        dict: ``{'meta': {...}, 'state_dict': OrderedDict}``; meta keeps ``dataset_meta``
        (class names and palette, read by ``init_detector``), ``iter``/``epoch``,
        ``mmengine_version`` and adds ``converted_from``.
    """
    weights = detector_state_dict(checkpoint['state_dict'], member)
    source_meta = checkpoint.get('meta') or {}
    meta = {'converted_from': f'{member} of a teacher-student checkpoint'}
    for key in ('epoch', 'iter', 'mmengine_version', 'experiment_name'):
        if isinstance(source_meta.get(key), (int, str)):
            meta[key] = source_meta[key]
    dataset_meta = source_meta.get('dataset_meta')
    if isinstance(dataset_meta, dict):
        meta['dataset_meta'] = _plain_values(
            {k: v for k, v in dataset_meta.items() if k in ('classes', 'palette')})
    return {'meta': meta, 'state_dict': weights}


def _plain_values(value):
    """Lists, tuples, dicts, str, int, float only (what weights-only unpickling accepts)."""
    if isinstance(value, dict):
        return {str(k): _plain_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_values(v) for v in value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, 'item'):  # numpy / torch scalars
        return value.item()
    return str(value)


def build_detector(cfg: Config, checkpoint_path: str, member: str = 'teacher',
                   device: str = 'cpu') -> torch.nn.Module:
    """Builds the plain detector of ``cfg`` and loads a semi or plain checkpoint into it.

    Args:
        cfg (Config): A teacher-student or plain detector config.
        checkpoint_path (str): A teacher-student checkpoint (``member`` weights are taken) or
            a plain detector checkpoint (e.g. from ``tools/model_converters/extract_teacher.py``).
        member (str): 'teacher' or 'student'. Defaults to 'teacher'.
        device (str): Device of the model. Defaults to 'cpu'.

    Returns:
        nn.Module: The detector in eval mode with ``dataset_meta`` set from the checkpoint
        (or from the config's test dataset when the checkpoint has none).
    """
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    init_default_scope(cfg.get('default_scope', 'mmdet'))
    plain_cfg = plain_detector_config(cfg)
    model_cfg = copy.deepcopy(plain_cfg.model)
    if isinstance(model_cfg.get('backbone'), dict):
        model_cfg.backbone.init_cfg = None  # weights come from the checkpoint
    model = MODELS.build(model_cfg)
    checkpoint = load_checkpoint_file(checkpoint_path)
    state = checkpoint['state_dict']
    if is_semi_state_dict(state):
        state = detector_state_dict(state, member)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise CheckpointError(
            f'Checkpoint {checkpoint_path} does not fit the detector of the config: '
            f'{len(missing)} missing keys (e.g. {missing[:2]}), {len(unexpected)} unexpected '
            f'(e.g. {unexpected[:2]}).')
    dataset_meta = (checkpoint.get('meta') or {}).get('dataset_meta')
    if not dataset_meta:
        dataset_meta = _config_dataset_meta(plain_cfg)
    model.dataset_meta = dict(dataset_meta or {})
    return model.to(device).eval()


def _config_dataset_meta(cfg: Config) -> dict:
    """Class names of the config's test dataset (its METAINFO or metainfo), without building it."""
    from mmdet.registry import DATASETS
    dataset_cfg = cfg.get('test_dataloader', {}).get('dataset', {})
    metainfo = dict(dataset_cfg.get('metainfo') or {})
    if 'classes' not in metainfo and dataset_cfg.get('type'):
        dataset_class = DATASETS.get(dataset_cfg['type'])
        metainfo = dict(getattr(dataset_class, 'METAINFO', {}), **metainfo)
    return metainfo
