"""The adapter to MkDocs' own build loop (``mkdocs.commands.build``): the
templated output of a page reused across builds, and the preview's partial
builds. Like :mod:`kb.build.material` for the plugins, this is the one place
that knows MkDocs' private functions, each pinned by ``tests/test_adapters.py``:

* ``_build_page(page, config, doc_files, nav, env, dirty, excluded)``, which
  asks ``env.get_template`` for the page's template and renders it with the
  context after the ``page_context`` event;
* ``_populate_page(page, config, files, dirty)``, which reads, renders and
  transforms one page (everything a later build of an unchanged page reuses);
* both looked up as module globals by ``build()`` on every call.

**Template cache.** A page's HTML from the theme's template is reused when
everything the template reads is unchanged (:func:`template_key`): the
render cache's global key (config, ``scripts/``, ``overrides/``, versions),
the language's settings, the navigation (every title, URL and section), the
page's URL, title, front matter, content after every late transform, table
of contents, previous and next pages and the other context values. What runs
after the template (``post_page``) runs every build.

**Partial builds** (:func:`partial`, used by ``kb serve`` only): MkDocs builds
as usual, but pages outside the given set are neither read nor written: their
reading of the last build is put back on the new page objects (content,
table of contents, title, anchors, links) and their search entries are added
again in the same order, so navigation, anchor checks, site-wide checks and
the search index see every page. Whether a page needs building is decided by
:mod:`kb.preview` from what changed.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import progress, render_cache
from .material import language_switcher

_STATE: dict[str, Any] = {"only": None, "keep": False, "last": None}
# (language, src_uri) -> what the last build read of the page (kept in memory by kb serve)
SNAPSHOTS: dict[tuple[str, str], dict] = {}
_NAV: list = [None, ""]  # the navigation object last digested and its digest
_FILES: dict[str, Any] = {}  # language -> the i18n plugin's file tree of the last build


def _reused_files(lang: str) -> Any | None:
    """The last build's file tree of ``lang`` within a partial build (no file came or went)."""
    return _FILES.get(lang) if _STATE["only"] is not None else None


def _take_files(lang: str) -> Any | None:
    """:func:`_reused_files`, its files freed of the last build's pages (MkDocs
    makes new ones; a skipped page gets back what it read: :func:`_restore`)."""
    tree = _reused_files(lang)
    for f in tree or ():
        f.page = None
    return tree


def _keep_files(lang: str, files: Any) -> None:
    if _STATE["keep"]:
        _FILES[lang] = files


def install() -> None:
    """Wrap MkDocs' build loop and the i18n plugin's file tree (once per process,
    before a config is loaded: MkDocs binds plugin events when it loads one)."""
    from mkdocs.commands import build as mk
    from mkdocs.structure.files import Files

    if getattr(mk._build_page, "_kb_original", None) is not None:
        return
    populate, build_page = mk._populate_page, mk._build_page

    def _populate_page(page: Any, config: Any, files: Any, dirty: bool = False) -> None:
        lang = _lang(config)
        if not (_skipped(lang, page) and _restore(page, files, SNAPSHOTS[(lang, page.file.src_uri)])):
            populate(page, config, files, dirty)
            if _STATE["keep"]:
                SNAPSHOTS[(lang, page.file.src_uri)] = _snapshot(page)
        progress.page_done(lang, "read", lambda: _documentation_pages(files))

    def _build_page(
        page: Any, config: Any, doc_files: Any, nav: Any, env: Any, dirty: bool = False, excluded: bool = False
    ) -> None:
        lang = _lang(config)
        snap = SNAPSHOTS.get((lang, page.file.src_uri)) or {}
        if _skipped(lang, page) and snap.get("entries") is not None:
            from .material import add_search_entries

            add_search_entries(config, snap["entries"])
        elif _STATE["keep"]:
            from .material import search_entries_of

            with search_entries_of(config) as entries:
                build_page(page, config, doc_files, nav, _Env(env, lang), dirty, excluded)
            SNAPSHOTS.setdefault((lang, page.file.src_uri), {})["entries"] = list(entries)
        else:
            build_page(page, config, doc_files, nav, _Env(env, lang), dirty, excluded)
        progress.page_done(lang, "written", lambda: len(doc_files))

    def _build_theme_template(template_name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
        if _STATE["only"] is None:  # a partial build keeps the navigation: sitemap and 404 pages unchanged
            theme_template(template_name, env, files, config, nav)

    def copy_static_files(self: Any, *args: Any, **kwargs: Any) -> None:
        if _STATE["only"] is None:  # a partial build follows a save of pages only
            copy_static(self, *args, **kwargs)

    def get_files(config: Any) -> Any:
        if _reused_files(_lang(config)) is not None:  # the i18n plugin's tree of the last build is used
            return Files([])
        return files_of(config)

    def add_files_from_theme(self: Any, env: Any, config: Any) -> None:
        if _reused_files(_lang(config)) is None:
            add_theme(self, env, config)

    theme_template, copy_static, add_theme, files_of = (
        mk._build_theme_template,
        Files.copy_static_files,
        Files.add_files_from_theme,
        mk.get_files,
    )
    from .material import reuse_language_files

    reuse_language_files(_take_files, _keep_files)
    _populate_page._kb_original = populate  # type: ignore[attr-defined]
    _build_page._kb_original = build_page  # type: ignore[attr-defined]
    _build_theme_template._kb_original = theme_template  # type: ignore[attr-defined]
    copy_static_files._kb_original = copy_static  # type: ignore[attr-defined]
    add_files_from_theme._kb_original = add_theme  # type: ignore[attr-defined]
    get_files._kb_original = files_of  # type: ignore[attr-defined]
    mk._populate_page, mk._build_page, mk._build_theme_template = _populate_page, _build_page, _build_theme_template
    mk.get_files = get_files
    _share_compiled_templates_of_every_env()
    Files.copy_static_files = copy_static_files  # type: ignore[method-assign]
    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]


