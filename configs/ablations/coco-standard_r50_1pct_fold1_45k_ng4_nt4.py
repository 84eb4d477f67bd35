# Table 3 (NG x NT ablation), cell NG = NT = 4: MUM, COCO-Standard 1 % fold 1, 45k iterations,
# seed 0 (paper 18.99 AP). Batch 12 labeled + 12 unlabeled on ONE GPU (python tools/train.py):
# the 12 unlabeled images are one mixing batch, so NG up to 12 forms full groups; lr stays 0.01.
_base_ = ['../_base_/recipes/mum.py', '../_base_/datasets/semi_coco.py']

labeled_per_gpu = 12
unlabeled_per_gpu = 12
train_dataloader = dict(
    batch_size=labeled_per_gpu + unlabeled_per_gpu,
    sampler=dict(
        batch_size=labeled_per_gpu + unlabeled_per_gpu,
        source_ratio=[labeled_per_gpu, unlabeled_per_gpu]),
    dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file='semi_anns/instances_train2017.1@1.json'),
        dict(_base_.unlabeled_dataset,
             ann_file='semi_anns/instances_train2017.1@1-unlabeled.json'),
    ]))
train_cfg = dict(max_iters=45000)
randomness = dict(seed=0)
