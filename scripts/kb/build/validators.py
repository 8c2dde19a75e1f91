"""Checks the build makes itself, so that a plain ``mkdocs build --strict`` fails
on what the cross-reference checker reports as errors about the site's shape:
a missing translation (the i18n plugin would silently show the Chinese page on
the English site) and ``related:`` IDs that name no page."""

from __future__ import annotations

from ..model.config import missing_counterpart, single_language_pages
from ..model.findings import Finding
from ..model.mdparse import parse_front_matter
from ..model.schema import validate_meta
from ..model.tree import related_problems
from .registry import BuildState, PageRecord


def front_matter_readable(rec: PageRecord) -> list[Finding]:
    """MkDocs silently renders front matter it cannot parse as text."""
    if not rec.markdown.startswith("---"):
        return []
    _, _, err, _ = parse_front_matter(rec.src_uri, rec.markdown)
    return [err or Finding(rec.src_uri, 1, 1, "KB001", "malformed front matter: MkDocs could not read it")]


def front_matter_schema(rec: PageRecord) -> list[Finding]:
    # The build's records carry no front matter lines: the findings point to
    # line 1 and name the field (the checker gives the exact line).
    return validate_meta(rec.src_uri, rec.meta)


def translation_exists(rec: PageRecord) -> list[Finding]:
    if rec.lang == "zh" or rec.src_uri.endswith(f".{rec.lang}.md") or rec.base in single_language_pages():
        return []
    return [missing_counterpart(rec.src_uri, rec.lang)]


def related_ids_exist(state: BuildState, lang: str) -> list[Finding]:
    pages = state.pages.get(lang, {})
    bases = set(pages)
    out = []
    for _base, rec in sorted(pages.items()):
        related = rec.meta.get("related")
        if related is None:
            continue
        for message in related_problems(related, bases):
            out.append(Finding(rec.src_uri, 1, 1, "XRF010", message))
    return out
