"""Case sets on the site: the set page's header and item cards
(``<!-- kb:set-items -->``), the sets index, the "used in sets" section of
each case, playbook and policy page, and the build's check of the items'
references (the checkers' XRF061-XRF066, see :mod:`kb.model.sets`)."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ..model import sets
from ..model.findings import Finding
from ..model.schema import normalise
from ..model.tbs import MARKER
from ..model.tree import collection_of, relative_url, stem_of
from . import labels
from .registry import BuildState, PageRecord

T = {
    "zh": {
        "studio": "工作室",
        "audience": "对象",
        "purpose": "目的",
        "session_date": "日期",
        "items": "条目",
        "tbs": "待补充",
        "note": "导师点评",
        "prompt": "讨论题",
        "reading": "点评和讨论题是导师对所选内容的解读，不是原文的内容；事实以各条目链接的页面为准。",
        "used": "用于以下案例集",
        "title": "名称",
        "count": "{n} 条",
    },
    "en": {
        "studio": "Studio",
        "audience": "Audience",
        "purpose": "Purpose",
        "session_date": "Date",
        "items": "Items",
        "tbs": "To be supplied",
        "note": "Mentor's note",
        "prompt": "For discussion",
        "reading": "The notes and prompts are the mentor's interpretation of the chosen content, not text of the "
        "source; the facts are those of the linked pages.",
        "used": "Used in case sets",
        "title": "Title",
        "count": "{n} items",
    },
}
SEP = {"zh": "：", "en": ": "}
TITLE_SEP = {"zh": " · ", "en": " · "}


def t(lang: str, key: str) -> str:
    return T.get(lang, T["en"])[key]


def _value(value: object, lang: str) -> str:
    if value is None or value == "":
        return f'<span class="kb-tbs">{t(lang, "tbs")}</span>'
    return html.escape(str(normalise(value)))


def _aliases(state: BuildState, lang: str) -> dict[str, str]:
    key = ("set-aliases", lang)
    if key not in state.memo:
        pages = state.pages.get(lang, {})
        state.memo[key] = sets.alias_map({b: r.meta for b, r in pages.items() if collection_of(b)})
    return state.memo[key]


_IDS = re.compile(r'\sid="([^"]+)"')
_TAGS = re.compile(r"<[^>]+>")


def _ids(rec: PageRecord) -> set[str]:
    return set(_IDS.findall(rec.html))


def sections(rec: PageRecord) -> tuple[tuple[str, str | None], ...]:
    """Each heading id of the page's HTML with the text a card shows for it
    (other ids show nothing of the page: a card names only a heading's text)."""
    return tuple(sorted(_heading_texts(rec.html).items()))


_HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
_HEADERLINK = re.compile(r'<a class="headerlink".*?</a>', re.S)


@lru_cache(maxsize=32)
def _heading_texts(html_in: str) -> dict[str, str | None]:
    """The text of the first heading carrying each id (its permalink removed),
    in one pass; kept for the last pages asked (a set's cards, the preview's
    check). The dict returned is shared: never changed by its readers."""
    out: dict[str, str | None] = {}
    for m in _HEADING.finditer(html_in):
        for anchor in _IDS.findall(m.group(2)):
            if anchor not in out:
                out[anchor] = html.unescape(_TAGS.sub("", _HEADERLINK.sub("", m.group(3)))).strip() or None
    return out


def _section_title(rec: PageRecord, anchor: str) -> str | None:
    return _heading_texts(rec.html).get(anchor)


def _resolve(rec: PageRecord, state: BuildState, item: dict) -> tuple[PageRecord, str | None] | None:
    pages = state.pages.get(rec.lang, {})
    ref = sets.parse_ref(item.get("ref"), stem_of(rec.base))
    if not isinstance(ref, sets.Ref):
        return None
    base, problem = sets.resolve(ref, set(pages), _aliases(state, rec.lang), lambda b: None)
    if base is None:
        return None
    return pages[base], ref.anchor


def _card(i: int, rec: PageRecord, state: BuildState, item: dict) -> str:
    lang = rec.lang
    found = _resolve(rec, state, item)
    if found is None:  # the site validator has already failed the strict build
        return ""
    target, anchor = found
    title = html.escape(html.unescape(_TAGS.sub("", target.title or stem_of(target.base))))
    section = _section_title(target, anchor) if anchor else None
    if section:
        title += TITLE_SEP[lang] + html.escape(section)
    href = relative_url(rec.url, target.url) + (f"#{anchor}" if anchor else "")
    address = "/" + target.url + (f"#{anchor}" if anchor else "")
    out = [
        f'<li class="kb-set-item" id="item-{i}">',
        f'<h2 class="kb-set-item__title"><a href="{html.escape(href)}">{title}</a></h2>',
    ]
    if target.meta.get("description"):
        out.append(f'<p class="kb-set-item__summary">{html.escape(str(target.meta["description"]))}</p>')
    out.append(f'<p class="kb-set-item__link"><a href="{html.escape(href)}">{html.escape(address)}</a></p>')
    out.append(
        f'<p class="kb-set-item__note"><strong>{t(lang, "note")}{SEP[lang]}</strong>{_note(item.get("note"), lang)}</p>'
    )
    if item.get("prompt"):
        out.append(
            f'<p class="kb-set-item__prompt"><strong>{t(lang, "prompt")}{SEP[lang]}</strong>'
            f"{html.escape(str(item['prompt']))}</p>"
        )
    out.append("</li>")
    return "\n".join(out)


def set_items(rec: PageRecord, state: BuildState) -> str:
    """The header (studio, audience, purpose, date) and the item cards of a set page."""
    lang, meta = rec.lang, rec.meta
    rows = "".join(
        f"<dt>{t(lang, k)}</dt><dd>{_value(meta.get(k), lang)}</dd>"
        for k in ("studio", "audience", "purpose", "session_date")
    )
    cards = [_card(i, rec, state, item) for i, item in enumerate(sets.items(meta), 1)]
    return (
        f'<dl class="kb-set-meta">{rows}</dl>\n'
        f'<p class="kb-set-reading">{t(lang, "reading")}</p>\n'
        f'<ol class="kb-set-items">\n' + "\n".join(c for c in cards if c) + "\n</ol>"
    )


def sets_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    """The table of the sets index page (kb.build.collection_index)."""
    lang = rec.lang
    head = "".join(f"<th>{t(lang, k)}</th>" for k in ("title", "studio", "audience", "session_date", "items"))
    body = []
    for r in recs:
        n = len(sets.items(r.meta))
        cells = [
            labels.link(rec, r),
            _value(r.meta.get("studio"), lang),
            _value(r.meta.get("audience"), lang),
            _value(r.meta.get("session_date"), lang),
            t(lang, "count").format(n=n),
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        f'<div class="kb-collection kb-sets">\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</div>"
    )


def _using(state: BuildState, lang: str) -> dict[str, list[str]]:
    key = ("sets-using", lang)
    if key not in state.memo:
        pages = state.pages.get(lang, {})
        set_metas = {b: r.meta for b, r in pages.items() if collection_of(b) == sets.SETS}
        state.memo[key] = sets.sets_using(set_metas, set(pages), _aliases(state, lang))
    return state.memo[key]


def used_in_sets(html_in: str, rec: PageRecord, state: BuildState) -> str:
    """Append "used in sets" to every case, playbook and policy page that a set uses."""
    if collection_of(rec.base) not in ("cases", "playbooks", "policies"):
        return html_in
    users = _using(state, rec.lang).get(rec.base, [])
    pages = state.pages.get(rec.lang, {})
    items = [f"<li>{labels.link(rec, pages[b])}</li>" for b in users if b in pages]
    if not items:
        return html_in
    return (
        html_in
        + f'\n<h2 id="used-in-sets">{t(rec.lang, "used")}</h2>\n<ul class="kb-used-in-sets">\n'
        + "\n".join(items)
        + "\n</ul>\n"
    )


def set_refs_valid(state: BuildState, lang: str) -> list[Finding]:
    """The strict build fails on a set item whose page or section is missing."""
    pages = state.pages.get(lang, {})
    bases = set(pages)
    out = []
    for base, rec in sorted(pages.items()):
        if collection_of(base) != sets.SETS:
            continue

        def anchors(b: str) -> set[str] | None:
            return _ids(pages[b]) if b in pages else None

        for i, problem in sets.check_items(stem_of(base), rec.meta, bases, _aliases(state, lang), anchors):
            out.append(Finding(rec.src_uri, 1, 1, problem.code, f"item {i + 1}: {problem.message}"))
    return out


def _note(value: object, lang: str) -> str:
    """A mentor's note as typed (escaped: HTML or Markdown in it is shown, never
    run); a note that is only the "to be supplied" marker is shown as one."""
    text = str(value or "").strip()
    if not text:
        return labels.tbs(lang)
    whole = MARKER.fullmatch(text)
    if whole:
        return f'<span class="kb-tbs">{html.escape(whole.group(1))}</span>'
    return html.escape(text)
