"""The CUDA path: tile mixing in fp32/fp16/bf16, one MUMTeacher training step with and without
AMP (float16) on the Faster R-CNN and the DINO demo configs, the EMA update, and
tools/train.py --amp.

Tests that need a GPU are marked ``cuda`` and skipped where torch sees none (tests/conftest.py);
tools/misc/gpu_check.sh runs them on a GPU machine. Where a check also makes sense on the CPU,
the same test runs there too, so that its code is exercised on every machine.
"""
import copy
import glob
import itertools
import json
import math
import os.path as osp
from typing import Optional

import pytest
import torch
from conftest import REPO, exit_in_process, run_tool
from demo_batches import demo_config, first_batch
from mmdet.registry import MODELS
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from mum.engine.hooks import EMATeacherHook
from mum.ops.tiles import mix_tiles, sample_tile_permutation, tile_exact_size, unmix_tiles

CUDA = pytest.param('cuda', marks=pytest.mark.cuda)
DTYPES = [torch.float32, torch.float16, torch.bfloat16]
TRAIN = osp.join(REPO, 'tools', 'train.py')
MUM_DEMO = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')


@pytest.mark.parametrize('dtype', DTYPES, ids=str)
@pytest.mark.parametrize('device', ['cpu', CUDA])
def test_mix_and_unmix_are_exact_on_the_device(device, dtype):
    # 7 images: one group of 4 and a remainder group of 3; unit grid of 16 px, 4 x 4 tiles
    height, width = tile_exact_size(100, 150, 4, 16)
    units = (height // 16, width // 16)
    images = torch.randn(7, 3, height, width).to(dtype)
    source = sample_tile_permutation(7, 4, 4, torch.Generator().manual_seed(1), device=device)
    mixed = mix_tiles(images.to(device), source, units)
    assert mixed.device.type == device and mixed.dtype == dtype
    assert not torch.equal(mixed.cpu(), images)
    # the same bits as on the CPU, and unmixing restores every image exactly, with the
    # permutation on the device or (as the data preprocessor keeps it) on the CPU
    assert torch.equal(mixed.cpu(), mix_tiles(images, source.cpu(), units))
    assert torch.equal(unmix_tiles(mixed, source, units).cpu(), images)
    assert torch.equal(unmix_tiles(mixed, source.cpu(), units).cpu(), images)
    for stride in (2, 4, 8, 16):  # feature levels: the same grid, fewer cells per unit
        level = torch.randn(7, 5, height // stride, width // stride).to(dtype).to(device)
        assert torch.equal(unmix_tiles(mix_tiles(level, source, units), source, units), level)


# the MUM demo configs, each with a tau at which a random teacher gives pseudo-labels (DINO's
# sigmoid scores start near 0.01)
MUM_DEMOS = {'faster-rcnn': ('mum/demo_mum.py', 0.05), 'dino': ('mum/demo_dino_mum.py', 0.001)}


@pytest.fixture(scope='module', params=list(MUM_DEMOS))
def mum_demo(demo_workspace, request):
    """A MUM demo config (no burn-in: pseudo-labels flow from a random teacher) and one real
    training batch of the tiny demo data."""
    name, tau = MUM_DEMOS[request.param]
    cfg = demo_config(name, osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.cls_pseudo_thr = tau
    cfg.model.semi_train_cfg.burn_in_iters = 0
    return cfg, first_batch(cfg)


def _model_on(cfg, device: str):
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    # as the runner does: DINO leaves some parameters (level embeddings) uninitialised memory
    # until init_weights, which held NaN in some test sessions
    model.init_weights()
    model = model.to(device)
    EMATeacherHook().ema_update(model, keep=0.0)  # the teacher starts as the student
    return model


def _devices(module: torch.nn.Module) -> set:
    return {t.device for t in itertools.chain(module.parameters(), module.buffers())}


def _optim_wrapper(model, amp_dtype: Optional[str]):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    if amp_dtype is None:
        return OptimWrapper(optimizer)
    from mmengine.optim import AmpOptimWrapper  # asserts a GPU when built
    return AmpOptimWrapper(optimizer=optimizer, loss_scale='dynamic', dtype=amp_dtype)


# AMP in float16, as --amp does: mmcv 2.1.0's CUDA RoIAlign has no bfloat16 kernel
@pytest.mark.parametrize('device, amp_dtype', [
    ('cpu', None),
    pytest.param('cuda', None, marks=pytest.mark.cuda),
    pytest.param('cuda', 'float16', marks=pytest.mark.cuda),
])
def test_mum_teacher_training_step_on_the_device(mum_demo, device, amp_dtype):
    cfg, batch = mum_demo
    model = _model_on(cfg, device)
    # teacher, student and the preprocessor's mixed student batch all on the one device
    assert _devices(model.teacher) == _devices(model.student)
    assert {d.type for d in _devices(model.student)} == {device}
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    assert data['inputs']['unsup_student'].device.type == device
    assert all('mum_tile_source' in s.metainfo for s in data['data_samples']['unsup_student'])

    MessageHub.get_current_instance().update_info('iter', 10)
    optim_wrapper = _optim_wrapper(model, amp_dtype)
    student_before = [p.detach().clone() for p in model.student.parameters()]
    teacher_before = [p.detach().clone() for p in model.teacher.parameters()]
    # fp16's dynamic loss scale (2**16 at first) skips each step whose scaled gradients
    # overflow and halves itself: 4 steps were too few on an H100 (2026-11-27). After 16 halvings
    # the scale is 1, so a step still skipped then has non-finite gradients of its own.
    scales = []
    for _ in range(17):
        log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
        assert all(math.isfinite(float(v)) for v in log_vars.values()), log_vars
        if amp_dtype is not None:
            scales.append(optim_wrapper.loss_scaler.get_scale())
        if any(not torch.equal(p, b) for p, b in zip(model.student.parameters(), student_before)):
            break
    else:
        pytest.fail(f'17 training steps left every student parameter unchanged; loss scale after '
                    f'each step: {scales}')
    assert log_vars['unsup_pseudo_boxes_per_img'] > 0, log_vars
    assert log_vars['unsup_loss_cls'] > 0, log_vars
    assert all(torch.equal(p, b) for p, b in zip(model.teacher.parameters(), teacher_before))
    assert _devices(model.teacher) == _devices(model.student)


@pytest.mark.parametrize('device', ['cpu', CUDA])
def test_ema_update_on_the_device(mum_demo, device):
    model = _model_on(mum_demo[0], device)
    with torch.no_grad():
        for tensor in model.student.state_dict().values():
            if tensor.dtype.is_floating_point:
                tensor.add_(torch.randn_like(tensor))
            else:
                tensor.add_(3)
    teacher = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    student = {k: v.clone() for k, v in model.student.state_dict().items()}
    EMATeacherHook().ema_update(model, keep=0.9)
    for key, value in model.teacher.state_dict().items():
        assert value.device == student[key].device and value.dtype == student[key].dtype, key
        if value.dtype.is_floating_point:
            expected = 0.9 * teacher[key].double() + 0.1 * student[key].double()
            torch.testing.assert_close(value.double(), expected, rtol=1e-5, atol=1e-6)
        else:
            assert torch.equal(value, student[key]), key


@pytest.mark.cuda
def test_train_with_amp_on_the_demo_config(demo_workspace):
    work_dir = osp.join(demo_workspace, 'work_dirs', 'amp')
    result = run_tool([
        TRAIN, MUM_DEMO, '--amp', '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_iters=3', 'train_cfg.val_interval=3', 'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=3', 'model.semi_train_cfg.burn_in_iters=1',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False'
    ], cwd=demo_workspace, timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert 'Iter(train) [3/3]' in log and log.count('Evaluating bbox...') == 2
    checkpoint = torch.load(osp.join(work_dir, 'iter_3.pth'), map_location='cpu',
                            weights_only=True)
    assert 'loss_scaler' in checkpoint['optimizer']  # AmpOptimWrapper's state: AMP was on
    [scalars] = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        records = [json.loads(line) for line in f]
    train = [r for r in records if 'loss' in r]
    assert len(train) == 3 and all(math.isfinite(r['loss']) for r in train)
    assert any('unsup_loss_cls' in r for r in train)  # the teacher's pseudo-labels after burn-in


@pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has a GPU')
def test_amp_without_a_gpu_is_refused_in_one_sentence():
    message = exit_in_process(TRAIN, MUM_DEMO, '--amp')
    assert message == ("--amp needs a CUDA, NPU, MLU or MUSA device (mmengine's AmpOptimWrapper), "
                       'and this machine has only cpu.')
