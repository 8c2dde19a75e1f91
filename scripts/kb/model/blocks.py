"""The blocks of a page that a citation covers: each paragraph, list item and
table row of its body, up to its closing sources section (the provenance check
and ``kb cite`` read pages through this one splitter)."""

from __future__ import annotations

import re

from .mdparse import Doc
from .tbs import MARKER as TBS_MARKER

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def blocks(doc: Doc) -> list[tuple[int, str, str]]:
    """``(first line, raw text, prose text)`` of each paragraph, list item and
    table row of the body, up to the closing sources section."""
    raw, prose = doc.lines, doc.prose
    end = next((h.line - 1 for h in doc.headings if h.level == 2 and h.anchor == "sources"), len(raw))
    out: list[tuple[int, str, str]] = []
    start: int | None = None

    def close(stop: int) -> None:
        nonlocal start
        if start is not None:
            text = "\n".join(raw[start:stop])
            out.append((start + 1, text, _without_notes(text, "\n".join(prose[start:stop]))))
        start = None

    for i in range(doc.body_line - 1, end):
        line = raw[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("|"):
            close(i)
            if stripped.startswith("|") and not _TABLE_RULE.match(line):
                out.append((i + 1, line, _without_notes(line, prose[i])))  # a table row is a block of its own
            continue
        if _LIST_ITEM.match(line):
            close(i)
        if start is None:
            start = i
    close(end)
    return out


def _without_notes(raw: str, prose: str) -> str:
    """``prose`` with the "to be supplied" notes blanked: they say what the
    source does not give, they state no fact of it."""
    for m in TBS_MARKER.finditer(raw):
        prose = prose[: m.start()] + re.sub(r"[^\n]", " ", m.group(0)) + prose[m.end() :]
    return prose
