"""Sections of the documents that a report tool writes, between two marker lines.

A tool named TOOL owns, in a document, the text between ``<!-- TOOL SECTION: start -->`` and
``<!-- TOOL SECTION: end -->``; the docs tests compare that text with what the tool prints, so a
table in the README cannot drift from the stored results it was made from.
"""
import os.path as osp
import sys
from typing import Dict, List, Tuple


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
    start_marker = markers(tool, section)[0]
    start = text.index(start_marker) + len(start_marker) + 1
    with open(path, 'w', encoding='utf-8') as document:
        document.write(text[:start] + content + text[start + len(old):])


def stale_sections(repo: str, tool: str, documents: Dict[str, str],
                   made: Dict[str, str]) -> List[str]:
    """The documents whose section differs from what ``tool`` made.

    Args:
        repo: The folder the ``documents`` paths are relative to.
        tool: The report tool's name, as in its markers.
        documents: ``{section: document path}``.
        made: ``{section: content}``, as the tool makes it now.
    """
    stale = []
    for section, document in documents.items():
        path = osp.join(repo, document)
        with open(path, encoding='utf-8') as document_file:
            if section_in(document_file.read(), tool, section, path) != made[section]:
                stale.append(document)
    return stale


def write_or_print(repo: str, tool: str, documents: Dict[str, str], made: Dict[str, str],
                   write: bool) -> None:
    """Writes each made section into its document (``write``), or prints it with its markers."""
    for section, content in made.items():
        if write:
            write_section(osp.join(repo, documents[section]), tool, section, content)
            print(f'Wrote the {section} section of {documents[section]}.')
        else:
            start, end = markers(tool, section)
            sys.stdout.write(f'{start}\n{content}{end}\n\n')
