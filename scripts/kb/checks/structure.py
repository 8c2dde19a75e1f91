"""Rules on the structure of a page: repeated paragraphs and sentences
(DUP001, DUP002), photo captions in the body (CAP001), the sources section
(STY001). :mod:`kb.checks.termcheck` runs them.
"""

from __future__ import annotations

import re

from ..model.findings import Finding
from ..model.mdparse import Doc
from ..model.tbs import MARKER as TBS_MARKER
from ..model.tree import PLACEHOLDER
from .textutil import FULL, Result

# ---------------------------------------------------------------- DUP001


_WS = re.compile(r"\s+")
_HALF = re.compile(r"[,;:?!.()]")


def _dup_key(text: str) -> str:
    """What two paragraphs or sentences are compared by: no white space,
    half-width punctuation as full-width (a regex, not ``str.translate``,
    which looks up every character of non-ASCII text in a dict)."""
    key = _WS.sub("", text)
    return _HALF.sub(_to_full, key) if _HALF.search(key) else key


def _to_full(m: re.Match) -> str:
    return FULL[m.group(0)]


def rule_dup001(doc: Doc, res: Result) -> None:
    seen: dict[str, int] = {}
    zh = doc.lang == "zh"
    for p in doc.paragraphs:
        key = _dup_key(p.text) if zh else _WS.sub("", p.text)
        if len(key) < 20:
            continue
        if key in seen:
            line = doc.lines[p.line - 1]
            col = len(line) - len(line.lstrip()) + 1
            res.findings.append(
                Finding(doc.rel_path, p.line, col, "DUP001", f"paragraph repeats the one at line {seen[key]}")
            )
        else:
            seen[key] = p.line


_PHOTO_MARKS = set("▲▶►▼◀△▷")  # not ■, which marks a byline


def rule_cap001(doc: Doc, res: Result) -> None:
    """A paragraph that starts with a caption mark (▲ ▶ …): a photo caption
    that a scrape mixed into the body. Captions belong to their figure."""
    for p in doc.paragraphs:
        line = doc.lines[p.line - 1]
        stripped = line.lstrip()
        if stripped[:1] in _PHOTO_MARKS:
            res.findings.append(
                Finding(
                    doc.rel_path,
                    p.line,
                    len(line) - len(stripped) + 1,
                    "CAP001",
                    "photo caption mixed into the body text: move it to its figure or to a caption note",
                )
            )


def rule_sty001(doc: Doc, res: Result) -> None:
    """Every content page ends with its sources: the last second-level heading
    has the anchor ``sources``. Index pages (``index.md``) and generated pages
    (with a ``<!-- kb:… -->`` placeholder) are not content pages."""
    name = doc.rel_path.rsplit("/", 1)[-1]
    if name in ("index.md", "index.en.md") or PLACEHOLDER.search(doc.text) or doc.meta_error:
        return
    h2 = [h for h in doc.headings if h.level == 2]
    if h2 and h2[-1].anchor == "sources":
        return
    line = h2[-1].line if h2 else doc.body_line
    title = "## 资料来源 {#sources}" if doc.lang == "zh" else "## Sources {#sources}"
    res.findings.append(
        Finding(
            doc.rel_path, line, 1, "STY001", f"the page does not end with its sources: add a last section “{title}”"
        )
    )


_SENTENCE_ZH = re.compile(r"[^。！？!?\n]+[。！？!?]")
DUP002_MIN = 20  # characters (punctuation and spaces not counted) for a sentence to count


def rule_dup002(doc: Doc, res: Result) -> None:
    """A paragraph that carries two or more long sentences found word for
    word in another paragraph of the page: typically the second half of one
    paragraph pasted into another (the source's 行动学习 paragraph). One shared
    sentence alone (a quotation repeated in a self-check answer) is not
    reported; a whole repeated paragraph is DUP001's."""
    if doc.lang != "zh":
        return
    first_line: dict[str, int] = {}  # sentence -> line of the first paragraph holding it
    wholes: set[str] = set()
    for p in doc.paragraphs:
        text = TBS_MARKER.sub("", p.text)
        whole = _dup_key(text)
        if whole in wholes:  # a repeated paragraph is DUP001's
            continue
        wholes.add(whole)
        earlier = []
        for m in _SENTENCE_ZH.finditer(text):
            key = _dup_key(m.group(0))
            if len(key) < DUP002_MIN or key == whole:
                continue
            if key in first_line and first_line[key] < p.line:
                earlier.append(first_line[key])
            else:
                first_line.setdefault(key, p.line)
        if len(earlier) >= 2:
            col = len(doc.lines[p.line - 1]) - len(doc.lines[p.line - 1].lstrip()) + 1
            res.findings.append(
                Finding(
                    doc.rel_path,
                    p.line,
                    col,
                    "DUP002",
                    f"{len(earlier)} sentences of this paragraph also stand in the paragraph at line "
                    f"{', '.join(map(str, sorted(set(earlier))))}: part of another paragraph pasted here?",
                )
            )
