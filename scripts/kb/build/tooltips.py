"""Term tooltips: the first use of each term on a page gets its definition.

An HTML transform on each page's content: the first occurrence of every term in
the page's language (Chinese pages: the Chinese form; English pages: the
preferred rendering, case-insensitive, on word boundaries) is wrapped in
``<abbr title="definition">``; Material's ``content.tooltips`` shows it.

It works on HTML text nodes because Python-Markdown's ``abbr`` extension
matches on word boundaries and never finds a Chinese term inside a Chinese
sentence. Text inside ``code``, ``pre``, ``a``, headings, ``abbr``,
``script``/``style`` (and a few interactive elements) and every attribute value
is left alone. One compiled regex per language (longest term first: 四联双报到
before 双报到), one pass over the page: no per-term loop over the HTML.
A page opts out with ``tooltips: false`` in its front matter; the glossary
itself gets none.
"""

from __future__ import annotations

import html
import re

from ..model.terms import TermBase
from .registry import BuildState, PageRecord

SKIP = {
    "code",
    "pre",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "abbr",
    "script",
    "style",
    "summary",
    "button",
    "svg",
    "textarea",
    "title",
    "label",
    "select",
    "option",
    "kbd",
    "samp",
}
_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.S
)
NO_TOOLTIPS = {"glossary.md"}


def add_tooltips(content: str, lang: str, tb: TermBase) -> str:
    if lang == "zh":
        rx = tb.zh_regex()
        term_of = tb.by_zh
        lookup = lambda m: term_of(m.group(0))  # noqa: E731
    else:
        rx = tb.en_regex()
        lookup = tb.term_of_en_match
    used: set[str] = set()
    total = len(tb.terms)

    def wrap(m: re.Match) -> str:
        term = lookup(m)
        if term is None or term.id in used:
            return m.group(0)
        used.add(term.id)
        definition = term.definition(lang)
        if not definition:
            return m.group(0)
        return (
            f'<abbr class="kb-term" title="{html.escape(definition, quote=True)}" data-term="{term.id}">'
            f"{m.group(0)}</abbr>"
        )

    out: list[str] = []
    depth = 0
    pos = 0
    for tok in _TOKEN.finditer(content):
        text = content[pos : tok.start()]
        if text:
            out.append(rx.sub(wrap, text) if depth == 0 and len(used) < total and not text.isspace() else text)
        out.append(tok.group(0))
        name = (tok.group(2) or "").lower()
        if name in SKIP and not tok.group(0).endswith("/>"):
            depth = max(0, depth - 1) if tok.group(1) else depth + 1
        pos = tok.end()
    tail = content[pos:]
    if tail:
        out.append(rx.sub(wrap, tail) if depth == 0 and len(used) < total else tail)
    return "".join(out)


def term_tooltips(content: str, rec: PageRecord, tb: TermBase) -> str:
    if rec.base in NO_TOOLTIPS or rec.meta.get("tooltips") is False:
        return content
    return add_tooltips(content, rec.lang, tb)


_ABBR = re.compile(r'<abbr class="kb-term" title="[^"]*" data-term="([^"]+)">(.*?)</abbr>', re.S)


def one_tooltip_per_term(content: str, rec: PageRecord, state: BuildState) -> str:
    """Pages composed of other pages (the handout) keep only the first tooltip of each term."""
    if content.count('class="kb-term"') < 2:
        return content
    seen: set[str] = set()

    def repl(m: re.Match) -> str:
        if m.group(1) in seen:
            return m.group(2)
        seen.add(m.group(1))
        return m.group(0)

    return _ABBR.sub(repl, content)
