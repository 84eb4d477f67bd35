"""tools/dist_train.sh CONFIG 2 on the CPU: two processes over gloo, as users launch it.

The run goes past burn-in, so the teacher takes EMA steps from each rank's student, whose
trainable BN statistics differ between the ranks (DDP does not sync buffers here): the teachers
are identical on both ranks only because EMATeacherHook averages them over the ranks.
"""
import glob
import os
import os.path as osp
import subprocess

import pytest
import torch
from conftest import REPO

RANK_DUMP_HOOK = '''
import torch
from mmdet.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook


@HOOKS.register_module()
class RankDumpHook(Hook):
    """Records this rank's MUM permutations, its teacher at the end of burn-in (iteration 1, after
    EMATeacherHook, registered before it, made the copy), and its teacher and student after
    training."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.sources = []
        self.burn_in = {}

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter == 0:
            model = runner.model.module
            self.burn_in = {role: {key: value.clone() for key, value in
                                   getattr(model, role).state_dict().items()}
                            for role in ('teacher', 'student')}

    def before_train(self, runner):
        preprocessor = runner.model.module.data_preprocessor
        mix_batch = preprocessor.mix_batch

        def recording_mix_batch(inputs, data_samples):
            mixed = mix_batch(inputs, data_samples)
            self.sources.append(data_samples[0].metainfo['mum_tile_source'].clone())
            return mixed

        preprocessor.mix_batch = recording_mix_batch

    def after_train(self, runner):
        model = runner.model.module
        torch.save(dict(teacher=model.teacher.state_dict(), student=model.student.state_dict(),
                        burn_in=self.burn_in, sources=self.sources),
                   f'{self.out_dir}/rank{get_rank()}.pth')
'''


@pytest.mark.slow
def test_two_processes_share_one_teacher_and_draw_different_tiles(demo_workspace, tmp_path):
    (tmp_path / 'rank_dump_hook.py').write_text(RANK_DUMP_HOOK)
    config = tmp_path / 'dist_demo.py'
    config.write_text(
        f"_base_ = '{osp.join(REPO, 'configs', 'mum', 'demo_mum.py')}'\n"
        "custom_imports = dict(imports=['mum', 'rank_dump_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [_base_.custom_hooks[0], "  # the EMA hook; no gallery
        f"dict(type='RankDumpHook', out_dir='{tmp_path}')]\n")
    work_dir = tmp_path / 'work_dir'
    env = dict(os.environ, PYTHONPATH=f'{tmp_path}:{os.environ.get("PYTHONPATH", "")}',
               PORT='29517', PYTHONWARNINGS='ignore')
    result = subprocess.run(
        ['bash', osp.join(REPO, 'tools', 'dist_train.sh'), str(config), '2', '--work-dir',
         str(work_dir), '--cfg-options', 'train_cfg.max_iters=3', 'train_cfg.val_interval=100',
         'default_hooks.checkpoint.interval=3', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False', 'default_hooks.logger.interval=1',
         'model.semi_train_cfg.burn_in_iters=1',  # then 2 EMA steps
         # trainable BN: each rank's statistics come from its own images
         'model.detector.backbone.norm_eval=False', 'model.detector.backbone.frozen_stages=-1'],
        cwd=demo_workspace, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    ranks = [torch.load(tmp_path / f'rank{r}.pth', weights_only=True) for r in (0, 1)]
    for key, value in ranks[0]['teacher'].items():
        assert torch.equal(value, ranks[1]['teacher'][key]), key
    # what the averaging removes: the students' BN statistics differ between the ranks ...
    bn_stats = [k for k in ranks[0]['student'] if k.endswith(('running_mean', 'running_var'))]
    assert bn_stats and any(not torch.equal(ranks[0]['student'][k], ranks[1]['student'][k])
                            for k in bn_stats)
    # ... and the teacher took EMA steps after the end-of-burn-in copy: it moved from that copy
    # and is no copy of the student
    teacher, student = ranks[0]['teacher'], ranks[0]['student']
    burn_in = ranks[0]['burn_in']
    # (the end-of-burn-in copy: equal but for the BN statistics, which are the ranks' mean)
    assert all(torch.equal(value, burn_in['student'][key])
               for key, value in burn_in['teacher'].items() if key not in bn_stats)
    for other in (student, burn_in['teacher']):
        assert any(not torch.equal(value, other[key]) for key, value in teacher.items()
                   if value.is_floating_point())
    assert len(ranks[0]['sources']) == len(ranks[1]['sources']) == 3
    assert any(not torch.equal(a, b) for a, b in zip(ranks[0]['sources'], ranks[1]['sources']))
    assert len(glob.glob(str(work_dir / '*' / '*.log'))) == 1  # logs written once
    checkpoints = sorted(osp.basename(p) for p in glob.glob(str(work_dir / '*.pth')))
    assert checkpoints == ['best_teacher_coco_bbox_mAP_iter_3.pth', 'iter_3.pth']
