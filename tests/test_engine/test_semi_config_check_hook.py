import os.path as osp
from types import SimpleNamespace

import pytest
from demo_batches import demo_config
from mmdet.registry import MODELS

from mum.datasets.demo_data import DEMO_CLASSES
from mum.engine.hooks import SemiConfigCheckHook


@pytest.fixture(scope='module')
def demo_model(demo_workspace):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    return MODELS.build(cfg.model)


def _runner(model, classes=(tuple(DEMO_CLASSES), ) * 2, num_per_source=(4, 4)):
    sources = [SimpleNamespace(metainfo=dict(classes=c)) for c in classes]
    loader = SimpleNamespace(dataset=SimpleNamespace(datasets=sources),
                             sampler=SimpleNamespace(num_per_source=list(num_per_source)))
    return SimpleNamespace(model=model, train_dataloader=loader)


def test_consistent_setup_passes_and_remainder_is_allowed(demo_model, mmengine_warnings):
    SemiConfigCheckHook().before_train(_runner(demo_model))
    assert not mmengine_warnings
    SemiConfigCheckHook().before_train(_runner(demo_model, num_per_source=(4, 6)))
    assert mmengine_warnings == ['6 unlabeled images per GPU is not a multiple of group_size=4: '
                                 'the last 2 form a smaller group.']


def test_different_class_lists_are_refused(demo_model):
    with pytest.raises(ValueError, match=r'datasets\[1\] has classes .* labeled and unlabeled'):
        SemiConfigCheckHook().before_train(
            _runner(demo_model, classes=(tuple('abcdef'), tuple('abcdeg'))))


def test_class_count_mismatch_names_the_head(demo_model):
    with pytest.raises(ValueError, match=f'roi_head.bbox_head.num_classes is {len(DEMO_CLASSES)} '
                       'but the training data has 3 classes'):
        SemiConfigCheckHook().before_train(_runner(demo_model, classes=(('a', 'b', 'c'), ) * 2))


def test_largest_stride_must_be_a_multiple_of_every_stride(demo_model):
    demo_model.data_preprocessor.largest_stride = 48
    try:
        with pytest.raises(ValueError, match='largest_stride=48 is not a multiple of stride 32'):
            SemiConfigCheckHook().before_train(_runner(demo_model))
    finally:
        demo_model.data_preprocessor.largest_stride = 32


def test_a_neck_level_coarser_than_largest_stride_is_refused(demo_workspace):
    """DINO's ChannelMapper ends at stride 64 with no prior generator: its levels are measured."""
    cfg = demo_config('mum/demo_dino_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.detector.backbone.init_cfg = None
    cfg.model.data_preprocessor.largest_stride = 32
    model = MODELS.build(cfg.model)
    model.student.train()
    with pytest.raises(ValueError, match=r'largest_stride=32 is smaller than the stride of the '
                       r"neck's output level 3 \(about 64 px\)"):
        SemiConfigCheckHook().before_train(_runner(model))
    assert model.student.training  # the measurement left the mode as it found it
    model.data_preprocessor.largest_stride = 64
    SemiConfigCheckHook().before_train(_runner(model))
    # unmixed before the neck, the backbone's levels (strides 8-32) are the ones to fit
    model.student.neck.unmix_at = 'inputs'
    model.data_preprocessor.largest_stride = 32
    SemiConfigCheckHook().before_train(_runner(model))
    model.data_preprocessor.largest_stride = 16
    with pytest.raises(ValueError, match=r'largest_stride=16 is smaller than the stride of the '
                       r"neck's output level 2 \(about 32 px\)"):
        SemiConfigCheckHook().before_train(_runner(model))
