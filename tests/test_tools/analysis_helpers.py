"""Shared pieces of the analysis-tool tests: a MUM config on the tiny demo data, a teacher-student
checkpoint of it, running a tool in this process (no new interpreter: the tests stay fast), and
a pickle payload that stands in for code carried by a file.
"""
import glob
import os.path as osp
import runpy
import shutil
import sys

import torch
from conftest import REPO, TINY_DEMO
from mmengine.config import Config
from mmengine.registry import init_default_scope


def tiny_mum_config(demo_workspace: str, out_dir: str) -> str:
    """Writes a config inheriting configs/mum/demo_mum.py that reads the tiny demo data.

    Args:
        demo_workspace (str): The ``demo_workspace`` fixture (holds data/demo/).
        out_dir (str): Folder of the written config.

    Returns:
        str: Path of the config.
    """
    data_root = osp.join(demo_workspace, 'data', 'demo') + '/'
    text = f"""_base_ = {osp.join(REPO, 'configs', 'mum', 'demo_mum.py')!r}
data_root = {data_root!r}
generator_cfg = {dict(TINY_DEMO)!r}
tiny_labeled = _base_.labeled_dataset
tiny_labeled.update(data_root=data_root, generator_cfg=generator_cfg)
tiny_unlabeled = _base_.unlabeled_dataset
tiny_unlabeled.update(data_root=data_root, generator_cfg=generator_cfg)
train_dataloader = dict(num_workers=0, persistent_workers=False,
                        dataset=dict(datasets=[tiny_labeled, tiny_unlabeled]))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(data_root=data_root, generator_cfg=generator_cfg))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
"""
    path = osp.join(out_dir, 'tiny_mum.py')
    with open(path, 'w', encoding='utf-8') as config_file:
        config_file.write(text)
    return path


def semi_checkpoint(config_path: str, out_path: str) -> str:
    """Saves a freshly built MUMTeacher of ``config_path`` as a runner-style checkpoint.

    The teacher's floating-point weights are scaled by 0.9 so that a test can tell them from
    the student's. The meta holds the config text and the dataset's class names, as mmengine's
    runner writes them.

    Args:
        config_path (str): A teacher-student config.
        out_path (str): Checkpoint to write.

    Returns:
        str: ``out_path``.
    """
    from mmdet.registry import MODELS

    from mum.datasets.demo_data import DEMO_CLASSES
    cfg = Config.fromfile(config_path)
    init_default_scope('mmdet')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    with torch.no_grad():
        for tensor in model.teacher.state_dict().values():
            if tensor.dtype.is_floating_point:
                tensor.mul_(0.9)
    meta = dict(iter=0, cfg=cfg.pretty_text,  # what the runner stores
                dataset_meta=dict(classes=DEMO_CLASSES,
                                  palette=[(220, 20, 60)] * len(DEMO_CLASSES)))
    torch.save(dict(meta=meta, state_dict=model.state_dict()), out_path)
    return out_path


def run_tool(relative_path: str, *args) -> None:
    """Runs ``tools/<relative_path>`` as ``__main__`` with ``args``, in this process.

    Args:
        relative_path (str): e.g. 'analysis_tools/tile_stats.py'.
        *args: Command-line arguments (converted with ``str``).

    Raises:
        SystemExit: When the tool exits (errors exit with a message and a non-zero status).
    """
    path = osp.join(REPO, 'tools', relative_path)
    saved_argv = sys.argv
    sys.argv = [path, *map(str, args)]
    try:
        runpy.run_path(path, run_name='__main__')
    finally:
        sys.argv = saved_argv


def val_images(demo_workspace: str) -> list:
    """Paths of the tiny demo data's validation images."""
    return sorted(glob.glob(osp.join(demo_workspace, 'data', 'demo', 'images', 'val', '*.jpg')))


class CopyingPayload:
    """Unpickling this object creates the file ``marker``: a stand-in for arbitrary code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (shutil.copyfile, (__file__, self.marker))
