"""Builds the demo configs' model and real training batches on the tiny test copy of the data."""
import os.path as osp

from conftest import REPO, TINY_DEMO
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, set_random_seed


def demo_config(name: str, data_dir: str) -> Config:
    """The demo config ``name`` (e.g. 'mum/demo_mum.py') reading data from ``data_dir``."""
    init_default_scope('mmdet')
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    data_root = data_dir.rstrip('/') + '/'
    for dataset in (*cfg.train_dataloader.dataset.datasets, cfg.val_dataloader.dataset):
        dataset.data_root = data_root
        dataset.generator_cfg = TINY_DEMO
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.val_evaluator.ann_file = osp.join(data_root, 'annotations/val.json')
    return cfg


def first_batch(cfg: Config) -> dict:
    """One training batch (multi-branch) of the config's train dataloader, the same in every
    test session: the augmentations draw from Python's, numpy's and torch's global generators,
    seeded here, not from whatever earlier tests left in them."""
    set_random_seed(0)
    dataloader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    return next(iter(dataloader))


def small_batches(name: str, data_dir: str, count: int) -> list:
    """``count`` real multi-branch batches of the demo config ``name``: 1 labeled + 4 unlabeled
    images each (one MUM group), resized to 192 x 128-144 px."""
    cfg = demo_config(name, data_dir)
    cfg.train_dataloader.batch_size = 5
    cfg.train_dataloader.sampler.update(batch_size=5, source_ratio=[1, 4])
    for dataset in cfg.train_dataloader.dataset.datasets:
        for transform in dataset.pipeline:
            if 'scales' in transform:
                transform.scales = [(192, 128), (192, 144)]
    loader = iter(Runner.build_dataloader(cfg.train_dataloader, seed=0))
    return [next(loader) for _ in range(count)]
