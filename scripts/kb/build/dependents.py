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

``None`` means "build everything"; correctness first, a full build is
always right.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model.mdparse import Doc, parse
from ..model.sources import SOURCE_PAGE
from ..model.tree import HTML_PLACEHOLDER, base_path, collection_of, doc_lang
from .backlinks import link_targets
from .handout import MODULE_FOLDER
from .registry import BuildState


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
    for lang, recs in state.pages.items():
        for rec in recs.values():
            names = HTML_PLACEHOLDER.findall(rec.markdown)
            if any(_lists(name, rec.base, b) for name in names for b in listed):
                only[lang].add(rec.src_uri)
    return only


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
    shown = _title(old.meta, before) != _title(meta, new) or old.meta != meta
    if shown:
        if base in state.nav:
            return None  # every page shows its title in the navigation
        out |= link_targets(before) | link_targets(new)
    elif link_targets(before) != link_targets(new):
        out |= link_targets(before) | link_targets(new)
    # generated lists show a page's title, front matter and sections (set cards name a
    # section by its heading); the handout holds the course modules whole
    lists = shown or _sections(before) != _sections(new) or base.startswith(MODULE_FOLDER)
    return out, lists


def _sections(doc: Doc) -> tuple:
    return tuple((h.level, h.text, h.anchor) for h in doc.headings), tuple(sorted(doc.extra_ids))


def _title(meta: dict, doc: Doc) -> str:
    h1 = next((h.text for h in doc.headings if h.level == 1), "")
    return str(meta.get("title") or h1)
