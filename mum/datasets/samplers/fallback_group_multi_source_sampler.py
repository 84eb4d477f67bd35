"""mmdet's GroupMultiSourceSampler, safe when a source has no image of an aspect-ratio group."""
import logging
from typing import List, Optional, Union

from mmdet.datasets.samplers import GroupMultiSourceSampler
from mmdet.registry import DATA_SAMPLERS
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

GROUP_NAMES = ('portrait', 'landscape')


@DATA_SAMPLERS.register_module()
class FallbackGroupMultiSourceSampler(GroupMultiSourceSampler):
    """Batches with images of one aspect group (portrait / landscape) from every source.

    mmdet's sampler loops forever without yielding when a source has no image of a group that
    another source has (e.g. all labeled images landscape, some unlabeled ones portrait). Here
    such a source draws, for that group, from its other group instead (batches of that group
    then mix aspects for this source, which only costs some padding); this is logged once.
    A source without any image is an error.

    Args:
        dataset (BaseDataset): A ConcatDataset of the sources.
        batch_size (int): Images per batch (all sources together).
        source_ratio (list[int | float]): Share of each source in a batch.
        shuffle (bool): Shuffle within each source and group. Defaults to True.
        seed (int, optional): Random seed. Defaults to None.
    """

    def __init__(self,
                 dataset: BaseDataset,
                 batch_size: int,
                 source_ratio: List[Union[int, float]],
                 shuffle: bool = True,
                 seed: Optional[int] = None) -> None:
        for source, sub_dataset in enumerate(dataset.datasets):
            if len(sub_dataset) == 0:
                raise ValueError(
                    f'Training source {source} ({type(sub_dataset).__name__}, ann_file '
                    f'{getattr(sub_dataset, "ann_file", "?")!r}) has no image; every source '
                    'of the multi-source sampler needs at least one.')
        super().__init__(dataset=dataset, batch_size=batch_size, source_ratio=source_ratio,
                         shuffle=shuffle, seed=seed)
        for source in range(len(dataset.datasets)):
            sizes = self.group2size_per_source[source]
            for group, other in ((0, 1), (1, 0)):
                if sizes[group] == 0:
                    print_log(
                        f'Training source {source} has no {GROUP_NAMES[group]} image; its share '
                        f'of {GROUP_NAMES[group]} batches is drawn from its '
                        f'{sizes[other]} {GROUP_NAMES[other]} images.',
                        logger='current', level=logging.WARNING)
                    self.group2inds_per_source[source][group] = \
                        self.group2inds_per_source[source][other]
                    self.group_source2inds[group][source] = self.group_source2inds[other][source]
