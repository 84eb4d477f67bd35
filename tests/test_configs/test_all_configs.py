"""Every config under configs/ (except _base_) builds a Runner and trains one iteration.

Each config is loaded as a user loads it and checked against what its header promises (the fold
options) and for evaluators that score the files their datasets read. Then it is shrunk for a
2-core CPU: ResNets become a quarter-width ResNet-18, the detector takes the tiny pieces of the
demo config (64-channel 4-level FPN, few RoIs; Swin-T keeps its type with one block per stage,
the demo's EfficientNet-Lite0 stays), every dataset points at a tiny
COCO-format copy made once per session with the classes the config names, resize scales become
small, one labeled and two unlabeled images form the batch, and the validation loop is built but
never run. Discovery lists every file and never skips one, so a new config that fails to build
or train fails here. About 1 s per config.
"""
import copy
import glob
import json
import math
import os
import os.path as osp
import re

import cv2
import numpy as np
import pytest
from mmdet.registry import DATASETS
from mmengine.config import Config
from mmengine.runner import Runner
from tiny_detectors import TINY_RESNET, TINY_STAGE_CHANNELS

from mum.datasets.demo_data import generate_demo_dataset
from mum.models.backbones.efficientnet_lite import LEVEL_CHANNELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIG = osp.join(REPO, 'configs', 'unbiased_teacher', 'demo_unbiased_teacher.py')
TINY_DEMO = dict(num_labeled=3, num_unlabeled=3, num_val=2)
TINY_SWIN = dict(embed_dims=24, depths=[1, 1, 1, 1], num_heads=[1, 1, 1, 1], window_size=4,
                 drop_path_rate=0.0, init_cfg=None)
IMAGE_WH = (96, 64)
TRAIN_SCALES = [(128, 64), (128, 72)]
TEST_SCALE = (128, 64)
IMAGES_PER_SPLIT = 3
CLASS_FOLDERS = ('n01440764', 'n01443537')
CROP_SIZE = 32
DETR_QUERIES = 10  # matching, denoising and kept per image
FOLD_OPTION = re.compile(r'^# (train_dataloader\.dataset\.datasets\.\d\.ann_file)=(\S+)$')


def discover_configs():
    """All config files under configs/ outside _base_ folders, relative to the repository."""
    found = []
    for path in sorted(glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)):
        relative = osp.relpath(path, REPO)
        if '_base_' not in relative.split(os.sep):
            found.append(relative)
    return found


CONFIGS = discover_configs()


def test_discovery_lists_the_table_configs():
    assert CONFIGS, 'no config found under configs/'
    assert osp.join('configs', 'mum', 'voc07_voc12.py') in CONFIGS


