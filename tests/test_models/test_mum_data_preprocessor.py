import os.path as osp

import pytest
import torch
from demo_batches import demo_config, first_batch
from mmdet.registry import MODELS
from mmengine.runner import Runner

import mum.models.data_preprocessors.tile_mixing as tile_mixing_module
from mum.models.data_preprocessors import TILE_SOURCE_KEY, TILE_UNITS_KEY
from mum.ops.tiles import unmix_tiles


@pytest.fixture(scope='module')
def demo_cfg(demo_workspace):
    return demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))


@pytest.fixture(scope='module')
def batch(demo_cfg):
    return first_batch(demo_cfg)


def _build(demo_cfg, **changes):
    cfg = demo_cfg.model.data_preprocessor.copy()
    cfg.update(changes)
    return MODELS.build(cfg)


def _unmixed_twin(demo_cfg, batch):
    plain = _build(demo_cfg, mix_branches=())
    return plain(_copy(batch), training=True)


def _copy(batch):
    import copy
    return copy.deepcopy(batch)


def test_mixes_only_the_student_branch_and_keeps_labels(demo_cfg, batch):
    preprocessor = _build(demo_cfg, seed=0)
    mixed = preprocessor(_copy(batch), training=True)
    plain = _unmixed_twin(demo_cfg, batch)
    for branch in ('sup_weak', 'sup_strong', 'unsup_teacher'):
        assert torch.equal(mixed['inputs'][branch], plain['inputs'][branch])
        assert all(TILE_SOURCE_KEY not in s.metainfo for s in mixed['data_samples'][branch])
    student = mixed['inputs']['unsup_student']
    samples = mixed['data_samples']['unsup_student']
    height, width = student.shape[-2:]
    assert height % 32 == 0 and width % 32 == 0 and min(height, width) >= 4 * 32
    source, units = samples[0].metainfo[TILE_SOURCE_KEY], samples[0].metainfo[TILE_UNITS_KEY]
    assert units == (height // 32, width // 32)
    assert all(s.batch_input_shape == (height, width) for s in samples)
    original = plain['inputs']['unsup_student']
    restored = unmix_tiles(student, source, units)[..., :original.shape[-2], :original.shape[-1]]
    assert torch.equal(restored, original)
    for ours, theirs in zip(samples, plain['data_samples']['unsup_student']):
        assert torch.equal(ours.gt_instances.bboxes, theirs.gt_instances.bboxes)
        assert ours.img_shape == theirs.img_shape


def test_seeded_reproducible_and_rank_dependent(demo_cfg, batch, monkeypatch):

    def draw(rank):
        monkeypatch.setattr(tile_mixing_module, 'get_rank', lambda: rank)
        data = _build(demo_cfg, seed=5)(_copy(batch), training=True)
        return data['data_samples']['unsup_student'][0].metainfo[TILE_SOURCE_KEY]

    assert torch.equal(draw(0), draw(0))
    assert not torch.equal(draw(0), draw(1))


def test_permutation_stream_survives_state_dict_round_trip(demo_cfg, batch):
    preprocessor = _build(demo_cfg, seed=3)
    for _ in range(3):
        preprocessor(_copy(batch), training=True)
    resumed = _build(demo_cfg, seed=99)
    resumed.load_state_dict(preprocessor.state_dict())
    next_original = preprocessor(_copy(batch), training=True)
    next_resumed = resumed(_copy(batch), training=True)
    assert torch.equal(next_original['inputs']['unsup_student'],
                       next_resumed['inputs']['unsup_student'])


def test_mix_prob_zero_never_mixes_and_eval_never_mixes(demo_cfg, batch):
    never = _build(demo_cfg, mix_prob=0.0)(_copy(batch), training=True)
    assert TILE_SOURCE_KEY not in never['data_samples']['unsup_student'][0].metainfo
    val_batch = next(iter(Runner.build_dataloader(demo_cfg.val_dataloader, seed=0)))
    evaluated = _build(demo_cfg, mix_prob=1.0)(_copy(val_batch), training=False)
    not_mixing = _build(demo_cfg, mix_branches=())(_copy(val_batch), training=False)
    assert torch.equal(evaluated['inputs'], not_mixing['inputs'])
    assert all(TILE_SOURCE_KEY not in sample.metainfo for sample in evaluated['data_samples'])
    with pytest.raises(ValueError, match='mix_prob must be in \\[0, 1\\], got 1.5'):
        _build(demo_cfg, mix_prob=1.5)
    for key, value in (('group_size', 0), ('num_tiles', 2.0), ('largest_stride', True)):
        with pytest.raises(ValueError, match=f'{key} must be a positive integer, got {value}'):
            _build(demo_cfg, **{key: value})