class _CompiledTemplates:
    """Jinja's compiled templates, kept for the life of the process (MkDocs makes
    a new environment per language and per build); Jinja checks each one's source."""

    def __init__(self) -> None:
        from jinja2 import BytecodeCache

        class Memory(BytecodeCache):
            def __init__(self) -> None:
                self.held: dict[str, bytes] = {}

            def load_bytecode(self, bucket: Any) -> None:
                if bucket.key in self.held:
                    bucket.bytecode_from_string(self.held[bucket.key])

            def dump_bytecode(self, bucket: Any) -> None:
                self.held[bucket.key] = bucket.bytecode_to_string()

        self.cache = Memory()


_COMPILED: list = []


def _share_compiled_templates_of_every_env() -> None:
    """Every Jinja environment MkDocs' theme makes (the build's, and the ones
    plugins make for themselves, e.g. Material's search translations) shares
    the process's compiled templates."""
    from mkdocs.theme import Theme

    original = Theme.get_env

    def get_env(self: Any) -> Any:
        env = original(self)
        share_compiled_templates(env)
        return env

    get_env._kb_original = original  # type: ignore[attr-defined]
    Theme.get_env = get_env  # type: ignore[method-assign]


def share_compiled_templates(env: Any) -> None:
    """Give a new Jinja environment the process's compiled templates."""
    if not _COMPILED:
        _COMPILED.append(_CompiledTemplates().cache)
    env.bytecode_cache = _COMPILED[0]


_COUNTED: list = [None, 0]  # a weak reference to the files last counted, and their pages


def _documentation_pages(files: Any) -> int:
    """How many documentation pages MkDocs' ``files`` hold (counted once per object)."""
    ref = _COUNTED[0]
    if ref is None or ref() is not files:
        _COUNTED[:] = [weakref.ref(files), len(files.documentation_pages())]
    return _COUNTED[1]


def _lang(config: Any) -> str:
    from .material import current_language

    return current_language(config)


def keep_snapshots(on: bool) -> None:
    """Keep what every build read of each page, for later partial builds."""
    _STATE["keep"] = on


def remember(state: Any) -> None:
    """Keep the build's state (:class:`kb.build.registry.BuildState`) for the next partial build."""
    if _STATE["keep"]:
        _STATE["last"] = state


def last_state() -> Any:
    """The state of the last build kept by :func:`remember` (None: none)."""
    return _STATE["last"]


def partial_base() -> Any:
    """Within a partial build, the last build's state (its page records and
    parsed pages stand for the pages not read again); else None."""
    return _STATE["last"] if _STATE["only"] is not None else None


@contextmanager
def partial(only: dict[str, set[str]] | None) -> Iterator[None]:
    """Within the block, a build reads and writes only the pages in ``only``
    (language -> src_uri); None: every page."""
    _STATE["only"] = only
    try:
        yield
    finally:
        _STATE["only"] = None


def building_partially() -> bool:
    """Whether the build running is a partial one (:func:`partial`)."""
    return _STATE["only"] is not None


def _skipped(lang: str, page: Any) -> bool:
    only = _STATE["only"]
    return only is not None and page.file.src_uri not in only.get(lang, ()) and (lang, page.file.src_uri) in SNAPSHOTS


