"""What the terminology and typography rules share (:mod:`kb.checks.termcheck`
and the rule modules :mod:`~kb.checks.termrules`, :mod:`~kb.checks.typography`,
:mod:`~kb.checks.structure`): the Han character classes, the result of a page
(findings and fixes) and the lines a rule reads.

Every rule reads :attr:`kb.mdparse.Doc.prose`, the lines of a page with code,
inline code, URLs, HTML tags and link destinations blanked, so code and
attributes are never reported nor rewritten; columns are those of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model.findings import Finding
from ..model.mdparse import Doc

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CLOSE = "”’」』》）】〕〉。，、；：？！…"
CJK_OPEN = "“‘「『《（【〔〈"
HAN1 = re.compile(f"[{HAN}]")
FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。", "(": "（", ")": "）"}
FM_VALUE = re.compile(r"^(\s*(?:-\s+)?(?:[A-Za-z_][\w-]*\s*:(?:\s+|$))?)(.*)$")


def is_han(ch: str) -> bool:
    return bool(ch) and bool(HAN1.match(ch))


@dataclass
class Edit:
    line: int  # 1-based
    start: int  # 0-based column in the line
    end: int
    new: str
    code: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.new + text[self.end :]


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)  # replacements within a line
    joins: list[int] = field(default_factory=list)  # TYP003: join line N with N+1


def blank(s: str) -> str:
    return " " * len(s)


def check_lines(doc: Doc) -> list[tuple[int, str, bool]]:
    """(line number, masked text, is_front_matter) of every line worth checking.

    Body lines come from ``doc.prose``; front matter values of string fields
    are added back (keys, flow collections and YAML syntax stay blank).
    """
    out = []
    lines = doc.lines
    fm_end = doc.body_line - 1  # lines [0, fm_end) are front matter incl. ---
    if fm_end and not doc.meta_error:
        for i in range(1, fm_end - 1):
            m = FM_VALUE.match(lines[i])
            value = m.group(2)
            if not value or value.lstrip()[:1] in "[{|>#" or not HAN1.search(value):
                continue
            out.append((i + 1, blank(m.group(1)) + value, True))
    for i in range(fm_end, len(doc.prose)):
        out.append((i + 1, doc.prose[i], False))
    return out


def en_lines(doc: Doc) -> list[tuple[int, str, bool]]:
    """Like :func:`check_lines` for an English page (TRM003): every string value of the front matter."""
    out = []
    lines = doc.lines
    fm_end = doc.body_line - 1
    if fm_end and not doc.meta_error:
        for i in range(1, fm_end - 1):
            m = FM_VALUE.match(lines[i])
            if m.group(2) and m.group(2).lstrip()[:1] not in "[{|>#":
                out.append((i + 1, blank(m.group(1)) + m.group(2), True))
    for i in range(fm_end, len(doc.prose)):
        out.append((i + 1, doc.prose[i], False))
    return out
