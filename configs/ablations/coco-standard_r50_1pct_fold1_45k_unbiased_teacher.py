# Table 3, baseline cell: Unbiased Teacher under the ablation settings (COCO-Standard 1 % fold 1,
# 45k iterations, batch 12 + 12 on one GPU, seed 0). Mixing probability 0 never mixes nor pads the
# student batch, which is then exactly the Unbiased Teacher step.
_base_ = './coco-standard_r50_1pct_fold1_45k_ng4_nt4.py'

model = dict(data_preprocessor=dict(mix_prob=0.0))
