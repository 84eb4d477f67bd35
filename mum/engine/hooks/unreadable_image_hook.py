"""Logs the unreadable images a training dataset skipped, per interval, and stops past a limit."""
import logging
from typing import Optional

from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.runner import Runner


@HOOKS.register_module()
class UnreadableImageHook(Hook):
    """Every ``interval`` iterations (and after the last), asks each training source that skips
    unreadable images (``CheckedCocoDataset(max_unreadable_fraction=...)``) which files it
    skipped since the last time, and logs their number and names as a warning. The dataset
    raises ``UnreadableImageError`` past its limit, which stops training with that sentence.

    Args:
        interval (int): Iterations between two reports. Defaults to 50.
    """
    priority = 'BELOW_NORMAL'

    def __init__(self, interval: int = 50) -> None:
        self.interval = interval

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Collects and logs the skipped files of every source."""
        if not (self.every_n_train_iters(runner, self.interval)
                or self.is_last_train_iter(runner)):
            return
        dataset = runner.train_dataloader.dataset
        for source in getattr(dataset, 'datasets', [dataset]):
            if not hasattr(source, 'collect_unreadable'):
                continue
            new = source.collect_unreadable()
            if new:
                runner.logger.log(
                    logging.WARNING,
                    f'{len(new)} unreadable image(s) of {source.ann_file} skipped and replaced '
                    f'by others of the same file up to iteration {runner.iter + 1} '
                    f'({len(source.unreadable_files)} so far of {len(source)}, limit '
                    f'{source.max_unreadable_fraction:.1%}): {", ".join(new)}.')
