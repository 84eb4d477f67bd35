import itertools

import pytest
from mmengine.dataset import BaseDataset, ConcatDataset

from mum.datasets.samplers import FallbackGroupMultiSourceSampler


class _Sizes(BaseDataset):
    """A dataset of image sizes only: (width, height) per image."""

    def __init__(self, sizes):
        self.sizes = sizes
        super().__init__(lazy_init=False, serialize_data=False)

    def load_data_list(self):
        return [dict(width=w, height=h) for w, h in self.sizes]


def _concat(labeled, unlabeled):
    return ConcatDataset([_Sizes(labeled), _Sizes(unlabeled)])


def test_source_without_portrait_images_still_yields_batches():
    # mmdet's GroupMultiSourceSampler never yields here: labeled has no portrait image
    dataset = _concat([(640, 480)] * 3, [(480, 640)] * 4 + [(640, 480)] * 2)
    sampler = FallbackGroupMultiSourceSampler(dataset, batch_size=4, source_ratio=[1, 1], seed=0)
    indices = list(itertools.islice(iter(sampler), 40))
    labeled = [i for k, i in enumerate(indices) if k % 4 < 2]
    unlabeled = [i for k, i in enumerate(indices) if k % 4 >= 2]
    assert all(i < 3 for i in labeled) and all(3 <= i < 9 for i in unlabeled)


def test_empty_source_is_a_clear_error():
    with pytest.raises(ValueError, match='Training source 1 .* has no image'):
        FallbackGroupMultiSourceSampler(_concat([(640, 480)], []), batch_size=2,
                                        source_ratio=[1, 1])
