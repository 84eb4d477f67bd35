# Table 6, MUM: the ResNet-50 baseline with every training batch tile-mixed in groups of 4 with
# NT = 4 (p = 1) and the features unmixed after layer-1 (stride 4, so a grid unit of 4 px and
# tiles of 56 px at 224), labels unchanged. Paper: 22.39 top-1 error.
_base_ = './resnet50_imagenet.py'

model = dict(
    unmix_after='layer1',
    data_preprocessor=dict(
        type='MUMImgDataPreprocessor', group_size=4, num_tiles=4, mix_prob=1.0,
        largest_stride=4))