class FakeData:
    """Tiny COCO-format datasets under one folder, written on first request and then reused.

    Args:
        root (str): Folder holding one sub-folder per ``data_root`` the configs name.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self.demo_root = osp.join(root, 'demo')
        generate_demo_dataset(self.demo_root, image_size=96, **TINY_DEMO)
        self.written = set()

    def point(self, dataset: dict) -> None:
        """Points ``dataset`` (a dataset config, changed in place) at a tiny copy of its data."""
        if dataset.data_root.startswith(self.root):  # already pointed (shared config dicts)
            return
        if dataset.type == 'DemoShapesDataset':
            dataset.data_root = self.demo_root
            return
        if dataset.type == 'ImageFolderDataset':
            dataset.data_root = osp.join(self.root, 'image_folders')
            img_dir = osp.join(dataset.data_root, dataset.data_prefix.img)
            if img_dir not in self.written:
                self._write_class_folders(img_dir)
                self.written.add(img_dir)
            return
        data_root = osp.join(self.root, dataset.data_root.strip('/').replace('/', '_'))
        img_dir = osp.join(data_root, dataset.data_prefix.get('img', ''))
        ann_path = osp.join(data_root, dataset.ann_file)
        classes = (dataset.get('metainfo') or {}).get('classes') or DATASETS.get(
            dataset.type).METAINFO['classes']
        if ann_path not in self.written:
            self._write(ann_path, img_dir, classes,
                        with_annotations='image_info' not in osp.basename(ann_path))
            self.written.add(ann_path)
        dataset.data_root = data_root

    @staticmethod
    def _write_class_folders(img_dir: str) -> None:
        """Writes CLASS_FOLDERS sub-folders of IMAGES_PER_SPLIT noise images each."""
        rng = np.random.default_rng(0)
        width, height = IMAGE_WH
        for name in CLASS_FOLDERS:
            os.makedirs(osp.join(img_dir, name), exist_ok=True)
            for index in range(IMAGES_PER_SPLIT):
                cv2.imwrite(osp.join(img_dir, name, f'{index:06d}.JPEG'),
                            rng.integers(0, 256, (height, width, 3), dtype=np.uint8))

    @staticmethod
    def _write(ann_path: str, img_dir: str, classes, with_annotations: bool) -> None:
        """Writes IMAGES_PER_SPLIT noise images and their COCO file (two boxes per image)."""
        stem = osp.splitext(osp.basename(ann_path))[0]
        rng = np.random.default_rng(len(stem))
        width, height = IMAGE_WH
        images, annotations = [], []
        for index in range(IMAGES_PER_SPLIT):
            file_name = f'{stem}/{index:06d}.jpg'
            os.makedirs(osp.dirname(osp.join(img_dir, file_name)), exist_ok=True)
            cv2.imwrite(osp.join(img_dir, file_name),
                        rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
            images.append(dict(id=index + 1, file_name=file_name, width=width, height=height))
            for box_index, box in enumerate(([8, 6, 30, 24], [44, 20, 40, 36])):
                annotations.append(dict(
                    id=len(annotations) + 1, image_id=index + 1, bbox=box, area=box[2] * box[3],
                    iscrowd=0, category_id=(index + box_index) % len(classes) + 1))
        coco = dict(images=images,
                    categories=[dict(id=i + 1, name=name) for i, name in enumerate(classes)])
        if with_annotations:
            coco['annotations'] = annotations
        os.makedirs(osp.dirname(ann_path), exist_ok=True)
        with open(ann_path, 'w', encoding='utf-8') as file:
            json.dump(coco, file)


@pytest.fixture(scope='session')
def fake_data(tmp_path_factory) -> FakeData:
    return FakeData(str(tmp_path_factory.mktemp('fake_data')))


@pytest.fixture(scope='session')
def demo_detector():
    """The demo's resolved detector config: the source of the tiny model pieces."""
    return Config.fromfile(DEMO_CONFIG).model.detector


def leaf_datasets(dataset: dict):
    """The non-wrapper dataset configs inside ``dataset`` (ConcatDatasets may nest)."""
    if dataset.type == 'ConcatDataset':
        return [leaf for inner in dataset.datasets for leaf in leaf_datasets(inner)]
    return [dataset]


def as_list(value):
    """``value`` if it is a list (e.g. Cascade R-CNN's per-stage heads), else ``[value]``."""
    return value if isinstance(value, list) else [value]


