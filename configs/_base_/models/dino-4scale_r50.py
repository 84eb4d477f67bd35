# DINO as a teacher-student detector: mmdet's DINO 4-scale R50 model, read from mmdet's own config
# and unchanged, plus the pseudo-label and optimiser settings that go with it. mmdet ships DINO
# only as a full config (data and schedule included), which would clash with the semi-supervised
# dataset base beside it, so its `model` is read here and offered as `dino_detector`.
_base_ = []
from mmengine.hub import get_config  # noqa: E402

dino_detector = get_config('mmdet::dino/dino-4scale_r50_8xb2-12e_coco.py').model
del get_config

# Pseudo-labels on a set-prediction detector, following MixPL (Chen et al. 2023, DINO configs on
# MMDetection 3) and Semi-DETR (Zhang et al. 2023):
# - cls_pseudo_thr 0.4: MixPL's DINO threshold and Semi-DETR's initial one; DINO's sigmoid focal
#   scores run lower than a softmax head's, so Faster R-CNN's 0.7 keeps few boxes;
# - classification and boxes: both train every DINO term on pseudo-labels (one-to-one matching
#   assigns each pseudo-box a single query, so box regression on a wrong box costs one query);
#   ('*loss_cls', ) trains classification only, as Unbiased Teacher does for Faster R-CNN;
# - denoising queries: mmdet's DINO builds them from whatever boxes the student is given, so on
#   the unlabeled branch they are noised pseudo-boxes, as in MixPL. Their terms are
#   dino_denoising_terms; leave them out of unsup_loss_keys to train no denoising on
#   pseudo-labels (the matching queries cannot attend to the denoising ones, so they are
#   unaffected either way);
# - unsup_weight 2: MixPL's.
dino_matching_terms = ('loss_cls', 'loss_bbox', 'loss_iou', 'd*.loss_cls', 'd*.loss_bbox',
                       'd*.loss_iou', 'enc_loss_cls', 'enc_loss_bbox', 'enc_loss_iou')
dino_denoising_terms = ('dn_loss_cls', 'dn_loss_bbox', 'dn_loss_iou', 'd*.dn_loss_cls',
                        'd*.dn_loss_bbox', 'd*.dn_loss_iou')
dino_semi_train_cfg = dict(
    cls_pseudo_thr=0.4, unsup_weight=2.0,
    unsup_loss_keys=dino_matching_terms + dino_denoising_terms)

# mmdet's DINO optimiser: AdamW 1e-4, the backbone at a tenth, gradients clipped at norm 0.1
dino_optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.0001, weight_decay=0.0001),
    clip_grad=dict(max_norm=0.1, norm_type=2),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
