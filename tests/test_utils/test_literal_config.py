"""A config text stored in a checkpoint is read as data and never executed."""
import pytest
from mmengine.config import Config

from mum.utils.literal_config import UnsafeConfigError, parse_literal_config


def test_mmengine_pretty_text_reads_back_equal():
    cfg = Config(dict(model=dict(type='MUMTeacher', thr=0.7, sizes=[(1333, 800), (-1, 2)],
                                 flags={'a': True, 'b': None}),
                      classes=('cat', 'dog'), lr=-1e-3, work_dir='work_dirs/x'))
    assert parse_literal_config(cfg.pretty_text) == cfg.to_dict()


@pytest.mark.parametrize('text, node', [
    ("x = __import__('os').system('touch pwned')\n", 'Call'),
    ("import os\n", 'Import'),
    ("x = dict(a=open('f'))\n", 'Call'),
    ("x = dict(**other)\n", 'Call'),
    ("x = [i for i in range(3)]\n", 'ListComp'),
    ("x = 1 + 2\n", 'BinOp'),
    ("x = y.z\n", 'Attribute'),
    ("x.y = 1\n", 'Assign'),
])
def test_anything_but_data_is_refused_by_line(text, node, tmp_path):
    with pytest.raises(UnsafeConfigError, match=f'^the cfg holds code, not only data \\(a {node} '
                       'at line 1\\); it is never run.$'):
        parse_literal_config(text, 'the cfg')