def _snapshot(page: Any) -> dict:
    return {
        "markdown": page.markdown,
        "meta": page.meta,
        "content": page.content,
        "toc": page.toc,
        "title": page._title_from_render,
        "anchors": page.present_anchor_ids,
        "links": {t.src_uri: dict(a) for t, a in (getattr(page, "links_to_anchors", None) or {}).items()},
        "entries": None,
    }


_BY_SRC: list = [None, {}]  # the files object last indexed, and its files by src_uri


def _restore(page: Any, files: Any, snap: dict) -> bool:
    if _BY_SRC[0] is not files:  # the object is held, so its id cannot be reused
        _BY_SRC[:] = [files, {f.src_uri: f for f in files}]
    links = {}
    for src, anchors in snap["links"].items():
        target = _BY_SRC[1].get(src)
        if target is None:
            return False  # a page it links to is gone: read it again
        links[target] = dict(anchors)
    page.markdown, page.meta, page.content, page.toc = snap["markdown"], snap["meta"], snap["content"], snap["toc"]
    page._title_from_render, page.present_anchor_ids, page.links_to_anchors = snap["title"], snap["anchors"], links
    return True


# --------------------------------------------------------------------------
# the template cache


class _Env:
    """The Jinja environment as ``_build_page`` sees it: the template it asks
    for is wrapped in :class:`_CachedTemplate`; Jinja itself uses the real one."""

    def __init__(self, env: Any, lang: str) -> None:
        self._env, self._lang = env, lang

    def get_template(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return _CachedTemplate(self._env.get_template(name, *args, **kwargs), name, self._lang)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)


class _CachedTemplate:
    def __init__(self, template: Any, name: str, lang: str) -> None:
        self._template, self._name, self._lang = template, name, lang

    def render(self, context: dict) -> str:
        store, global_ = render_cache.current()
        if store is None:
            return self._template.render(context)
        key = template_key(global_ + self._lang, self._name, context)
        entry = store.get(key)
        if entry is not None and isinstance(entry.get("html"), str):
            return entry["html"]
        out = self._template.render(context)
        store.put(key, {"html": out})
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)


def _nav_digest(nav: Any) -> str:
    held, digest = _NAV
    if held is not nav:  # the object is held, so its id cannot be reused
        digest = render_cache.sha(json.dumps(_nav_items(nav.items), ensure_ascii=False))
        _NAV[:] = [nav, digest]
    return digest


def _nav_items(items: Any) -> list:
    out = []
    for item in items or ():
        out.append(
            [
                type(item).__name__,
                str(getattr(item, "title", "") or ""),
                str(getattr(item, "url", "") or ""),
                str(getattr(getattr(item, "file", None), "src_uri", "") or ""),
                json.dumps(getattr(item, "meta", None), default=str, ensure_ascii=False, sort_keys=True),
                _nav_items(getattr(item, "children", None)),
            ]
        )
    return out


def _neighbour(page: Any) -> list[str] | None:
    return None if page is None else [str(page.url), str(page.title)]


def _toc(toc: Any) -> str:
    return json.dumps(render_cache.toc_tokens(toc or ()), ensure_ascii=False)


def template_key(global_: str, name: str, context: dict) -> str:
    """Everything the theme's template reads for one page (see the module's docstring)."""
    page, config = context["page"], context["config"]
    settings = {
        k: getattr(config, k, None)
        for k in ("site_name", "site_description", "site_url", "site_author", "copyright", "repo_url", "repo_name")
    }
    settings["theme"] = {k: config.theme.get(k) for k in ("language", "direction", "features", "palette")}
    others = {k: v for k, v in context.items() if k not in ("page", "config", "nav", "pages", "build_date_utc")}
    return render_cache.sha(
        "template",
        global_,
        name,
        _nav_digest(context["nav"]),
        render_cache.held_files_key(context.get("pages") or ()),
        json.dumps(settings, default=str, ensure_ascii=False, sort_keys=True),
        json.dumps(dict(config.extra), default=str, ensure_ascii=False, sort_keys=True),
        json.dumps(language_switcher(config), default=str, ensure_ascii=False, sort_keys=True),
        json.dumps(others, default=str, ensure_ascii=False, sort_keys=True),
        page.file.src_uri,
        str(page.url),
        str(page.title),
        str(page.canonical_url),
        str(page.edit_url),
        json.dumps(page.meta, default=str, ensure_ascii=False, sort_keys=True),
        page.content or "",
        _toc(page.toc),
        json.dumps([_neighbour(page.previous_page), _neighbour(page.next_page)], ensure_ascii=False),
    )
