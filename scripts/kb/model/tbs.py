"""Places where the source is silent: the visible "to be supplied" markers.

An editor writes ``<span class="kb-tbs">待补充：…</span>`` (or the English
"To be supplied: …"); the site shows it highlighted, and this report counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .site import Site

MARKER = re.compile(r"""<span\s+class=["']kb-tbs["'][^>]*>(.*?)</span>""", re.S)


@dataclass(frozen=True)
class Gap:
    path: str
    line: int
    col: int
    text: str


def gaps(site: Site) -> list[Gap]:
    out = []
    for rel, doc in sorted(site.docs.items()):
        for m in MARKER.finditer(doc.text):
            line = doc.text.count("\n", 0, m.start()) + 1
            col = m.start() - (doc.text.rfind("\n", 0, m.start()) + 1) + 1
            out.append(Gap(rel, line, col, re.sub(r"\s+", " ", m.group(1)).strip()))
    return out
