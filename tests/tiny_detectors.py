"""Shrinks any mmdet detector config (one-stage, two-stage, cascade) to a tiny CPU model."""
from typing import Optional

# ResNet-18 at a quarter of its width (stages of 16, 32, 64, 128 channels), from scratch
TINY_RESNET = dict(depth=18, base_channels=16, frozen_stages=-1,
                   norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False,
                   style='pytorch', init_cfg=None)
TINY_STAGE_CHANNELS = [16, 32, 64, 128]
TINY_CHANNELS = 32  # neck and heads (FCOS's GN head needs a multiple of its 32 groups)


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def shrink_detector(detector: dict, num_classes: Optional[int] = None) -> None:
    """Makes ``detector`` (an mmdet detector config, possibly with an UnmixNeck) tiny, in place.

    Only sizes change: every type, loss, assigner and stride of the config is kept, so the tiny
    model runs the config's code paths. ResNet backbones become TINY_RESNET, the neck
    TINY_CHANNELS wide, dense heads one conv deep, RoI heads 64-d, proposal and detection counts
    small; ``num_classes`` (if given) is set on every classifying head.
    """
    classes = {} if num_classes is None else dict(num_classes=num_classes)
    if detector.backbone.type == 'ResNet':
        detector.backbone.update(TINY_RESNET)
    neck = detector.neck.get('neck', detector.neck)  # inside UnmixNeck or not
    neck.update(in_channels=TINY_STAGE_CHANNELS[-len(neck.in_channels):],
                out_channels=TINY_CHANNELS)
    if detector.get('rpn_head'):
        detector.rpn_head.update(in_channels=TINY_CHANNELS, feat_channels=TINY_CHANNELS)
    if detector.get('roi_head'):
        detector.roi_head.bbox_roi_extractor.update(out_channels=TINY_CHANNELS)
        for head in _as_list(detector.roi_head.bbox_head):
            head.update(in_channels=TINY_CHANNELS, fc_out_channels=64, **classes)
    if detector.get('bbox_head'):  # one-stage
        detector.bbox_head.update(in_channels=TINY_CHANNELS, feat_channels=TINY_CHANNELS,
                                  stacked_convs=1, **classes)
    train_cfg = detector.get('train_cfg') or {}
    if train_cfg.get('rpn_proposal'):
        train_cfg.rpn_proposal.update(nms_pre=200, max_per_img=100)
    for rcnn in _as_list(train_cfg.get('rcnn')):
        if rcnn and rcnn.get('sampler') and 'num' in rcnn.sampler:
            rcnn.sampler.num = 32
    test_cfg = detector.get('test_cfg') or {}
    if test_cfg.get('rpn'):
        test_cfg.rpn.update(nms_pre=200, max_per_img=100)
    if test_cfg.get('rcnn'):
        test_cfg.rcnn.max_per_img = 20
    if 'nms_pre' in test_cfg:  # one-stage
        test_cfg.update(nms_pre=200, max_per_img=20)
