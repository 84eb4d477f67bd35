"""Every relative link of README.md and docs/*.md names a file or folder of the tree."""
import glob
import os.path as osp
import re

import pytest
from conftest import REPO

# [text](target) and ![alt](target); a target ends at whitespace or the closing parenthesis
MARKDOWN_LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
DOCUMENTS = ['README.md', *sorted(osp.relpath(path, REPO)
                                  for path in glob.glob(osp.join(REPO, 'docs', '*.md')))]


def relative_links(text: str):
    """The link targets of ``text`` that point into the tree (no URL, no in-page anchor)."""
    for target in MARKDOWN_LINK.findall(text):
        if re.match(r'^[a-z][a-z0-9+.-]*:', target) or target.startswith('#'):
            continue
        yield target.split('#')[0]


def test_the_pattern_finds_links_and_skips_urls_and_anchors():
    text = ('see [a](docs/a.md#part), ![fig](figures/x.png "t"), [web](https://x.org/y), '
            '[here](#section)')
    assert list(relative_links(text)) == ['docs/a.md', 'figures/x.png']


@pytest.mark.parametrize('document', DOCUMENTS)
def test_relative_links_resolve(document):
    with open(osp.join(REPO, document), encoding='utf-8') as document_file:
        text = document_file.read()
    folder = osp.dirname(osp.join(REPO, document))
    broken = [target for target in relative_links(text)
              if not osp.exists(osp.normpath(osp.join(folder, target)))]
    assert broken == [], f'{document} links to missing files: {broken}'
