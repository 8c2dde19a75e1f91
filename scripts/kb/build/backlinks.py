"""The "Referenced by" section of every collection page: which module,
playbook, policy, case or other page links to it (a late transform)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from ..model.mdparse import Doc, parse
from ..model.tree import base_path, collection_of, join_link
from . import labels, render_cache
from .registry import BuildState, PageRecord

_TARGETS: dict[tuple[str, str], frozenset[str]] = {}  # (base, text) -> targets, for this process


def link_targets(doc: Doc) -> frozenset[str]:
    """The language-neutral pages a page links to (itself excluded); each
    page's answer is kept for the process (``kb serve`` asks after every save)."""
    return render_cache.memo(_TARGETS, (doc.base, doc.text), lambda: frozenset(_link_targets(doc)))


def _link_targets(doc: Doc) -> set[str]:
    out = set()
    for link in doc.links:
        if link.is_external or link.target.startswith("/") or not link.path or link.image:
            continue
        if not link.path.endswith(".md"):
            continue
        target = base_path(join_link(doc.base, link.path))
        if target != doc.base:
            out.add(target)
    return out


def referenced_by(docs: Mapping[str, Doc]) -> dict[str, list[str]]:
    """Which pages link to each collection page.

    ``docs``: base -> parsed page, for the pages of one language. Returns
    base -> sorted bases of the pages linking to it, for every collection page
    in ``docs`` (an empty list when none does). Linear in the pages' size.
    """
    return _referenced_by({b: link_targets(d) for b, d in docs.items()})


def _referenced_by(targets: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {b: [] for b in targets if collection_of(b)}
    for base, links in targets.items():
        for target in links:
            if target in out:
                out[target].append(base)
    return {b: sorted(v, key=_ref_order) for b, v in out.items()}


def page_targets(rec: PageRecord) -> list[str]:
    """The pages ``rec``'s body links to, kept in the render cache under its
    path and body (parsing every page was a tenth of a warm build)."""

    def kept() -> list[str]:
        text = render_cache.remember(
            "link-targets",
            (rec.src_uri, rec.markdown),
            lambda: json.dumps(sorted(link_targets(parse(rec.src_uri, rec.markdown)))),
        )
        return json.loads(text)

    return render_cache.memo(_KEPT, (rec.src_uri, rec.markdown), kept)


_KEPT: dict = {}


def _ref_kind(base: str) -> str:
    if base.startswith("course/"):
        return "modules"
    return collection_of(base) or "pages"


_KIND_ORDER = ("modules", "playbooks", "policies", "cases", "pages")


def _ref_order(base: str) -> tuple[int, str]:
    return (_KIND_ORDER.index(_ref_kind(base)), base)


def _graph(rec: PageRecord, state: BuildState) -> dict[str, list[str]]:
    """The graph of ``rec``'s language, computed once per build of it (kept
    on the build's state; a rebuild of ``mkdocs serve`` starts a new state)."""
    key = ("referenced-by", rec.lang)
    if key not in state.memo:
        pages = state.pages.get(rec.lang, {})
        targets = tuple((b, tuple(page_targets(r))) for b, r in pages.items())
        # the same links as a last build: its graph (kb serve, after a save that changed no link)
        state.memo[key] = render_cache.memo(_GRAPHS, targets, lambda: _referenced_by(dict(targets)), limit=4)
    return state.memo[key]


_GRAPHS: dict = {}


def referenced_by_section(html_in: str, rec: PageRecord, state: BuildState) -> str:
    """Append the "Referenced by" section to every collection page."""
    if collection_of(rec.base) is None:
        return html_in
    pages = state.pages.get(rec.lang, {})
    refs = _graph(rec, state).get(rec.base, [])
    lang = rec.lang
    items = []
    for b in refs:
        src = pages.get(b)
        if src is None:
            continue
        items.append(f"<li>{labels.t(lang, _ref_kind(b))}{'：' if lang == 'zh' else ': '}{labels.link(rec, src)}</li>")
    body = (
        '<ul class="kb-referenced-by">\n' + "\n".join(items) + "\n</ul>"
        if items
        else f'<p class="kb-referenced-by">{labels.t(lang, "refby_none")}</p>'
    )
    return html_in + f'\n<h2 id="referenced-by">{labels.t(lang, "refby")}</h2>\n' + body + "\n"
