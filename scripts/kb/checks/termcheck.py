"""Terminology and Chinese typography rules (``scripts/check_terms.py``).

Every rule reads :attr:`kb.mdparse.Doc.prose`, the lines of a page with code,
inline code, URLs, HTML tags and link destinations blanked, so code and
attributes are never reported nor rewritten; columns are those of the file.

Rule codes, summaries and which are fixable (``--fix``): :mod:`kb.model.rules`.

The rules live in :mod:`kb.checks.termrules` (TRM001–TRM003),
:mod:`kb.checks.typography` (TYP001–TYP004, and why they are hand-written) and
:mod:`kb.checks.structure` (DUP001, DUP002, CAP001, STY001), on the types and
helpers of :mod:`kb.checks.textutil`; this module runs them on a page
(:func:`check_doc`), as a cached per-page task (:func:`page_task`), and applies
their fixes (:func:`apply_fixes`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..model import rules, tbs, tree
from ..model import terms as _terms
from ..model.mdparse import Doc
from ..model.site import PageTask, source_digest
from ..model.terms import TermBase
from . import structure, termrules, textutil, typography
from .structure import DUP002_MIN, rule_cap001, rule_dup001, rule_dup002, rule_sty001
from .termrules import rule_trm001, rule_trm002, rule_trm003
from .textutil import CJK_CLOSE, CJK_OPEN, HAN, Edit, Result, check_lines, en_lines, is_han
from .typography import rule_typ001, rule_typ002, rule_typ003, rule_typ004

__all__ = [
    "CJK_CLOSE",
    "CJK_OPEN",
    "DUP002_MIN",
    "FIXABLE",
    "HAN",
    "RULE_MODULES",
    "Edit",
    "Result",
    "apply_fixes",
    "check_doc",
    "check_lines",
    "is_han",
    "page_task",
    "rule_cap001",
    "rule_dup001",
    "rule_dup002",
    "rule_sty001",
    "rule_trm001",
    "rule_trm002",
    "rule_trm003",
    "rule_typ001",
    "rule_typ002",
    "rule_typ003",
    "rule_typ004",
]

FIXABLE = rules.fixable()

# every module the rules are written in: all of them are part of page_task's cache key
RULE_MODULES = (sys.modules[__name__], textutil, termrules, typography, structure)


# ---------------------------------------------------------------- driver
def check_doc(doc: Doc, tb: TermBase, counterpart: Doc | None = None) -> Result:
    """All rules on one page. ``counterpart`` is the Chinese page of an English one."""
    res = Result()
    lang = doc.lang
    lines = check_lines(doc)
    rule_trm001(doc, tb, lines, res)
    if lang == "zh":
        rule_typ001(doc, lines, res, lang)
        rule_typ002(doc, lines, res)
    else:
        rule_typ001(doc, [t for t in lines if not t[2]], res, lang)
        if counterpart is not None:
            rule_trm002(doc, counterpart, tb, res)
        rule_trm003(doc, tb, en_lines(doc), res)
    rule_typ003(doc, res)
    rule_typ004(doc, res, lang)
    rule_dup001(doc, res)
    rule_dup002(doc, res)
    rule_cap001(doc, res)
    rule_sty001(doc, res)
    whole, per_line = doc.ignore_map()
    if whole or per_line:
        keep = lambda code, line: code not in whole and code not in per_line.get(line, ())  # noqa: E731
        res.findings = [f for f in res.findings if keep(f.code, f.line)]
        res.edits = [e for e in res.edits if keep(e.code, e.line)]
        res.joins = [j for j in res.joins if keep("TYP003", j)]
    return res


def page_task(tb: TermBase, terms_file: Path) -> PageTask:
    """The rules as a per-page task (kb.site): cached with each parsed page,
    re-run when the page, its Chinese page, the term base or the rules change."""
    # everything the rules read: the term base, the rule modules and the model's conventions they use
    sources = (*RULE_MODULES, _terms, tbs, tree)
    version = source_digest(Path(terms_file), *(Path(m.__file__) for m in sources))
    tb.prepare()
    return PageTask("terms", version, lambda doc, zh: check_doc(doc, tb, zh), types=(Result, Edit))


def apply_fixes(text: str, res: Result) -> tuple[str, int]:
    """Apply a page's edits and joins; returns (new text, number of fixes)."""
    lines = text.split("\n")
    count = 0
    by_line: dict[int, list[Edit]] = {}
    for e in res.edits:
        by_line.setdefault(e.line, []).append(e)
    for ln, edits in by_line.items():
        s = lines[ln - 1]
        last_start = len(s) + 1
        for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            if e.end > last_start:
                continue  # overlaps an edit already applied; the next run gets it
            s = e.apply(s)
            last_start = e.start
            count += 1
        lines[ln - 1] = s
    for ln in sorted(set(res.joins), reverse=True):
        lines[ln - 1] = lines[ln - 1].rstrip() + lines[ln].lstrip()
        del lines[ln]
        count += 1
    return "\n".join(lines), count
