"""Checks the build makes itself, so that a plain ``mkdocs build --strict`` fails
on what the cross-reference checker reports as errors about the site's shape:
a missing translation (the i18n plugin would silently show the Chinese page on
the English site) and ``related:`` IDs that name no page."""

from __future__ import annotations

from ..model.config import missing_counterpart, single_language_pages
from ..model.findings import Finding
from ..model.mdparse import parse_front_matter
from ..model.schema import validate_meta
from ..model.tree import COLLECTIONS, collection_of, id_problem, index_problem, related_problems, stem_of
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


def collection_ids_valid(rec: PageRecord) -> list[Finding]:
    coll = collection_of(rec.base)
    problem = id_problem(stem_of(rec.base)) if coll else None
    if not problem:
        return []
    return [Finding(rec.src_uri, 1, 1, "XRF013", f"the file name is not a valid {COLLECTIONS[coll]} ID: {problem}")]


def collections_have_their_index(state: BuildState, lang: str) -> list[Finding]:
    """Each collection with pages has an index page that lists them (the checkers' XRF014)."""
    pages = state.pages.get(lang, {})
    out = []
    for coll in sorted({c for c in map(collection_of, pages) if c}):
        index = pages.get(f"{coll}/index.md")
        problem = index_problem(coll, index.markdown if index is not None else None)
        if problem:
            out.append(Finding(index.src_uri if index else f"{coll}/index.md", 1, 1, "XRF014", problem))
    return out
