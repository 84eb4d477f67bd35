"""The number of object classes of an mmdet detector, read from its box head."""
from torch import nn


def detector_num_classes(detector: nn.Module) -> int:
    """``num_classes`` of the detector's (last) box head.

    Args:
        detector (nn.Module): A two-stage (``roi_head.bbox_head``, a ModuleList for Cascade
            R-CNN) or one-stage / DETR (``bbox_head``) mmdet detector.

    Returns:
        int: The number of object classes.

    Raises:
        ValueError: When the detector has neither head.
    """
    roi_head = getattr(detector, 'roi_head', None)
    head = roi_head.bbox_head if roi_head is not None else getattr(detector, 'bbox_head', None)
    if isinstance(head, nn.ModuleList):
        head = head[-1]
    if head is None or not isinstance(getattr(head, 'num_classes', None), int):
        raise ValueError(f'{type(detector).__name__} has no roi_head.bbox_head or bbox_head '
                         'with num_classes: the pseudo-label thresholds need the class count.')
    return head.num_classes
