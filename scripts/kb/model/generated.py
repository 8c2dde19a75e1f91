"""Markdown that the build generates from the project's data.

``<!-- kb:NAME -->`` on a line of its own is replaced by ``MARKDOWN[NAME]``
before the page is rendered; the checkers expand the same placeholders to
learn the anchors the built page will have (the glossary's term IDs).
Placeholders that need every rendered page (collection indexes, the handout)
are the build's own late generators and give no anchors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .glossary import glossary_markdown
from .terms import TermBase
from .tree import PLACEHOLDER

Generator = Callable[[str, str, TermBase], str]  # (src_uri, lang, termbase) -> Markdown

MARKDOWN: dict[str, Generator] = {"glossary": glossary_markdown}


def names(text: str) -> list[str]:
    """The placeholders of a page, in order."""
    return PLACEHOLDER.findall(text)


def expand(markdown: str, src_uri: str, lang: str, tb: TermBase, generators: Mapping[str, Generator] = MARKDOWN) -> str:
    """Replace the placeholders that ``generators`` know; leave the others."""

    def repl(m):
        gen = generators.get(m.group(1))
        return gen(src_uri, lang, tb) if gen else m.group(0)

    return PLACEHOLDER.sub(repl, markdown)
