# Table 3, cell NG = 4, NT = 8: MUM, COCO-Standard 1 % fold 1, 45k iterations, batch 12 + 12 on
# one GPU, seed 0 (settings of ./coco-standard_r50_1pct_fold1_45k_ng4_nt4.py).
# Tiles stay on the stride-64 grid: the student batch is padded to >= 8 x 64 = 512 px a side.
_base_ = './coco-standard_r50_1pct_fold1_45k_ng4_nt4.py'

model = dict(data_preprocessor=dict(num_tiles=8))
