"""Chinese typography rules TYP001–TYP004 (:mod:`kb.checks.termcheck` runs them).

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

import re

from ..model.findings import Finding
from ..model.mdparse import Doc
from .textutil import CJK_CLOSE, CJK_OPEN, FULL, HAN, HAN1, Edit, Result, blank, is_han

_EMPH = "*_~"
_PUNCT = re.compile(r"[,;:?!.]")
_PAIR = re.compile(r"\(([^()\n]*)\)")
_LINK_DEST = re.compile(r"\]\(\s*(?:\"[^\"\n]*\"|'[^'\n]*')?\s*\)")
_ENTITY = re.compile(r"&#?\w+;")
_ADMON_TITLE = re.compile(r"^(\s*(?:[!?]{3}\+?|===\+?)\s+[^\"\n]*?)(\"[^\"\n]*\")")
_DQ_PAIR = re.compile(r"\"([^\"\n]*)\"")
_SQ_PAIR = re.compile(rf"'([^'\n]*[{HAN}][^'\n]*)'")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|>|\||<|#|[!?=]{3}|:\s)")
_SENT_END_ZH = set("。！？…；：”’」』》）)】!?;:*_`>]|")
_CAPTION = set("▲▶►■▼◀△▷")
_SENT_END_EN = set(".!?:;\"'”’)]*_`>|")


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
        Finding(doc.rel_path, ln, i + 1, "TYP001", f"half-width “{ch}” {what}: use “{FULL[ch]}” [fixable]")
    )
    res.edits.append(Edit(ln, start, end, FULL[ch], "TYP001"))


def rule_typ001(doc: Doc, lines, res: Result, lang: str) -> None:
    for ln, text, _fm in lines:
        if not HAN1.search(text):
            continue
        local = _ENTITY.sub(lambda m: blank(m.group(0)), text)
        local = _LINK_DEST.sub(lambda m: "]" + blank(m.group(0)[1:]), local)
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
            if HAN1.search(inner) or _cjk_left(L) or _cjk_right(R):
                done.update((a, b))
                for pos in (a, b):
                    res.findings.append(
                        Finding(
                            doc.rel_path,
                            ln,
                            pos + 1,
                            "TYP001",
                            f"half-width “{local[pos]}” in Chinese text: use “{FULL[local[pos]]}” [fixable]",
                        )
                    )
                    res.edits.append(Edit(ln, pos, pos + 1, FULL[local[pos]], "TYP001"))
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
                        f"half-width “{local[i]}” in Chinese text: use “{FULL[local[i]]}” [fixable]",
                    )
                )
                res.edits.append(Edit(ln, i, i + 1, FULL[local[i]], "TYP001"))


# ---------------------------------------------------------------- TYP002
def rule_typ002(doc: Doc, lines, res: Result) -> None:
    for ln, text, fm in lines:
        if fm or ('"' not in text and "'" not in text) or not HAN1.search(text):
            continue
        local = _LINK_DEST.sub(lambda m: "]" + blank(m.group(0)[1:]), text)
        t = _ADMON_TITLE.match(local)
        if t:  # !!! note "标题" / === "标签": Markdown syntax, not prose quotes
            local = local[: t.start(2)] + " " + local[t.start(2) + 1 : t.end(2) - 1] + " " + local[t.end(2) :]
        paired: set[int] = set()
        for m in _DQ_PAIR.finditer(local):
            a, b = m.start(), m.end() - 1
            L, R = _left(local, a), _right(local, b)
            if HAN1.search(m.group(1)) or (_cjk_left(L) and _cjk_right(R)):
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
