# Unbiased Teacher's strong augmentation (MUM_SPEC section 4.1), in two parts that other pipelines
# reuse: colour noise, and the three cutout-style random erasings filled with uniform noise.
colour_noise = [
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, prob=0.8),
    dict(type='RandomLumaGrayscale', prob=0.2),
    dict(type='RandomGaussianBlur', sigma_range=(0.1, 2.0), prob=0.5),
]
random_erasing = [
    dict(type='RandomErasingArea', prob=0.7, scale=(0.05, 0.2), ratio=(0.3, 3.3)),
    dict(type='RandomErasingArea', prob=0.5, scale=(0.02, 0.2), ratio=(0.1, 6.0)),
    dict(type='RandomErasingArea', prob=0.3, scale=(0.02, 0.2), ratio=(0.05, 8.0)),
]
