import math

import pytest
import torch
import torch.nn.functional as F

from mum.models.losses import SoftmaxFocalLoss, softmax_focal_loss


def test_gamma_zero_is_cross_entropy():
    logits = torch.randn(12, 7)
    labels = torch.randint(0, 7, (12, ))
    loss = SoftmaxFocalLoss(gamma=0.0)(logits, labels, avg_factor=12)
    assert torch.allclose(loss, F.cross_entropy(logits, labels))


def test_matches_a_hand_computation():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    labels = torch.tensor([0, 2])
    expected = []
    for row, label in zip(logits.tolist(), labels.tolist()):
        prob = math.exp(row[label]) / sum(math.exp(v) for v in row)
        expected.append(-(1 - prob)**1.5 * math.log(prob))
    per_sample = softmax_focal_loss(logits, labels, gamma=1.5)
    assert torch.allclose(per_sample, torch.tensor(expected), atol=1e-6)
    mean = SoftmaxFocalLoss(gamma=1.5, loss_weight=2.0)(logits, labels, avg_factor=2)
    assert mean.item() == pytest.approx(2.0 * sum(expected) / 2, rel=1e-5)


def test_weights_and_negative_gamma():
    logits = torch.randn(4, 3)
    labels = torch.tensor([0, 1, 2, 0])
    weight = torch.tensor([1.0, 0.0, 1.0, 0.0])
    loss = SoftmaxFocalLoss()(logits, labels, weight=weight, avg_factor=2)
    expected = (softmax_focal_loss(logits, labels, 1.5) * weight).sum() / 2
    assert torch.allclose(loss, expected)
    with pytest.raises(ValueError, match='gamma must be >= 0'):
        SoftmaxFocalLoss(gamma=-1)
