"""Terminology rules against the term base (``scripts/data/terms.yml``):
wrong Chinese forms (TRM001), a term of the Chinese page missing from its
English page (TRM002), renderings the term base decides against (TRM003).
:mod:`kb.checks.termcheck` runs them.
"""

from __future__ import annotations

import bisect

from ..model.findings import Finding
from ..model.mdparse import Doc
from ..model.terms import TermBase
from .textutil import HAN1, Edit, Result


# ---------------------------------------------------------------- TRM001
def rule_trm001(doc: Doc, tb: TermBase, lines, res: Result) -> None:
    rx = tb.wrong_zh_regex()
    table = tb.wrong_zh_map()
    for ln, text, _ in lines:
        if not HAN1.search(text):
            continue
        for m in rx.finditer(text):
            w = m.group(0)
            if w not in table:
                continue  # a correct longer word listed as an exception
            right, why = table[w]
            res.findings.append(
                Finding(doc.rel_path, ln, m.start() + 1, "TRM001", f"“{w}” should be “{right}”: {why} [fixable]")
            )
            res.edits.append(Edit(ln, m.start(), m.end(), right, "TRM001"))


# ---------------------------------------------------------------- TRM002/TRM003
def _section_index(doc: Doc, line: int) -> int:
    k = -1
    for i, h in enumerate(doc.headings):
        if h.line <= line:
            k = i
        else:
            break
    return k


def rule_trm002(en: Doc, zh: Doc, tb: TermBase, res: Result) -> None:
    rx = tb.zh_regex()
    text = "\n".join(zh.prose[zh.body_line - 1 :])  # one pass over the page (no term spans lines)
    first: dict[str, int] = {}
    for m in rx.finditer(text):
        if m.group(0) not in first:
            first[m.group(0)] = m.start()
    first = {w: zh.body_line + text.count("\n", 0, pos) for w, pos in first.items()}
    if not first:
        return
    en_text = "\n".join(en.prose[en.body_line - 1 :])
    # both sides longest match first: 四联双报到 <-> Four Links and Dual Reporting
    present = set()
    for a, b in tb.en_spans(en_text):
        t = tb.term_of_en(en_text[a:b])
        if t is not None:
            present |= tb.en_contains(t)
    for zh_word, zh_line in sorted(first.items(), key=lambda kv: kv[1]):
        term = tb.by_zh(zh_word)
        if term is None or term.id in present:
            continue
        k = _section_index(zh, zh_line)
        if 0 <= k < len(en.headings):
            line = en.headings[k].line
        elif en.headings:
            line = en.headings[0].line
        else:
            line = en.body_line
        res.findings.append(
            Finding(
                en.rel_path,
                line,
                1,
                "TRM002",
                f"“{term.en}” missing: the Chinese page uses “{term.zh}” ({zh.rel_path}:{zh_line}); "
                f"use the term base rendering (glossary #{term.id})",
            )
        )


def rule_trm003(doc: Doc, tb: TermBase, lines, res: Result) -> None:
    text = "\n".join(t for _, t, _ in lines)  # one pass over the page
    starts = []
    pos = 0
    for _, t, _ in lines:
        starts.append(pos)
        pos += len(t) + 1
    for a, b in tb.wrong_en_spans(text):
        hit = tb.wrong_en_of(text[a:b])
        if hit is None:
            continue
        wrong, term = hit
        i = bisect.bisect_right(starts, a) - 1
        ln, col = lines[i][0], a - starts[i] + 1
        note = f" ({term.note})" if term.note else ""
        res.findings.append(
            Finding(
                doc.rel_path,
                ln,
                col,
                "TRM003",
                f"“{text[a:b]}” is not the term base rendering: use “{term.en}” for {term.zh}{note}",
            )
        )
