"""Top-k accuracy and error of a classifier (mmdet has none; mmpretrain is not a dependency)."""
from typing import List, Sequence

import torch
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric


@METRICS.register_module()
class TopKAccuracy(BaseMetric):
    """Percentage of images whose true class is among the ``k`` highest scores, and its error.

    Reads ``pred_score`` (num_classes,) and ``gt_label`` (0-d) of every predicted sample.
    Reports ``top{k}_acc`` and ``top{k}_err`` (= 100 - acc) for every k in ``topk``.

    Args:
        topk (Sequence[int]): The k values. Defaults to (1, 5).
        collect_device (str): Where results are gathered across ranks. Defaults to 'cpu'.
        prefix (str): Prefix of the metric names. Defaults to 'cls'.
    """
    default_prefix = 'cls'

    def __init__(self, topk: Sequence[int] = (1, 5), collect_device: str = 'cpu',
                 prefix: str = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not topk or any(isinstance(k, bool) or not isinstance(k, int) or k < 1
                           for k in topk):
            raise ValueError(f'TopKAccuracy: topk must be positive integers, got {topk!r}.')
        self.topk = tuple(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Stores, per sample, the rank of the true class's score (0 = the highest)."""
        for sample in data_samples:
            score, label = sample['pred_score'], sample['gt_label']
            if max(self.topk) > len(score):
                raise ValueError(f'TopKAccuracy: topk {self.topk} exceeds the '
                                 f'{len(score)} classes.')
            rank = int((score > score[label]).sum())
            self.results.append(rank)

    def compute_metrics(self, results: List[int]) -> dict:
        ranks = torch.tensor(results)
        metrics = {}
        for k in self.topk:
            accuracy = (ranks < k).float().mean().item() * 100
            metrics[f'top{k}_acc'] = accuracy
            metrics[f'top{k}_err'] = 100 - accuracy
        return metrics
