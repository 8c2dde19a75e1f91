"""The references of case sets (``docs/sets/<id>.md``): each item's page and
section exist in the set's language, under the current ID (XRF061-XRF066),
and both languages of a set list the same references in the same order
(XRF060). The logic is :mod:`kb.model.sets`; this module places the findings
at the line and column of each item's ``ref``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import sets
from ..model.schema import front_matter_positions
from ..model.tree import DEFAULT_LANG, base_path, collection_of, lang_path, stem_of

if TYPE_CHECKING:
    from .xrefs import Checker


def _position(doc, path: tuple) -> tuple[int, int]:
    positions = front_matter_positions(doc)
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return (doc.meta_line("items") or 1, 1)


def check(checker: Checker) -> None:
    site = checker.site
    bases = site.bases()
    metas = {base_path(rel): doc.meta for rel, doc in site.docs.items() if doc.lang == DEFAULT_LANG}
    aliases = sets.alias_map({b: m for b, m in metas.items() if collection_of(b)})
    for rel, doc in sorted(site.docs.items()):
        if collection_of(rel) != sets.SETS or doc.meta_error is not None:
            continue
        lang = doc.lang

        def anchors(base: str, lang: str = lang) -> set[str] | None:
            target = lang_path(base, lang)
            target = target if target in site.docs else base
            return checker.anchors(target) if target in site.docs else None

        for i, problem in sets.check_items(stem_of(rel), doc.meta, bases, aliases, anchors):
            line, col = _position(doc, ("items", i, "ref"))
            checker.add(doc, rel, line, col, problem.code, f"item {i + 1}: {problem.message}")
        if lang != DEFAULT_LANG:
            zh = site.docs.get(base_path(rel))
            if zh is not None and zh.meta_error is None:
                mine = [str(item.get("ref")) for item in sets.items(doc.meta)]
                theirs = [str(item.get("ref")) for item in sets.items(zh.meta)]
                if mine != theirs:
                    i = next((k for k, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
                    line, col = _position(doc, ("items", i, "ref"))
                    here = f"'{mine[i]}'" if i < len(mine) else "nothing"
                    there = f"'{theirs[i]}'" if i < len(theirs) else "nothing"
                    checker.add(
                        doc,
                        rel,
                        line,
                        col,
                        "XRF060",
                        f"item {i + 1}: {here} here, {there} on the Chinese set:"
                        " both languages list the same references in the same order",
                    )
