# Table 3, cell NG = 2, NT = 4: MUM, COCO-Standard 1 % fold 1, 45k iterations, batch 12 + 12 on
# one GPU, seed 0 (settings of ./coco-standard_r50_1pct_fold1_45k_ng4_nt4.py).
_base_ = './coco-standard_r50_1pct_fold1_45k_ng4_nt4.py'

model = dict(data_preprocessor=dict(group_size=2))
