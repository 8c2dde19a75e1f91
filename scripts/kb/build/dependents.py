"""Which pages a save changes: what ``kb serve`` builds again after an edit
(:mod:`kb.build.incremental` reuses the rest from its last build).

A page's HTML depends on other pages in a few named ways, and each is
covered here:

* its own file, in every language built from it (an English page not yet
  translated is built from the Chinese file), and its other-language
  partner (the stale-translation notice, the language switcher);
* pages with a generated list (``<!-- kb:NAME -->``) show other pages'
  title, front matter and sections (headings, anchors): a collection index its
  collection's pages, set cards any page, the national list's coverage the
  cases, the handout the course modules whole (also their body); they are
  built when one of the pages they show changed in those (:func:`_lists`);
* the "referenced by" list of a page shows the title of each page linking
  to it: a change of title, front matter or links rebuilds the pages linked
  to, before and after the edit;
* the navigation (every page), previous/next links and the set pages' "used in
  sets" lists: a change of title or front matter of a page in ``nav``, or any
  change to a set, builds everything, as does a new, deleted or renamed page
  or a change outside the docs' Markdown files;
* citations quote the source reading (``course/source-reading``) on every
  page citing it, and aliases make redirect pages: a change to the source
  reading, or to a page's aliases, builds everything.

* the handout shows the build's date, commit and whether the checkout has
  uncommitted changes: when these differ from what it shows, it is built.

The parse that chooses the pages can read a page differently from the build
(a raw HTML heading, a footnote's number, underscores inside a word). So once
a partial build is done, :func:`unforeseen` compares what the build made of
each page it built (:func:`shown`) with the last build's, and names the pages
that show it and were not built; ``kb serve`` builds those too.

``None`` means "build everything"; correctness first, a full build is
always right.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model.mdparse import Doc, parse
from ..model.sources import SOURCE_PAGE
from ..model.tree import HTML_PLACEHOLDER, base_path, collection_of, doc_lang
from . import handout, render_cache, set_pages
from .backlinks import link_targets
from .handout import MODULE_FOLDER
from .registry import BuildState, PageRecord


def pages_to_build(changed: Iterable[str], docs_dir: Path, state: BuildState) -> dict[str, set[str]] | None:
    """``{language: {src_uri}}`` to build after the docs files ``changed``
    (docs-relative paths) were saved, given the last build's ``state``; None:
    everything."""
    only: dict[str, set[str]] = {lang: set() for lang in state.pages}
    listed: set[str] = set()  # the pages whose changes the generated lists show
    for src in changed:
        found = _dependents(src, Path(docs_dir), state)
        if found is None:
            return None
        targets, lists = found
        if lists:
            listed.add(base_path(src))
        for base in targets:
            for lang, recs in state.pages.items():
                if base in recs:
                    only[lang].add(recs[base].src_uri)
    _add_list_pages(only, listed, state)
    stamp = state.memo.get(handout.STAMP)  # what the handout shows: the date, commit, uncommitted changes
    if stamp is not None and stamp != handout.stamp_now():
        for lang, recs in state.pages.items():
            only[lang] |= {r.src_uri for r in recs.values() if "handout" in _placeholders(r)}
    return only


def _add_list_pages(only: dict[str, set[str]], listed: set[str], state: BuildState) -> None:
    """Add to ``only`` the pages whose generated lists show a page of ``listed``."""
    if not listed:
        return
    for lang, recs in state.pages.items():
        for rec in recs.values():
            names = _placeholders(rec)
            if any(_lists(name, rec.base, b) for name in names for b in listed):
                only.setdefault(lang, set()).add(rec.src_uri)


_NAMES: dict = {}


def _placeholders(rec: PageRecord) -> tuple[str, ...]:
    """The generated lists of a page, read once per page text (a save asks of every page)."""
    return render_cache.memo(_NAMES, (rec.src_uri, rec.markdown), lambda: tuple(HTML_PLACEHOLDER.findall(rec.markdown)))


def shown(rec: PageRecord) -> tuple:
    """What other pages show of a page, as the build made it: its title (generated
    lists, "referenced by"), its title once rendered (the navigation) and its
    sections (set cards name a section by the heading text in the HTML)."""
    return rec.title, rec.rendered_title, set_pages.sections(rec)


def unforeseen(before: BuildState, after: BuildState, only: dict[str, set[str]]) -> dict[str, set[str]] | None:
    """After a partial build of ``only``: the pages it did not build that show
    what it made of a page it built differently from the build ``before`` (its
    title: the pages it links to; its title or sections: the generated lists);
    None: everything (a title in the navigation, a page that was not there)."""
    more: dict[str, set[str]] = {lang: set() for lang in after.pages}
    listed: set[str] = set()
    for lang, recs in after.pages.items():
        built = only.get(lang, set())
        for base, new in recs.items():
            if new.src_uri not in built:
                continue
            old = before.pages.get(lang, {}).get(base)
            if old is None:
                return None
            then, now = shown(old), shown(new)
            if then == now:
                continue
            if then[:2] != now[:2]:  # its title
                if base in after.nav:
                    return None
                for target in link_targets(before.parsed(old)) | link_targets(after.parsed(new)):
                    for other, pages in after.pages.items():
                        if target in pages:
                            more[other].add(pages[target].src_uri)
            listed.add(base)
    _add_list_pages(more, listed, after)
    return {lang: srcs - only.get(lang, set()) for lang, srcs in more.items()}


def _lists(name: str, page: str, changed: str) -> bool:
    """Whether the generated list ``name`` on ``page`` shows ``changed``'s
    title, front matter or sections (an unknown list: yes)."""
    if name == "glossary":
        return False  # the term base's, not the pages'
    if name == "handout":
        return changed.startswith(MODULE_FOLDER)
    if name == "collection-index":  # on the collection's index page, e.g. cases/index.md
        return collection_of(changed) == page.split("/")[0]
    if name == "list-coverage":
        return collection_of(changed) == "cases"
    return True  # set cards may name any page and section


def _dependents(src: str, docs_dir: Path, state: BuildState) -> tuple[set[str], bool] | None:
    """The language-neutral pages to build after ``src`` changed, and whether
    the pages with generated lists must be built too; None: everything."""
    if not src.endswith(".md"):
        return None
    lang, base = doc_lang(src), base_path(src)
    old = state.pages.get(lang, {}).get(base)
    path = docs_dir / src
    if old is None or old.src_uri != src or not path.is_file() or collection_of(base) == "sets" or base == SOURCE_PAGE:
        return None  # new or gone; a set ("used in sets"); the source every citation quotes
    try:
        from mkdocs.utils.meta import get_data  # the front matter exactly as the build reads it

        body, meta = get_data(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if old.meta.get("aliases") != meta.get("aliases"):
        return None  # redirect pages come and go: a partial build only adds files
    new, before = parse(src, body), state.parsed(old)
    out = {base}
    retitled = _title(old.meta, before) != _title(meta, new) or old.meta != meta
    if retitled:
        if base in state.nav:
            return None  # every page shows its title in the navigation
        out |= link_targets(before) | link_targets(new)
    elif link_targets(before) != link_targets(new):
        out |= link_targets(before) | link_targets(new)
    # generated lists show a page's title, front matter and sections (set cards name a
    # section by its heading); the handout holds the course modules whole
    lists = retitled or _sections(before) != _sections(new) or base.startswith(MODULE_FOLDER)
    return out, lists


def _sections(doc: Doc) -> tuple:
    return tuple((h.level, h.text, h.anchor) for h in doc.headings), tuple(sorted(doc.extra_ids))


def _title(meta: dict, doc: Doc) -> str:
    h1 = next((h.text for h in doc.headings if h.level == 1), "")
    return str(meta.get("title") or h1)
