"""UnmixingDetector: a plain detector trained on tile-mixed labeled batches."""
import copy
import os.path as osp

import pytest
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from tiny_detectors import shrink_detector

import mum  # noqa: F401
from mum.models.data_preprocessors import TILE_SOURCE_KEY, TILE_UNITS_KEY
from mum.models.necks import TileUnmixMixin
from mum.ops.tiles import unmix_tiles

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MUM_CONFIG = osp.join(REPO, 'configs', 'supervised_augmentation',
                      'faster-rcnn_r50-caffe_fpn_1x_coco_mum.py')


@pytest.fixture(scope='module')
def model_cfg():
    init_default_scope('mmdet')
    cfg = Config.fromfile(MUM_CONFIG).model
    shrink_detector(cfg.detector, num_classes=3)
    cfg.detector.data_preprocessor.update(largest_stride=32, seed=0)
    cfg.detector.neck.neck.num_outs = 4  # tiny: P2-P5, stride 32 at most
    cfg.detector.rpn_head.anchor_generator.strides = [4, 8, 16, 32]
    cfg.detector.roi_head.bbox_roi_extractor.featmap_strides = [4, 8, 16, 32]
    return cfg


def _batch(num_images=4, height=64, width=96):
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for index in range(num_images):
        inputs.append(torch.randint(0, 256, (3, height, width), generator=generator,
                                    dtype=torch.uint8))
        sample = DetDataSample(metainfo=dict(img_shape=(height, width),
                                             ori_shape=(height, width), scale_factor=(1.0, 1.0)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[8.0, 6.0, 40.0, 30.0], [44.0, 20.0, 90.0, 60.0]]),
            labels=torch.tensor([index % 3, (index + 1) % 3]))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def test_is_the_plain_detector_with_the_same_keys(model_cfg):
    model = MODELS.build(model_cfg)
    plain_cfg = copy.deepcopy(model_cfg.detector)
    plain_cfg.neck = plain_cfg.neck.neck
    plain_cfg.data_preprocessor.type = 'DetDataPreprocessor'
    for key in ('group_size', 'num_tiles', 'mix_prob', 'largest_stride', 'seed'):
        plain_cfg.data_preprocessor.pop(key)
    plain = MODELS.build(plain_cfg)
    assert isinstance(model, type(plain))
    ours = [k for k in model.state_dict() if not k.startswith('data_preprocessor')]
    assert ours == list(plain.state_dict())


def test_loss_unmixes_the_neck_outputs_and_disarms_after(model_cfg):
    model = MODELS.build(model_cfg)
    data = model.data_preprocessor(_batch(), training=True)
    inputs, samples = data['inputs'], data['data_samples']
    source, units = samples[0].metainfo[TILE_SOURCE_KEY], samples[0].metainfo[TILE_UNITS_KEY]
    assert not torch.equal(source, torch.arange(4).view(4, 1, 1).expand_as(source))
    with torch.no_grad():
        expected = [unmix_tiles(level, source, units)
                    for level in model.neck(model.backbone(inputs))]
    seen = []
    model.neck.register_forward_hook(lambda module, args, output: seen.append(output))
    losses = model.loss(inputs, samples)
    total, _ = model.parse_losses(losses)
    assert torch.isfinite(total)
    for ours, theirs in zip(seen[0], expected):
        torch.testing.assert_close(ours, theirs)
    assert model.neck.tile_source is None  # disarmed once the loss is computed


def test_testing_is_not_mixed(model_cfg):
    model = MODELS.build(model_cfg).eval()
    data = model.data_preprocessor(_batch(), training=False)
    assert all(TILE_SOURCE_KEY not in s.metainfo for s in data['data_samples'])
    with torch.no_grad():
        results = model.predict(data['inputs'], data['data_samples'])
    assert len(results) == 4 and all('pred_instances' in r for r in results)


def test_refuses_a_detector_that_would_train_on_mixed_features(model_cfg):
    without_unmix = copy.deepcopy(model_cfg)
    without_unmix.detector.neck = without_unmix.detector.neck.neck
    with pytest.raises(ValueError, match="UnmixNeck"):
        MODELS.build(without_unmix)
    without_mixing = copy.deepcopy(model_cfg)
    without_mixing.detector.data_preprocessor = dict(type='DetDataPreprocessor')
    with pytest.raises(ValueError, match='MUMDetDataPreprocessor'):
        MODELS.build(without_mixing)
    assert isinstance(MODELS.build(model_cfg).neck, TileUnmixMixin)
