"""Terminology and Chinese typography rules (``scripts/check_terms.py``).

Every rule reads :attr:`kb.mdparse.Doc.prose`, the lines of a page with code,
inline code, URLs, HTML tags and link destinations blanked, so code and
attributes are never reported nor rewritten; columns are those of the file.

Rule codes, summaries and which are fixable (``--fix``): :mod:`kb.model.rules`.

Why the typography rules are hand-written and not autocorrect-py: tried with
only its ``fullwidth`` rule enabled (its default rules add spaces between
Chinese and digits — 6600 多支 — against the content guide, which copies
figures as the source has them), autocorrect-py 2.14 converts ``,`` after a
Han character but leaves the comma after a closing quote (“五办两中心”,探索),
half-width brackets (党组(党委)书记), a semicolon before a space, and straight
quotes untouched; its lint reports whole line fragments, not the column of a
character, and it cannot skip masked spans we already know (code, URLs, HTML).
The rules below are a few regexes over the prose mask.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..model import rules, tbs, tree
from ..model import terms as _terms
from ..model.findings import Finding
from ..model.mdparse import Doc
from ..model.site import PageTask, source_digest
from ..model.tbs import MARKER as TBS_MARKER
from ..model.terms import TermBase
from ..model.tree import PLACEHOLDER

FIXABLE = rules.fixable()

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CLOSE = "”’」』》）】〕〉。，、；：？！…"
CJK_OPEN = "“‘「『《（【〔〈"
_HAN1 = re.compile(f"[{HAN}]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。", "(": "（", ")": "）"}
_EMPH = "*_~"
_PUNCT = re.compile(r"[,;:?!.]")
_PAIR = re.compile(r"\(([^()\n]*)\)")
_LINK_DEST = re.compile(r"\]\(\s*(?:\"[^\"\n]*\"|'[^'\n]*')?\s*\)")
_ENTITY = re.compile(r"&#?\w+;")
_ADMON_TITLE = re.compile(r"^(\s*(?:[!?]{3}\+?|===\+?)\s+[^\"\n]*?)(\"[^\"\n]*\")")
_DQ_PAIR = re.compile(r"\"([^\"\n]*)\"")
_SQ_PAIR = re.compile(rf"'([^'\n]*[{HAN}][^'\n]*)'")
_FM_VALUE = re.compile(r"^(\s*(?:-\s+)?(?:[A-Za-z_][\w-]*\s*:(?:\s+|$))?)(.*)$")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|>|\||<|#|[!?=]{3}|:\s)")
_SENT_END_ZH = set("。！？…；：”’」』》）)】!?;:*_`>]|")
_CAPTION = set("▲▶►■▼◀△▷")
_SENT_END_EN = set(".!?:;\"'”’)]*_`>|")


def is_han(ch: str) -> bool:
    return bool(ch) and bool(_HAN1.match(ch))


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


def _blank(s: str) -> str:
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
            m = _FM_VALUE.match(lines[i])
            value = m.group(2)
            if not value or value.lstrip()[:1] in "[{|>#" or not _HAN1.search(value):
                continue
            out.append((i + 1, _blank(m.group(1)) + value, True))
    for i in range(fm_end, len(doc.prose)):
        out.append((i + 1, doc.prose[i], False))
    return out


# ---------------------------------------------------------------- TRM001
def rule_trm001(doc: Doc, tb: TermBase, lines, res: Result) -> None:
    rx = tb.wrong_zh_regex()
    table = tb.wrong_zh_map()
    for ln, text, _ in lines:
        if not _HAN1.search(text):
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


# ---------------------------------------------------------------- TYP001
def _left(text: str, i: int, skip_space: bool = True) -> str:
    j = i - 1
    while j >= 0 and (text[j] in _EMPH or (skip_space and text[j] == " ")):
        j -= 1
    return text[j] if j >= 0 else ""


def _right(text: str, i: int, skip_space: bool = True) -> str:
    j = i + 1
    while j < len(text) and (text[j] in _EMPH or (skip_space and text[j] == " ")):
        j += 1
    return text[j] if j < len(text) else ""


def _cjk_left(ch: str) -> bool:
    return is_han(ch) or (ch != "" and ch in CJK_CLOSE)


def _cjk_right(ch: str) -> bool:
    return is_han(ch) or (ch != "" and ch in CJK_OPEN)


def _widen(text: str, i: int, ln: int, res: Result, doc: Doc, what: str) -> None:
    """Report text[i] and replace it with its full-width form, eating the
    real spaces (not masked code) between it and the text on either side."""
    ch = text[i]
    raw = doc.lines[ln - 1]
    start, end = i, i + 1
    while start > 0 and raw[start - 1] == " " and text[start - 1] == " " and raw[: start - 1].strip():
        start -= 1  # spaces between the text and the mark (not indentation)
    while end < len(text) and text[end] == " " and raw[end] == " ":
        end += 1
    if end == len(text):
        end = i + 1  # trailing spaces may be a Markdown line break: keep them
    res.findings.append(
        Finding(doc.rel_path, ln, i + 1, "TYP001", f"half-width “{ch}” {what}: use “{_FULL[ch]}” [fixable]")
    )
    res.edits.append(Edit(ln, start, end, _FULL[ch], "TYP001"))


def rule_typ001(doc: Doc, lines, res: Result, lang: str) -> None:
    for ln, text, _fm in lines:
        if not _HAN1.search(text):
            continue
        local = _ENTITY.sub(lambda m: _blank(m.group(0)), text)
        local = _LINK_DEST.sub(lambda m: "]" + _blank(m.group(0)[1:]), local)
        lead = len(local) - len(local.lstrip())
        for m in _PUNCT.finditer(local):
            i = m.start()
            ch = local[i]
            L, R = _left(local, i), _right(local, i)
            if lang != "zh":
                if is_han(L) and is_han(R):
                    _widen(local, i, ln, res, doc, "between Chinese characters")
                continue
            if ch == ":" and i == lead:
                continue  # definition list
            if ch == "!" and i + 1 < len(local) and local[i + 1] == "[":
                continue  # image
            if ch in "?!" and re.match(r"[!?]{3}", local[lead : lead + 3]) and i < lead + 4:
                continue  # admonition / details marker
            if ch == ".":
                if (i + 1 < len(local) and local[i + 1] == ".") or (i and local[i - 1] == "."):
                    continue  # an ellipsis or a path
                L0 = _left(local, i, skip_space=False)
                R0 = local[i + 1] if i + 1 < len(local) else ""
                if _cjk_left(L0) and (R0 in ("", " ") or R0 in _EMPH or _cjk_right(R0)):
                    _widen(local, i, ln, res, doc, "after Chinese text")
                continue
            if _cjk_left(L) or _cjk_right(R):
                if L.isascii() and L.isalnum() and R.isascii() and R.isalnum():
                    continue
                _widen(local, i, ln, res, doc, "in Chinese text")
        if lang != "zh":
            continue
        # brackets: pairs first, then lone ones next to Chinese text
        done: set[int] = set()
        for m in _PAIR.finditer(local):
            a, b = m.start(), m.end() - 1
            if a and local[a - 1] == "]":
                continue
            inner = m.group(1)
            L, R = _left(local, a), _right(local, b)
            if _HAN1.search(inner) or _cjk_left(L) or _cjk_right(R):
                done.update((a, b))
                for pos in (a, b):
                    res.findings.append(
                        Finding(
                            doc.rel_path,
                            ln,
                            pos + 1,
                            "TYP001",
                            f"half-width “{local[pos]}” in Chinese text: use “{_FULL[local[pos]]}” [fixable]",
                        )
                    )
                    res.edits.append(Edit(ln, pos, pos + 1, _FULL[local[pos]], "TYP001"))
        for m in re.finditer(r"[()]", local):
            i = m.start()
            if i in done or (local[i] == "(" and i and local[i - 1] == "]"):
                continue
            L = local[i - 1] if i else ""
            R = local[i + 1] if i + 1 < len(local) else ""
            if _cjk_left(L) or _cjk_right(R) or (local[i] == ")" and "（" in local[:i]):
                res.findings.append(
                    Finding(
                        doc.rel_path,
                        ln,
                        i + 1,
                        "TYP001",
                        f"half-width “{local[i]}” in Chinese text: use “{_FULL[local[i]]}” [fixable]",
                    )
                )
                res.edits.append(Edit(ln, i, i + 1, _FULL[local[i]], "TYP001"))


# ---------------------------------------------------------------- TYP002
def rule_typ002(doc: Doc, lines, res: Result) -> None:
    for ln, text, fm in lines:
        if fm or ('"' not in text and "'" not in text) or not _HAN1.search(text):
            continue
        local = _LINK_DEST.sub(lambda m: "]" + _blank(m.group(0)[1:]), text)
        t = _ADMON_TITLE.match(local)
        if t:  # !!! note "标题" / === "标签": Markdown syntax, not prose quotes
            local = local[: t.start(2)] + " " + local[t.start(2) + 1 : t.end(2) - 1] + " " + local[t.end(2) :]
        paired: set[int] = set()
        for m in _DQ_PAIR.finditer(local):
            a, b = m.start(), m.end() - 1
            L, R = _left(local, a), _right(local, b)
            if _HAN1.search(m.group(1)) or (_cjk_left(L) and _cjk_right(R)):
                paired.update((a, b))
                res.findings.append(
                    Finding(doc.rel_path, ln, a + 1, "TYP002", "straight quotes in Chinese prose: use “…” [fixable]")
                )
                res.edits.append(Edit(ln, a, a + 1, "“", "TYP002"))
                res.edits.append(Edit(ln, b, b + 1, "”", "TYP002"))
        for m in _SQ_PAIR.finditer(local):
            a, b = m.start(), m.end() - 1
            res.findings.append(
                Finding(doc.rel_path, ln, a + 1, "TYP002", "straight single quotes in Chinese prose: use ‘…’ [fixable]")
            )
            res.edits.append(Edit(ln, a, a + 1, "‘", "TYP002"))
            res.edits.append(Edit(ln, b, b + 1, "’", "TYP002"))
            paired.update((a, b))
        for m in re.finditer('"', local):
            i = m.start()
            if i in paired:
                continue
            if _cjk_left(local[i - 1] if i else "") or _cjk_right(local[i + 1] if i + 1 < len(local) else ""):
                res.findings.append(
                    Finding(doc.rel_path, ln, i + 1, "TYP002", "unpaired straight quote in Chinese prose: use “ or ”")
                )


# ---------------------------------------------------------------- TYP003
def _cjk(ch: str) -> bool:
    return is_han(ch) or (ch != "" and (ch in CJK_CLOSE or ch in CJK_OPEN))


def rule_typ003(doc: Doc, res: Result) -> None:
    raw = doc.lines
    prose = doc.prose
    for p in doc.paragraphs:
        for ln in range(p.line, p.end_line):  # ln and ln+1, 1-based
            a_raw = raw[ln - 1]
            if a_raw.endswith("  ") or a_raw.rstrip().endswith("\\"):
                continue  # an explicit line break
            a = prose[ln - 1].rstrip()
            b = prose[ln].lstrip()
            if len(a) != len(a_raw.rstrip()):
                continue  # ends in code, a tag or a URL
            if a and b and _cjk(a[-1]) and _cjk(b[0]) and (is_han(a[-1]) or is_han(b[0])):
                res.findings.append(
                    Finding(
                        doc.rel_path,
                        ln,
                        len(a) + 1,
                        "TYP003",
                        f"line break inside a Chinese sentence (“{a[-1]}⏎{b[0]}”) renders as "
                        "a stray space: write the paragraph on one line [fixable]",
                    )
                )
                res.joins.append(ln)


# ---------------------------------------------------------------- TYP004
def rule_typ004(doc: Doc, res: Result, lang: str) -> None:
    raw, prose = doc.lines, doc.prose
    paras = doc.paragraphs
    caption = [raw[p.line - 1].lstrip()[:1] in _CAPTION for p in paras]
    for i, p1 in enumerate(paras[:-1]):
        if caption[i]:
            continue
        j = i + 1
        while j < len(paras) - 1 and caption[j]:
            j += 1  # a photo caption pasted into the middle of a sentence
        p2 = paras[j]
        if caption[j] or p2.line <= p1.end_line + 1:
            continue
        skipped = {ln for p in paras[i + 1 : j] for ln in range(p.line, p.end_line + 1)}
        between = [raw[ln - 1] for ln in range(p1.end_line + 1, p2.line) if ln not in skipped]
        if any(s.strip() for s in between):
            continue
        first1, first2 = raw[p1.line - 1], raw[p2.line - 1]
        if _BLOCK_START.match(first1) or _BLOCK_START.match(first2):
            continue
        ind = lambda s: len(s) - len(s.lstrip())  # noqa: E731
        if ind(first1) != ind(first2):
            continue
        end = prose[p1.end_line - 1].rstrip()
        start = prose[p2.line - 1].lstrip()
        if not end or not start or len(end) != len(raw[p1.end_line - 1].rstrip()):
            continue
        body = " ".join(prose[p1.line - 1 : p1.end_line])
        if lang == "zh":
            ok_end = end[-1] not in _SENT_END_ZH and (is_han(end[-1]) or end[-1].isalnum() or end[-1] in "，、,")
            prose_like = len(re.findall(f"[{HAN}]", body)) >= 10 and re.search(r"[，、,；。]", body)
            ok_start = is_han(start[0]) or start[0].isdigit() or start[0] in "（("
        else:
            ok_end = end[-1] not in _SENT_END_EN and (end[-1].isalnum() or end[-1] == ",")
            prose_like = len(body.split()) >= 8 and ("," in body or "." in body)
            ok_start = start[0].islower()
        if ok_end and prose_like and ok_start:
            res.findings.append(
                Finding(
                    doc.rel_path,
                    p1.end_line,
                    len(end) + 1,
                    "TYP004",
                    f"paragraph ends mid-sentence (“{end[-3:]}”) and the one at line {p2.line} continues it "
                    f"(“{start[:3]}”): a sentence split by a page break{' and a caption' if j > i + 1 else ''}?",
                )
            )


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
    return _FULL[m.group(0)]


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


def _en_lines(doc: Doc):
    out = []
    lines = doc.lines
    fm_end = doc.body_line - 1
    if fm_end and not doc.meta_error:
        for i in range(1, fm_end - 1):
            m = _FM_VALUE.match(lines[i])
            if m.group(2) and m.group(2).lstrip()[:1] not in "[{|>#":
                out.append((i + 1, _blank(m.group(1)) + m.group(2), True))
    for i in range(fm_end, len(doc.prose)):
        out.append((i + 1, doc.prose[i], False))
    return out


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
        rule_trm003(doc, tb, _en_lines(doc), res)
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
    # everything the rules read: the term base, this module and the model's conventions it uses
    version = source_digest(Path(terms_file), *(Path(m.__file__) for m in (sys.modules[__name__], _terms, tbs, tree)))
    tb.prepare()
    return PageTask("terms", version, lambda doc, zh: check_doc(doc, tb, zh))


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
