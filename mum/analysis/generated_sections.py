"""Sections of the documents that a report tool writes, between two marker lines.

A tool named TOOL owns, in a document, the text between ``<!-- TOOL SECTION: start -->`` and
``<!-- TOOL SECTION: end -->``; the docs tests compare that text with what the tool prints, so a
table in the README cannot drift from the stored results it was made from.
"""
from typing import Tuple


def markers(tool: str, section: str) -> Tuple[str, str]:
    return (f'<!-- {tool} {section}: start -->', f'<!-- {tool} {section}: end -->')


def section_in(text: str, tool: str, section: str, path: str) -> str:
    """The text between the markers of ``tool``'s ``section`` in ``text`` (read from ``path``).

    Raises:
        SystemExit: If ``text`` does not hold each marker line exactly once.
    """
    start, end = markers(tool, section)
    if text.count(start) != 1 or text.count(end) != 1:
        raise SystemExit(f'{path} should hold the lines {start!r} and {end!r} once each.')
    return text[text.index(start) + len(start) + 1:text.index(end)]


def write_section(path: str, tool: str, section: str, content: str) -> None:
    """Replaces the text between the markers of ``tool``'s ``section`` in the file ``path``."""
    with open(path, encoding='utf-8') as document:
        text = document.read()
    old = section_in(text, tool, section, path)
    start = text.index(markers(tool, section)[0]) + len(markers(tool, section)[0]) + 1
    with open(path, 'w', encoding='utf-8') as document:
        document.write(text[:start] + content + text[start + len(old):])
