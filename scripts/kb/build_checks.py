"""Checks the build makes itself, so that a plain ``mkdocs build --strict`` fails
on what the cross-reference checker reports as errors about the site's shape:
a missing translation (the i18n plugin would silently show the Chinese page on
the English site) and ``related:`` IDs that name no page."""

from __future__ import annotations

from functools import lru_cache

from .build_support import BuildState, PageRecord, site_validator, validator
from .findings import Finding
from .paths import ROOT
from .xrefs import SINGLE_LANGUAGE_FILE, load_single_language, related_problems


@lru_cache(maxsize=1)
def _single_language() -> frozenset[str]:
    path = ROOT / SINGLE_LANGUAGE_FILE
    if not path.exists():
        return frozenset()
    entries, _ = load_single_language(path, SINGLE_LANGUAGE_FILE)
    return frozenset(entries)


@validator
def translation_exists(rec: PageRecord) -> list[Finding]:
    if rec.lang == "zh" or rec.src_uri.endswith(f".{rec.lang}.md") or rec.base in _single_language():
        return []
    return [Finding(rec.src_uri, 1, 1, "XRF020",
                    f"no '{rec.lang}' counterpart '{rec.base[:-3]}.{rec.lang}.md': the {rec.lang} site would show "
                    f"the Chinese page (add it, or list the page in {SINGLE_LANGUAGE_FILE} with a reason)")]


@site_validator
def related_ids_exist(state: BuildState, lang: str) -> list[Finding]:
    pages = state.pages.get(lang, {})
    bases = set(pages)
    out = []
    for base, rec in sorted(pages.items()):
        related = rec.meta.get("related")
        if related is None:
            continue
        for message in related_problems(related, bases):
            out.append(Finding(rec.src_uri, 1, 1, "XRF010", message))
    return out
