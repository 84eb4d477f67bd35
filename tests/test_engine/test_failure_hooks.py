import os.path as osp
from types import SimpleNamespace

import pytest
from mmengine.hooks import CheckpointHook
from mmengine.logging import MessageHub
from toy_runner import OneWeight, toy_runner

from mum.engine.hooks import FiniteLossHook, NonFiniteLossError


def _runner(last_ckpt=None):
    hub = MessageHub.get_instance('test_failure_hooks')
    hub.update_info('last_ckpt', last_ckpt)
    return SimpleNamespace(iter=41, message_hub=hub)


def test_nan_loss_names_the_term_iteration_and_last_checkpoint():
    with pytest.raises(NonFiniteLossError,
                       match=r'unsup_loss_cls=nan at iteration 42: training stopped; the last '
                       r'good checkpoint is work_dirs/x/iter_40.pth'):
        FiniteLossHook().after_train_iter(
            _runner('work_dirs/x/iter_40.pth'), 0,
            outputs=dict(loss=float('nan'), sup_loss_cls=0.3, unsup_loss_cls=float('nan'),
                         unsup_pseudo_boxes_per_img=0.0))


def test_inf_without_checkpoint_and_finite_losses_pass():
    with pytest.raises(NonFiniteLossError, match='none \\(no checkpoint was written yet\\)'):
        FiniteLossHook().after_train_iter(_runner(), 0, outputs=dict(loss_bbox=float('inf')))
    FiniteLossHook().after_train_iter(_runner(), 0, outputs=dict(loss=1.0, sup_acc=float('nan')))


class _LossTurnsNaN(OneWeight):
    """OneWeight whose loss is NaN from iteration ``nan_at`` (1-based) on."""

    def __init__(self, nan_at):
        super().__init__()
        self.nan_at = nan_at

    def forward(self, inputs, data_samples=None, mode='loss'):
        losses = super().forward(inputs, data_samples, mode)
        if MessageHub.get_current_instance().get_info('iter') + 1 >= self.nan_at:
            losses['loss'] = losses['loss'] * float('nan')
        return losses


def test_nan_iteration_writes_no_checkpoint(tmp_path):
    runner = toy_runner(tmp_path, model=_LossTurnsNaN(nan_at=3), max_iters=5,
                        default_hooks=dict(checkpoint=CheckpointHook(interval=1, by_epoch=False)),
                        custom_hooks=[FiniteLossHook()])
    last_good = osp.join(str(tmp_path), 'iter_2.pth')
    with pytest.raises(NonFiniteLossError, match=f'at iteration 3: .* checkpoint is {last_good}'):
        runner.train()
    assert osp.isfile(last_good)
    assert not osp.exists(osp.join(str(tmp_path), 'iter_3.pth'))
    with open(osp.join(str(tmp_path), 'last_checkpoint')) as last_checkpoint:
        assert last_checkpoint.read() == last_good
