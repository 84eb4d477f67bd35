# MUM on DINO: ./unbiased_teacher_dino.py + mixing the student's unlabeled images (NG = NT = 4,
# p = 1). DINO's ChannelMapper gives 4 levels at strides 8-64 (the last from a stride-2 conv), so
# tile borders lie on the stride-64 grid and every level, the encoder's input, is unmixed exactly.
_base_ = './unbiased_teacher_dino.py'

model = dict(data_preprocessor=dict(_base_.mum_data_preprocessor, largest_stride=64))