def shrink_model(model: dict, demo: dict) -> None:
    """Makes ``model`` (a teacher-student config, or a plain detector) tiny, in place.

    Backbone: ResNet becomes a quarter-width ResNet-18 from scratch (tests/tiny_detectors.py),
    the config's other keys still built; the demo's EfficientNet-Lite0 is kept; Swin-T keeps
    its type with one block per stage. Two-stage detectors take the demo's FPN levels (P2-P5),
    anchors and RoI sizes, so MUM's tile grid shrinks to the demo's stride 32; one-stage
    detectors keep their levels with narrow heads; DETR-family detectors keep their levels and
    width (mmdet's DINO decoder needs 256) with one encoder and two decoder layers and
    DETR_QUERIES queries.
    """
    if model.type == 'ImageClassifier':
        model.backbone.update(copy.deepcopy(TINY_RESNET))
        model.update(in_channels=TINY_STAGE_CHANNELS[-1], num_classes=len(CLASS_FOLDERS))
        return
    detector = model.get('detector', model)
    width = demo.neck.neck.out_channels
    if detector.backbone.type == 'SwinTransformer':
        detector.backbone.update(TINY_SWIN)
        in_channels = [TINY_SWIN['embed_dims'] * 2**level for level in range(4)]
    elif detector.backbone.type == 'EfficientNetLite0':  # the demo's: small already
        in_channels = list(LEVEL_CHANNELS)
    else:
        detector.backbone.update(copy.deepcopy(TINY_RESNET))
        in_channels = TINY_STAGE_CHANNELS
    fpn = detector.neck.neck if detector.neck.type == 'UnmixNeck' else detector.neck
    largest_stride = None
    if 'encoder' in detector:  # DETR family: the neck keeps the transformer's width
        fpn.in_channels = in_channels[-len(fpn.in_channels):]
        detector.update(num_queries=DETR_QUERIES, encoder=dict(num_layers=1),
                        decoder=dict(num_layers=2), test_cfg=dict(max_per_img=DETR_QUERIES))
        detector.dn_cfg.group_cfg.num_dn_queries = DETR_QUERIES
    else:
        fpn.update(in_channels=in_channels, out_channels=width)
    if 'rpn_head' in detector:
        fpn.num_outs = demo.neck.neck.num_outs
        detector.rpn_head.update(in_channels=width, feat_channels=demo.rpn_head.feat_channels)
        detector.rpn_head.anchor_generator.update(scales=demo.rpn_head.anchor_generator.scales,
                                                  strides=demo.rpn_head.anchor_generator.strides)
        detector.roi_head.bbox_roi_extractor.update(
            out_channels=width, featmap_strides=demo.roi_head.bbox_roi_extractor.featmap_strides)
        for head in as_list(detector.roi_head.bbox_head):
            head.update(in_channels=width, fc_out_channels=demo.roi_head.bbox_head.fc_out_channels)
        detector.train_cfg.rpn_proposal.update(demo.train_cfg.rpn_proposal)
        for stage in as_list(detector.train_cfg.rcnn):
            stage.sampler.num = demo.train_cfg.rcnn.sampler.num
        detector.test_cfg.rpn.update(demo.test_cfg.rpn)
        largest_stride = max(demo.rpn_head.anchor_generator.strides)
    elif 'encoder' not in detector:
        detector.bbox_head.update(in_channels=width, feat_channels=width, stacked_convs=1)
    for preprocessor in (model.get('data_preprocessor', {}), detector.get('data_preprocessor', {})):
        if largest_stride and 'largest_stride' in preprocessor:
            preprocessor.largest_stride = largest_stride
    if 'burn_in_iters' in model.get('semi_train_cfg', {}):
        model.semi_train_cfg.burn_in_iters = 0  # run the unlabeled branch in the one iteration


def shrink_pipeline(node) -> None:
    """Makes every resize scale inside ``node`` (a pipeline, or any part of one) tiny, in place."""
    if isinstance(node, list):
        for item in node:
            shrink_pipeline(item)
    elif isinstance(node, dict):
        if 'Resize' in node.get('type', '') and 'scales' in node:
            node.scales = TRAIN_SCALES
        elif node.get('type') == 'ResizeShortestEdge':
            node.scale = CROP_SIZE + 8
        elif 'Resize' in node.get('type', '') and 'scale' in node:
            node.scale = TRAIN_SCALES if node.type == 'RandomResize' else TEST_SCALE
        elif node.get('type') == 'RandomResizedCrop':
            node.size = CROP_SIZE
        elif node.get('type') == 'CenterCrop':
            node.crop_size = CROP_SIZE
        for value in node.values():
            shrink_pipeline(value)


def check_fold_header(cfg: Config, path: str) -> None:
    """The fold options a config's header documents must exist in it and apply to it."""
    with open(path, encoding='utf-8') as file:
        options = dict(match.groups() for match in map(FOLD_OPTION.match, file) if match)
    if not options:
        return
    assert len(options) == 2, f'{path}: the header should give both ann_file options'
    other_fold = {key: value.replace('.k@', '.3@') for key, value in options.items()}
    changed = copy.deepcopy(cfg)
    changed.merge_from_dict(other_fold)
    datasets = changed.train_dataloader.dataset.datasets
    assert [d.ann_file for d in datasets] == list(other_fold.values())
    assert [d.ann_file.replace('.3@', '.1@') for d in datasets] == [
        d.ann_file for d in cfg.train_dataloader.dataset.datasets]


