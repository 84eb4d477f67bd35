"""A one-weight model and an mmengine runner around it: the runner and hook failure paths in a
second, without the detector."""
import uuid

import torch
import torch.nn as nn
from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.model import BaseModel
from mmengine.runner import Runner

from mum.engine.hooks import WeightsOnlyCheckpointHook


class OneWeight(BaseModel):
    """loss = weight * mean(inputs); predictions are the weight."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1))

    def forward(self, inputs, data_samples=None, mode='loss'):
        if mode == 'loss':
            return dict(loss=(self.weight * torch.stack(inputs)).mean())
        return [self.weight.detach().clone() for _ in inputs]


class RisingScore(BaseMetric):
    """A metric ``score`` that improves at every evaluation (1, 2, 3, ...)."""

    def __init__(self):
        super().__init__()
        self.evaluations = 0

    def process(self, data_batch, data_samples):
        self.results.append(0)

    def compute_metrics(self, results):
        self.evaluations += 1
        return dict(score=float(self.evaluations))


def toy_runner(work_dir, runner_type=Runner, model=None, max_iters=3, validate=False,
               train_cfg=None, num_samples=8, **kwargs):
    """An iteration-based runner of ``model`` (default :class:`OneWeight`) in ``work_dir``.

    Args:
        work_dir: Output folder.
        runner_type (type): Runner class. Defaults to mmengine's Runner.
        model (BaseModel, optional): The model.
        max_iters (int): Training length. Defaults to 3.
        validate (bool): Validate with :class:`RisingScore` after every iteration.
        train_cfg (dict, optional): Keys that replace those of the iteration-based train loop.
        num_samples (int): Dataset length. mmengine's iteration-based loop sleeps 2 s each time
            the dataset is exhausted, so long runs need about ``max_iters`` samples.
        **kwargs: Further Runner arguments (hooks, resume, load_from, ...); by default a
            checkpoint is written after every iteration.
    """
    loader = dict(dataset=[dict(inputs=torch.ones(1))] * num_samples, batch_size=1,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='pseudo_collate'))
    # as in configs/_base_/default_runtime.py: checkpoints load with weights_only=True
    kwargs['custom_hooks'] = [WeightsOnlyCheckpointHook(), *kwargs.get('custom_hooks', [])]
    kwargs.setdefault('default_hooks',
                      dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1)))
    loop = {**dict(by_epoch=False, max_iters=max_iters, val_interval=1), **(train_cfg or {})}
    if validate:
        kwargs.update(val_dataloader=loader, val_cfg=dict(),
                      val_evaluator=Evaluator(RisingScore()))
    return runner_type(
        model=model or OneWeight(), work_dir=str(work_dir), train_dataloader=loader,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)), train_cfg=loop,
        experiment_name=f'toy_{uuid.uuid4().hex}', **kwargs)  # a fresh MessageHub per runner
