"""The trainee's handout: every course module on one print-friendly page.

Printed (``kb handout-pdf``, or the browser's own print), it is a booklet:
the page's title with the build date and commit, a contents list (its page
numbers are written by ``kb handout-pdf``, which prints twice; the browser's
own print leaves them blank), each module from a new page with its title in
the page margin (a named CSS page per module, see ``docs/assets/print.css``),
and the self-check answers collected in an answer key at the end: a module
shows its questions, numbered, without their answers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess

from ..model.paths import ROOT
from .registry import BuildState, PageRecord

# A course module is a page of the course with learning objectives.
MODULE_FOLDER = "course/"

LABELS = {
    "zh": {
        "built": "构建日期",
        "commit": "版本",
        "modified": "（含未提交的修改）",
        "unknown": "未知",
        "contents": "目录",
        "answers": "自测答案",
        "see_key": "答案见书末“自测答案”。",
    },
    "en": {
        "built": "Built",
        "commit": "Commit",
        "modified": " (with uncommitted changes)",
        "unknown": "unknown",
        "contents": "Contents",
        "answers": "Answer key",
        "see_key": "The answers are in the answer key at the end.",
    },
}


def modules(state: BuildState, lang: str) -> list[str]:
    """The course modules in navigation order: the course's pages in the
    navigation whose front matter lists ``objectives``."""
    pages = state.pages.get(lang, {})
    return [p for p in state.nav if p.startswith(MODULE_FOLDER) and p in pages and pages[p].meta.get("objectives")]


_ID = re.compile(r'(\sid=")([^"]+)(")')
_HREF_FRAGMENT = re.compile(r'(\shref=")#([^"]+)(")')
_HEADING = re.compile(r"<(/?)h([1-5])\b")
_DETAILS_TAG = re.compile(r"<(/?)details\b[^>]*>")
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary>", re.S)
_SECTION_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _details_blocks(html: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost ``<details>`` element of ``html``."""
    out: list[tuple[int, int]] = []
    depth, start = 0, 0
    for m in _DETAILS_TAG.finditer(html):
        if not m.group(1):
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append((start, m.end()))
    return out


def collect_questions(html: str, number: int, note: str = "") -> tuple[str, list[tuple[str, str, str]]]:
    """``html`` with every collapsible block (a self-check question, whatever
    its kind) replaced by its numbered question, and the ``(number, question,
    answer)`` of each, for the answer key. Questions are numbered
    ``<module>.<n>``; ``note`` (HTML) follows the last one."""
    found: list[tuple[str, str, str]] = []
    parts: list[str] = []
    last = 0
    for start, end in _details_blocks(html):
        block = html[start:end]
        inner = block[block.index(">") + 1 : block.rindex("</details>")]
        summary = _SUMMARY.search(inner)
        question = summary.group(1).strip() if summary else ""
        answer = _SUMMARY.sub("", inner, count=1)
        label = f"{number}.{len(found) + 1}"
        found.append((label, question, answer.strip()))
        parts.append(html[last:start])
        parts.append(f'<p class="kb-handout-question"><span class="kb-handout-qno">{label}</span> {question}</p>')
        last = end
    if found:
        parts.append(note)
    parts.append(html[last:])
    return "".join(parts), found


def module_section(rec: PageRecord, number: int = 1) -> tuple[str, list[tuple[str, str, str]]]:
    """A module's HTML with anchors made unique, headings one level down and
    its questions numbered (their answers returned for the answer key)."""
    prefix = rec.base.rsplit("/", 1)[-1][: -len(".md")]
    html = _ID.sub(lambda m: f"{m.group(1)}{prefix}--{m.group(2)}{m.group(3)}", rec.html)
    html = _HREF_FRAGMENT.sub(lambda m: f"{m.group(1)}#{prefix}--{m.group(2)}{m.group(3)}", html)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    note = f'\n<p class="kb-handout-see-key">{LABELS[_lang(rec)]["see_key"]}</p>'
    html, answers = collect_questions(html, number, note)
    section = f'<section class="kb-handout-module" id="{prefix}" style="page: kb-handout-{number}">\n{html}\n</section>'
    return section, answers


def _lang(rec: PageRecord) -> str:
    return rec.lang if rec.lang in LABELS else "en"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _text(html: str) -> str:
    return " ".join(_TAG.sub("", _HEADERLINK.sub("", html)).split())


STAMP = ("handout", "stamp")  # the build's (date, commit, dirty) in BuildState.memo


def build_stamp(state: BuildState) -> tuple[str, str, bool]:
    """(date, short commit, dirty) of this build, once per build (:func:`stamp_now`)."""
    if STAMP not in state.memo:
        state.memo[STAMP] = stamp_now()
    return state.memo[STAMP]


