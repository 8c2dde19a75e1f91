"""Small per-language touches on rendered HTML that Markdown's config can't make."""

from __future__ import annotations

from ..model.terms import TermBase
from .registry import PageRecord

PERMALINK_TITLE = {"zh": "本节链接", "en": "Link to this section"}


def permalink_title(html: str, rec: PageRecord, tb: TermBase) -> str:
    """toc's permalink_title is one string for all languages: translate it."""
    if rec.lang == "zh":
        return html
    return html.replace(
        f'title="{PERMALINK_TITLE["zh"]}"', f'title="{PERMALINK_TITLE.get(rec.lang, PERMALINK_TITLE["en"])}"'
    )
