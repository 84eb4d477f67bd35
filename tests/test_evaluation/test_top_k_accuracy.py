import pytest
import torch

from mum.evaluation import TopKAccuracy


def _sample(scores, label):
    return dict(pred_score=torch.tensor(scores), gt_label=torch.tensor(label))


def test_counts_the_rank_of_the_true_class():
    metric = TopKAccuracy(topk=(1, 2))
    metric.process(None, [
        _sample([0.7, 0.2, 0.1], 0),  # rank 0
        _sample([0.2, 0.5, 0.3], 2),  # rank 1
        _sample([0.1, 0.3, 0.6], 0),  # rank 2
        _sample([0.1, 0.8, 0.1], 1),  # rank 0
    ])
    results = metric.evaluate(4)
    assert results == pytest.approx({'cls/top1_acc': 50.0, 'cls/top1_err': 50.0,
                                     'cls/top2_acc': 75.0, 'cls/top2_err': 25.0})


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match='positive integers'):
        TopKAccuracy(topk=(0, ))
    metric = TopKAccuracy(topk=(5, ))
    with pytest.raises(ValueError, match='exceeds the 3 classes'):
        metric.process(None, [_sample([0.5, 0.3, 0.2], 0)])
