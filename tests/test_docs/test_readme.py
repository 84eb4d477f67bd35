"""README.md stays short, and its setup and test commands are the ones CI runs verbatim."""
import os.path as osp
import re

import pytest
from conftest import REPO

README = osp.join(REPO, 'README.md')
CI_SCRIPT = osp.join(REPO, '.ci', 'run')
MAX_README_LINES = 210  # the two generated result tables (BCCD, thresholds) included
# .ci/run marks the README's commands with these comments; the command is the next non-blank line
CI_MARKERS = ('# README: setup', '# README: tests')


def read(path: str) -> str:
    with open(path, encoding='utf-8') as text_file:
        return text_file.read()


def commands_after_markers(script: str, markers=CI_MARKERS) -> dict:
    """For each marker comment of ``script``, the first non-blank, non-comment line after it."""
    lines = script.splitlines()
    commands = {}
    for marker in markers:
        starts = [i for i, line in enumerate(lines) if line.strip() == marker]
        assert len(starts) == 1, f'.ci/run should hold the line {marker!r} exactly once'
        following = (line.strip() for line in lines[starts[0] + 1:])
        commands[marker] = next(
            (line for line in following if line and not line.startswith('#')), None)
        assert commands[marker], f'no command after {marker!r} in .ci/run'
    return commands


def code_block_lines(markdown: str):
    """The lines inside fenced code blocks, stripped, with any trailing ``# comment`` removed."""
    inside = False
    for line in markdown.splitlines():
        if line.lstrip().startswith('```'):
            inside = not inside
            continue
        if inside:
            yield re.sub(r'\s+#.*$', '', line).strip()


def test_readme_stays_short():
    lines = read(README).splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f'README.md has {len(lines)} lines; keep it at most {MAX_README_LINES} and move detail '
        'to docs/')


def layout_paths(markdown: str) -> list:
    """The paths named by the README's "Code layout" block: the first column of each line, where
    ``a/b/, c/`` names ``a/b/`` and its sibling ``a/c/``."""
    section = markdown.split('## Code layout', 1)[1]
    block = section.split('```', 2)[1]
    paths = []
    for line in block.splitlines()[1:]:
        names = [name.strip() for name in re.split(r'\s{2,}', line.strip())[0].split(',')]
        first = names[0]
        parent = osp.dirname(first.rstrip('/'))
        paths += [first] + [osp.join(parent, name) for name in names[1:]]
    return paths


def test_the_code_layout_names_paths_that_exist():
    paths = layout_paths(read(README))
    assert len(paths) > 5, 'the "Code layout" block of README.md lost its lines'
    missing = [path for path in paths if not osp.exists(osp.join(REPO, path))]
    assert not missing, f'README.md\'s "Code layout" names paths that do not exist: {missing}'


def test_the_parsers_on_a_small_example():
    script = '#!/bin/sh\n# README: setup\n\nbash setup.sh\n# README: tests\n# note\nrun tests\n'
    assert commands_after_markers(script) == {'# README: setup': 'bash setup.sh',
                                              '# README: tests': 'run tests'}
    markdown = 'text `bash setup.sh`\n```bash\nbash setup.sh   # 1. setup\nrun tests\n```\n'
    assert list(code_block_lines(markdown)) == ['bash setup.sh', 'run tests']
    layout = '## Code layout\n```\nmum/ops/tiles.py   tensor code\nmum/a/, b/   two folders\n```\n'
    assert layout_paths(layout) == ['mum/ops/tiles.py', 'mum/a/', 'mum/b/']


@pytest.mark.parametrize('marker', CI_MARKERS)
def test_readme_shows_the_command_ci_runs(marker):
    command = commands_after_markers(read(CI_SCRIPT))[marker]
    assert command in set(code_block_lines(read(README))), (
        f'.ci/run runs {command!r} ({marker}); README.md should show exactly that command on a '
        'line of a code block')