def check_evaluators_match_datasets(cfg: Config) -> None:
    """Each evaluator must score against the annotation file its dataloader's dataset reads."""
    for split in ('val', 'test'):
        dataset, evaluator = cfg[f'{split}_dataloader'].dataset, cfg[f'{split}_evaluator']
        if 'ann_file' not in evaluator:  # e.g. accuracy, which reads the predicted samples only
            continue
        expected = osp.join(dataset.data_root, dataset.ann_file)
        assert evaluator.ann_file == expected, \
            f'{split}_evaluator scores against another file than {split}_dataloader reads'


def shrink_config(cfg: Config, fake_data: FakeData, demo: dict, work_dir: str, name: str) -> None:
    """Tiny model and data, 1 + 2 images per batch, one iteration, no validation run, no saving."""
    shrink_model(cfg.model, demo)
    loader = cfg.train_dataloader
    for dataset in leaf_datasets(loader.dataset):
        fake_data.point(dataset)
        shrink_pipeline(dataset.pipeline)
        dataset.serialize_data = False  # serialising runs gc.collect(), slow in a long session
    batch_size = 2
    if cfg.model.type == 'ImageClassifier':  # one full group of MUM's default 4
        batch_size = 4
    if 'source_ratio' in loader.sampler:  # one labeled image, two from each unlabeled source
        ratio = [1] + [2] * (len(loader.dataset.datasets) - 1)
        batch_size = sum(ratio)
        loader.sampler.update(batch_size=batch_size, source_ratio=ratio)
    loader.update(batch_size=batch_size, num_workers=0, persistent_workers=False)
    for split in ('val', 'test'):  # built (hooks may read them) but never run
        eval_loader, evaluator = cfg[f'{split}_dataloader'], cfg[f'{split}_evaluator']
        dataset = eval_loader.dataset
        fake_data.point(dataset)
        shrink_pipeline(dataset.pipeline)
        dataset.serialize_data = False
        eval_loader.update(batch_size=1, num_workers=0, persistent_workers=False)
        if 'ann_file' in evaluator:
            evaluator.ann_file = osp.join(dataset.data_root, dataset.ann_file)
    if cfg.train_cfg.type == 'EpochBasedTrainLoop':
        cfg.train_cfg.update(max_epochs=1, val_begin=2)
    else:  # the loop validates at its last iteration
        cfg.train_cfg.update(max_iters=1, val_begin=2)
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 1
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.work_dir = work_dir
    cfg.experiment_name = name


@pytest.fixture
def no_runner_bookkeeping(monkeypatch):
    """Skips two costs that do not change what is built or trained: yapf's reformatting of the
    config text the runner logs and dumps (seconds per config), and the per-parameter means
    mmengine recomputes after every initialiser to log which one set each parameter."""
    monkeypatch.setattr('mmengine.config.config.FormatCode', lambda text, **kwargs: (text, True))
    monkeypatch.setattr('mmengine.model.base_module.update_init_info', lambda *args, **kwargs: None)


@pytest.mark.parametrize('config', CONFIGS)
def test_config_trains_one_iteration(config, fake_data, demo_detector, no_runner_bookkeeping,
                                     tmp_path):
    path = osp.join(REPO, config)
    with open(path, encoding='utf-8') as file:
        assert file.readline().startswith('# '), f'{config}: no header saying what it is'
    cfg = Config.fromfile(path)
    check_fold_header(cfg, path)
    check_evaluators_match_datasets(cfg)
    unsup_weight = cfg.model.get('semi_train_cfg', {}).get('unsup_weight', 0)
    shrink_config(cfg, fake_data, demo_detector, str(tmp_path),
                  re.sub(r'\W', '_', osp.splitext(config)[0]))

    runner = Runner.from_cfg(cfg)
    runner.train()

    scalars = runner.message_hub.log_scalars
    loss = scalars['train/loss'].current()
    assert math.isfinite(loss), f'{config}: loss {loss}'
    unsup_terms = [key for key in scalars if key.startswith('train/unsup_') and 'loss' in key]
    assert bool(unsup_terms) == (unsup_weight > 0), sorted(scalars)
