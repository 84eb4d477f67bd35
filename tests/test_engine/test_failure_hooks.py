from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub

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
