"""format_config_once (mum.utils, installed by tools/train.py and test.py): yapf once per text."""
import os.path as osp
import runpy

import mmengine.config.config as mmengine_config
import pytest
from conftest import REPO
from mmengine.config import Config


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_each_config_text_is_formatted_once(tool, monkeypatch):
    formatted = []

    def format_code(text, **kwargs):
        formatted.append(text)
        return f'# formatted\n{text}', True

    monkeypatch.setattr(mmengine_config, 'FormatCode', format_code)
    format_config_once = runpy.run_path(osp.join(REPO, 'tools', tool))['format_config_once']
    format_config_once()
    format_config_once()  # a second call (train.py, then test.py in one process) adds nothing
    first, second = Config(dict(lr=0.01)), Config(dict(lr=0.02))
    texts = [first.pretty_text, first.pretty_text, second.pretty_text, first.pretty_text]
    assert len(formatted) == 2  # one yapf run per distinct text
    assert texts[0] == texts[1] == texts[3] == f'# formatted\n{formatted[0]}'
    assert texts[2] == f'# formatted\n{formatted[1]}' and 'lr=0.02' in texts[2]
