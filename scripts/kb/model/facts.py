"""The facts of a text that must trace to what it cites: numbers with their
units, years, dates, document titles in 《》 and quoted programme names.

Numbers are compared as values, so the Chinese and English forms of one figure
match: 171.32万 = 1,713,200 = 1713200; 3.8亿 = 380 million; 2.8万 = 28,000.
A year is a number too (2018 = 2018年); a date is its year, month and day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_ZH_SCALE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_EN_SCALE = {"thousand": Decimal(1_000), "million": Decimal(1_000_000), "billion": Decimal(1_000_000_000)}
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}

_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.,-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d,]*\.\d)(?:\s*(万|亿)|\s+(thousand|million|billion)\b)?",
    re.I,
)
_DATE_ZH = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_EN = re.compile(
    r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b|\b(" + "|".join(_MONTHS) + r") (\d{1,2}), (\d{4})\b", re.I
)
_TITLE = re.compile(r"《([^《》\n]+)》")
_DIGIT = re.compile(r"\d")
_ANY_FACT = re.compile(r"[\d《“]")
_MONTH_HINT = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_QUOTED_ZH = re.compile(r"“([^“”\n]{2,})”")
# what is not a fact of the source: anchors, list numbering, heading numbers
_NOISE = re.compile(r"\{[^}]*\}|\[\[[^\]]*\]\]|#p\d+|^\s*\d+[.)]\s", re.M)


@dataclass(frozen=True)
class Fact:
    kind: str  # "number", "date", "title", "name"
    value: str  # normalised: a decimal string, "YYYY-MM-DD", the title or name
    text: str  # as written
    start: int  # offset in the text it was found in


def _decimal(digits: str) -> Decimal | None:
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None


def _norm(d: Decimal) -> str:
    d = d.normalize()
    return format(d, "f").rstrip("0").rstrip(".") if "." in format(d, "f") else format(d, "f")


def numbers(text: str) -> list[Fact]:
    out = []
    for m in _NUMBER.finditer(text):
        value = _decimal(m.group(1))
        if value is None:
            continue
        scale = _ZH_SCALE.get(m.group(2) or "") or _EN_SCALE.get((m.group(3) or "").lower())
        if scale:
            value *= scale
        out.append(Fact("number", _norm(value), m.group(0), m.start()))
    return out


def dates(text: str) -> list[Fact]:
    out = []
    if not _DIGIT.search(text):
        return out
    for rx in (_DATE_ZH, _DATE_ISO):
        for m in rx.finditer(text):
            y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
            out.append(Fact("date", f"{y}-{mo:02d}-{d:02d}", m.group(0), m.start()))
    for m in _DATE_EN.finditer(text) if _MONTH_HINT.search(text) else ():
        if m.group(1):
            d, mo, y = int(m.group(1)), _MONTHS[m.group(2).lower()], m.group(3)
        else:
            mo, d, y = _MONTHS[m.group(4).lower()], int(m.group(5)), m.group(6)
        out.append(Fact("date", f"{y}-{mo:02d}-{d:02d}", m.group(0), m.start()))
    return out


def extract(text: str, names: bool = True) -> list[Fact]:
    """Every fact of ``text``: dates (whose parts are not counted again as
    numbers), other numbers, 《titles》 and, with ``names``, “quoted names”."""
    if not _ANY_FACT.search(text):  # most lines of prose: no digit, no 《, no “
        return []
    text = _NOISE.sub(lambda m: " " * len(m.group(0)), text)
    found = dates(text)
    taken = [(f.start, f.start + len(f.text)) for f in found]
    if names:  # the digits of a quoted name (“136志愿专列”) belong to the name
        taken += [(m.start(), m.end()) for m in _QUOTED_ZH.finditer(text)]
    for f in numbers(text):
        if not any(a <= f.start < b for a, b in taken):
            found.append(f)
    found += [Fact("title", m.group(1), m.group(0), m.start()) for m in _TITLE.finditer(text)]
    if names:
        found += [Fact("name", m.group(1), m.group(0), m.start()) for m in _QUOTED_ZH.finditer(text)]
    return sorted(found, key=lambda f: f.start)


_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b", re.I)


def normalise_quotes(text: str) -> str:
    """Nested quotation marks compared as the outer ones (“创新‘微治理’工作模式” = “创新“微治理”工作模式”)."""
    return text.replace("‘", "“").replace("’", "”")


def values(text: str) -> set[tuple[str, str]]:
    """What ``text`` can back: its facts' values, each full date also as its
    year, and each month named in English as its number (March 2018 = 2018年3月)."""
    out = {(f.kind, f.value) for f in extract(text, names=False)}  # numbers inside names too
    out |= {(f.kind, f.value) for f in extract(text) if f.kind == "name"}
    out |= {("number", str(_MONTHS[m.group(1).lower()])) for m in _MONTH_NAME.finditer(text)}
    for f in list(out):
        if f[0] == "date":  # a full date backs its year ("2018年" of 2018年12月14日), not a loose day or month
            out.add(("number", str(int(f[1].split("-")[0]))))
    return out


def backed(fact: Fact, cited_text: str, cited_values: set[tuple[str, str]]) -> bool:
    """Whether a cited text backs ``fact``: the same value, or the title or
    name occurring in it verbatim."""
    if (fact.kind, fact.value) in cited_values:
        return True
    if fact.kind in ("title", "name"):
        return normalise_quotes(fact.value) in normalise_quotes(cited_text)
    return False