def stamp_now() -> tuple[str, str, bool]:
    """(date, short commit, dirty) as of now. The date is that of
    ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today (UTC);
    the commit is "" outside a git checkout; dirty: uncommitted changes to
    what the site is built from."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    commit, dirty = "", False
    try:
        git = ["git", "--no-optional-locks", "-C", str(ROOT)]  # asked at every save: never in a commit's way
        top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True)
        if os.path.realpath(top.stdout.strip()) == os.path.realpath(ROOT):
            head = subprocess.run([*git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
            commit = head.stdout.strip() if head.returncode == 0 else ""
            status = subprocess.run(
                [*git, "status", "--porcelain", "--", "docs", "mkdocs.yml", "overrides", "scripts"],
                capture_output=True,
                text=True,
            )
            dirty = bool(status.stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    return when.strftime("%Y-%m-%d"), commit, dirty


def keep_stamp(state: BuildState, last: BuildState | None) -> None:
    """After a partial build that did not build the handout: the stamp it
    shows is still the last build's (:func:`kb.build.dependents.pages_to_build`
    builds it again when the stamp of now differs)."""
    if last is not None and STAMP not in state.memo and STAMP in last.memo:
        state.memo[STAMP] = last.memo[STAMP]


def _front(rec: PageRecord, state: BuildState) -> str:
    words = LABELS[_lang(rec)]
    date, commit, dirty = build_stamp(state)
    shown = (commit + (words["modified"] if dirty else "")) if commit else words["unknown"]
    sep = "：" if _lang(rec) == "zh" else ": "
    return (
        '<div class="kb-handout-stamp">'
        f'<p><span class="kb-handout-stamp__label">{words["built"]}{sep}</span><time datetime="{date}">{date}</time></p>'
        f'<p><span class="kb-handout-stamp__label">{words["commit"]}{sep}</span><code>{shown}</code></p>'
        "</div>"
    )


def _toc_entry(target: str, text: str, level: int) -> str:
    return (
        f'<li class="kb-handout-toc__l{level}"><a href="#{target}"><span class="kb-handout-toc__text">{text}</span>'
        f'<span class="kb-handout-toc__page" data-kb-page-of="{target}"></span></a>'
    )


def _contents(rec: PageRecord, sections: list[tuple[str, str, str]], has_key: bool) -> str:
    """The contents: each module (h2) with its sections (h3)."""
    words = LABELS[_lang(rec)]
    items: list[str] = []
    for module_id, _title, html in sections:
        heads = _SECTION_HEADING.findall(html)
        subs = "".join(_toc_entry(i, _text(t), 2) + "</li>" for level, i, t in heads if level == "3")
        top = next((_text(t) for level, _i, t in heads if level == "2"), _title)
        items.append(_toc_entry(module_id, top, 1) + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
    if has_key:
        items.append(_toc_entry("answer-key", words["answers"], 1) + "</li>")
    return (
        f'<nav class="kb-handout-toc" aria-labelledby="contents"><h2 id="contents">{words["contents"]}</h2>'
        f"<ol>{''.join(items)}</ol></nav>"
    )


def _answer_key(rec: PageRecord, keyed: list[tuple[int, str, list[tuple[str, str, str]]]]) -> str:
    words = LABELS[_lang(rec)]
    out = [
        f'<section class="kb-handout-answers" id="answer-key" style="page: kb-handout-key"><h2>{words["answers"]}</h2>'
    ]
    for _number, title, answers in keyed:
        out.append(f"<h3>{title}</h3><dl>")
        for label, question, answer in answers:
            out.append(f'<dt><span class="kb-handout-qno">{label}</span> {question}</dt><dd>{answer}</dd>')
        out.append("</dl>")
    out.append("</section>")
    return "".join(out)


def _page_styles(rec: PageRecord, titles: list[str]) -> str:
    """The named page of each module and of the answer key, with its title in
    the top margin (Chromium has no ``string-set``: one ``@page`` per module)."""
    rules = [f"@page kb-handout-{n} {{ @top-left {{ content: {_css_string(t)}; }} }}" for n, t in enumerate(titles, 1)]
    rules.append(f"@page kb-handout-key {{ @top-left {{ content: {_css_string(LABELS[_lang(rec)]['answers'])}; }} }}")
    return '<style class="kb-handout-pages">@media print {\n' + "\n".join(rules) + "\n}</style>"


def handout(rec: PageRecord, state: BuildState) -> str:
    pages = state.pages.get(rec.lang, {})
    found = modules(state, rec.lang)
    if not found:
        raise ValueError(
            f"{rec.src_uri}: the handout found no course module (a page of {MODULE_FOLDER} in the "
            "navigation with 'objectives' in its front matter)"
        )
    sections: list[tuple[str, str, str]] = []
    keyed: list[tuple[int, str, list[tuple[str, str, str]]]] = []
    for number, base in enumerate(found, 1):
        module = pages[base]
        html, answers = module_section(module, number)
        module_id = base.rsplit("/", 1)[-1][: -len(".md")]
        sections.append((module_id, module.title, html))
        if answers:
            keyed.append((number, module.title, answers))
    parts = [_front(rec, state), _contents(rec, sections, bool(keyed))]
    parts += [html for _i, _t, html in sections]
    if keyed:
        parts.append(_answer_key(rec, keyed))
    parts.append(_page_styles(rec, [t for _i, t, _h in sections]))
    return "\n".join(parts)
