# Table 2: Unbiased Teacher with VOC12 trainval + COCO20cls as unlabeled data, one ConcatDataset
# (images drawn uniformly from the union), 90k iterations.
_base_ = './voc07_voc12_unbiased_teacher.py'

train_cfg = dict(max_iters=90000)
# the inner ConcatDataset records 'cumulative_sizes' in its metainfo; the outer one must not
# require the labeled source to have the same key
train_dataloader = dict(
    dataset=dict(
        ignore_keys=['cumulative_sizes'],
        datasets=[
            _base_.labeled_dataset,
            dict(type='ConcatDataset',
                 datasets=[_base_.unlabeled_dataset, _base_.coco20cls_dataset]),
        ]))
