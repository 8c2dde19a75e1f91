"""The notice on an English page whose Chinese original changed since it was
translated, or that is not translated yet (a late transform)."""

from __future__ import annotations

import html as _html

from ..model.translations import fingerprint, recorded
from ..model.tree import doc_lang, relative_url
from .registry import BuildState, PageRecord

NOTICE = (
    '<div class="admonition warning kb-stale"><p class="admonition-title">Translation out of date</p>'
    "<p>The Chinese original of this page has changed since this translation was made. "
    '<a href="{href}">Read the Chinese original</a>.</p></div>\n'
)

PENDING_NOTICE = (
    '<div class="admonition info kb-stale"><p class="admonition-title">Translation pending</p>'
    "<p>This page has not been translated into English yet. "
    '<a href="{href}">Read the Chinese original</a>.</p></div>\n'
)


def stale_notice(rec: PageRecord, state: BuildState) -> str | None:
    """The notice for an English page whose Chinese original moved on, else None."""
    if rec.lang == "zh" or doc_lang(rec.src_uri) == "zh":
        return None  # Chinese pages, and Chinese pages served as fallback
    zh = state.pages.get("zh", {}).get(rec.base)
    if zh is None:
        return None  # an English-only page
    if rec.meta.get("untranslated") is True:
        return PENDING_NOTICE.format(href=_html.escape(relative_url(rec.url, zh.url), quote=True))
    if recorded(rec.meta) == fingerprint(zh.markdown):
        return None
    return NOTICE.format(href=_html.escape(relative_url(rec.url, zh.url), quote=True))


def prepend_stale_notice(html: str, rec: PageRecord, state: BuildState) -> str:
    notice = stale_notice(rec, state)
    return notice + html if notice else html
