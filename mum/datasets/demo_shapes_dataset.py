"""COCO-format dataset of the embedded demo, generated on first use (nothing is downloaded)."""
from typing import Optional

from mmdet.registry import DATASETS
from mmengine.dist import barrier, is_main_process
from mmengine.logging import print_log

from .checked_coco_dataset import CheckedCocoDataset
from .demo_data import DEMO_CLASSES, ensure_demo_dataset, read_complete_manifest


@DATASETS.register_module()
class DemoShapesDataset(CheckedCocoDataset):
    """CheckedCocoDataset over the demo shapes data in ``data_root``, generating it if missing.

    The main process generates the data with :func:`mum.datasets.demo_data.ensure_demo_dataset`
    when needed; other ranks wait at a barrier.

    Args:
        generator_cfg (dict, optional): Parameters of the generator (``seed``, ``num_labeled``,
            ...); the same parameters always give byte-identical files. None (default) uses any
            complete copy already in ``data_root`` (e.g. one made by tools/misc/make_demo_data.py
            with other sizes) and generates the default dataset only when there is none.
        **kwargs: Arguments of CocoDataset (``data_root``, ``ann_file``, ``data_prefix``, ...).
    """
    METAINFO = dict(
        classes=DEMO_CLASSES,
        palette=[(220, 20, 60), (0, 130, 200), (60, 180, 75), (245, 130, 48), (145, 30, 180),
                 (70, 240, 240), (240, 50, 230), (128, 128, 0)])

    def __init__(self, *args, generator_cfg: Optional[dict] = None, **kwargs) -> None:
        data_root = kwargs.get('data_root')
        if not data_root:
            raise ValueError('DemoShapesDataset needs data_root: the folder to generate into.')
        if is_main_process():
            if generator_cfg is None and read_complete_manifest(data_root) is not None:
                print_log(f'Using the demo shapes dataset in {data_root}', logger='current')
            else:
                paths = ensure_demo_dataset(data_root, **(generator_cfg or {}))
                print_log(f'Demo shapes dataset ready in {paths["root"]}', logger='current')
        barrier()
        super().__init__(*args, **kwargs)
