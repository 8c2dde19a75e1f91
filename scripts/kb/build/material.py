"""The one adapter to the internals of Material for MkDocs and
mkdocs-static-i18n that the build relies on, each named and each pinned by a
test in ``tests/test_adapters.py`` that fails, naming the coupling, when an
upgrade changes it:

* ``__config``: Material's ``<script id="__config" type="application/json">``
  in every page, whose ``base`` and ``search`` (worker URL) we rewrite;
* the i18n plugin's ``current_language`` and ``building`` attributes, its
  ``config.languages`` and the ``alternates`` it sets on ``page.file``;
* the search plugin's ``jieba_dict_user`` option, set in ``on_config`` before
  the plugin reads it (the hooks' ``on_config`` runs first: priority 100); its
  index (``SearchIndex``: ``config``, ``entries``, ``generate_search_index``), written by the hooks;
* the head's ``<link rel="alternate" hreflang>`` that Material's script follows
  to fetch ``sitemap.xml`` (dropped: :func:`drop_head_alternates`);
* ``overrides/partials/search.html``, a copy of Material's partial changed in
  one attribute (the test compares it with the installed theme's).
* Material's offline mode, which the offline edition relies on (pinned in
  ``tests/test_offline.py``): on a ``file:`` page the bundle loads
  ``{base}search/search_index.js`` and reads its global ``__index``
  (:func:`offline_index_script`), and Material's worker asks whether its
  ``parent`` holds an ``IFrameWorker`` (answered by the edition's frame).

A move away from these plugins rewrites this module and the hooks only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import render_cache
from .search import SEARCH_WORKER

_CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def rebase_config(html: str, lang_root: str) -> str:
    """Point Material's ``__config.base`` at the language root (e.g. ``../../en``).

    Material fetches ``{base}/search/search_index.json`` and resolves search
    result locations against ``base``: with per-language indexes, an English
    page must use the English root.
    """

    def repl(m: re.Match) -> str:
        cfg = json.loads(m.group(2))
        cfg["base"] = lang_root
        return m.group(1) + json.dumps(cfg, ensure_ascii=False) + m.group(3)

    return _CONFIG_SCRIPT.sub(repl, html, count=1)


def join_base(base: str, lang: str) -> str:
    """The language root relative to a page, ending in "/" (relative bases).

    Material resolves ``new URL("search/search_index.json", base)``: without
    the trailing slash ``../../en`` would resolve to ``/search/...``, the
    default language's index, and result links would lose ``en/``.
    """
    if base.startswith("/"):  # error pages use absolute URLs
        return base.rstrip("/") + f"/{lang}/"
    base = base.rstrip("/")
    if base in ("", "."):
        return f"{lang}/"
    return f"{base}/{lang}/"


def _our_worker(cfg: dict) -> None:
    url = cfg.get("search") or ""
    folder, _, name = url.rpartition("/")
    if name and name != SEARCH_WORKER and not name.startswith(SEARCH_WORKER):
        cfg["search"] = f"{folder}/{SEARCH_WORKER}?material={name}" if folder else f"{SEARCH_WORKER}?material={name}"


def wrap_search_worker(html: str) -> str:
    """Point Material at our worker wrapper, which loads Material's own worker
    (named in ``?material=``) and ranks exact-phrase matches first."""

    def repl(m: re.Match) -> str:
        cfg = json.loads(m.group(2))
        _our_worker(cfg)
        return m.group(1) + json.dumps(cfg, ensure_ascii=False) + m.group(3)

    return _CONFIG_SCRIPT.sub(repl, html, count=1)


def adjust_config(html: str, lang: str) -> str:
    """Material's ``__config`` for a page of ``lang``: its language root, our worker
    (:func:`rebase_for_lang` and :func:`wrap_search_worker` in one pass); and no
    ``<link rel="alternate" hreflang>`` in the head (see :func:`drop_head_alternates`)."""
    m = _CONFIG_SCRIPT.search(html)
    if m:
        cfg = json.loads(m.group(2))
        if lang != "zh":
            cfg["base"] = join_base(cfg["base"], lang)
        _our_worker(cfg)
        html = html[: m.start(2)] + json.dumps(cfg, ensure_ascii=False) + html[m.end(2) :]
    return drop_head_alternates(html)


_HEAD_ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def drop_head_alternates(html: str) -> str:
    """Material's script fetches ``sitemap.xml`` beside every ``<link rel="alternate"
    hreflang>`` of the head, to map pages between languages; our language switcher
    links each page to its counterpart itself, and the site has no sitemap there:
    every page made one to three requests answered 404 (and CORS errors under
    ``file://``). The links are dropped; the switcher is unchanged."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    return _HEAD_ALTERNATE.sub("", html[:head_end]) + html[head_end:]


def rebase_for_lang(html: str, lang: str) -> str:
    """Rebase a page of a non-default language on that language's root."""
    m = _CONFIG_SCRIPT.search(html)
    if lang == "zh" or not m:
        return html
    return rebase_config(html, join_base(json.loads(m.group(2))["base"], lang))


# --------------------------------------------------------------------------
# mkdocs-static-i18n


def i18n_plugin(config: Any) -> Any | None:
    return config.plugins.get("i18n")


def current_language(config: Any) -> str:
    """The language being built (a page without a translation is built from
    the Chinese file into the other language's site: it counts as that language)."""
    i18n = i18n_plugin(config)
    return str(getattr(i18n, "current_language", None) or config.theme.get("language") or "zh")


def building_other_language(config: Any) -> bool:
    """True inside the nested build of a non-default language."""
    i18n = i18n_plugin(config)
    return bool(i18n is not None and getattr(i18n, "building", False))


def other_languages(config: Any) -> list[str]:
    """The locales of the non-default languages."""
    i18n = i18n_plugin(config)
    return [lang.locale for lang in i18n.config.languages if not lang.default] if i18n is not None else []


def page_alternates(page: Any) -> dict[str, Any]:
    """The i18n plugin's ``{lang: File}`` of a page's other-language versions."""
    return getattr(page.file, "alternates", {}) or {}


def reuse_language_files(reuse: Callable[[str], Any | None], keep: Callable[[str, Any], None]) -> None:
    """Make the i18n plugin's ``on_files`` (its file tree of the language being
    built, with each file's alternates) return ``reuse(language)`` when that
    gives one (kb serve's partial builds: no file came or went), else build the
    tree and hand it to ``keep(language, files)``. The tree's ``plugin`` is
    pointed at the plugin of the build. Installed on the class before a config
    is loaded (MkDocs binds plugin events when it loads the config)."""
    from mkdocs_static_i18n.plugin import I18n

    if getattr(I18n.on_files, "_kb_original", None) is not None:
        return
    original = I18n.on_files

    def on_files(self: Any, files: Any, config: Any) -> Any:
        lang = str(self.current_language)
        tree = reuse(lang)
        if tree is None:
            tree = original(self, files, config)
            keep(lang, tree)
            return tree
        tree.plugin = self
        self.i18n_files_per_language[self.current_language] = tree.documentation_pages()
        return tree

    on_files._kb_original = original  # type: ignore[attr-defined]
    on_files.mkdocs_priority = getattr(original, "mkdocs_priority", 0)  # type: ignore[attr-defined]
    I18n.on_files = on_files  # type: ignore[method-assign]


def language_switcher(config: Any) -> list[dict]:
    """The language switcher's entries (the i18n plugin sets ``extra.alternate``
    as an attribute, which Jinja reads first)."""
    return getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []


# --------------------------------------------------------------------------
# Material's search plugin


def set_jieba_user_dict(config: Any, path: str) -> bool:
    """Point Material's search plugin at our jieba user dictionary; False
    when the plugin is not configured."""
    search = config.plugins.get("material/search")
    if search is None:
        return False
    search.config.jieba_dict_user = path
    return True


# --------------------------------------------------------------------------
# Material's offline mode (a page opened from file://)

OFFLINE_INDEX = "search/search_index.js"  # beside search_index.json, under each language root


def offline_index_script(index_json: str) -> str:
    """The script Material's bundle loads instead of fetching the index on a ``file:``
    page: it reads the global ``__index`` (as the offline plugin writes it)."""
    return f"var __index = {index_json};\n"


# --------------------------------------------------------------------------
# MkDocs' render of a page (``Page.render``): the render cache


class _Recorder(logging.Handler):
    """Notes whether a render logged anything at INFO or above."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_RENDER: dict[str, Any] = {"store": None, "global": ""}


def use_render_cache(store: Any | None, global_key: str = "") -> None:
    """Make ``Page.render`` reuse a render of the same input from ``store``
    (a :class:`kb.build.render_cache.Store`; None: render every page).

    Pinned by ``tests/test_adapters.py``: what MkDocs' render sets on the
    page (``content``, ``toc``, ``_title_from_render``, ``present_anchor_ids``,
    ``links_to_anchors``) is what a cached entry restores.
    """
    from mkdocs.structure.pages import Page

    _RENDER.update(store=store, **{"global": global_key})
    render_cache.use(store, global_key)
    if getattr(Page.render, "_kb_original", None) is None:
        original = Page.render

        def render(self: Any, config: Any, files: Any) -> None:
            if _RENDER["store"] is None:
                return original(self, config, files)
            return _cached_render(original, self, config, files)

        render._kb_original = original  # type: ignore[attr-defined]
        Page.render = render  # type: ignore[method-assign]
    _cache_search_entries()


def _cache_search_entries() -> None:
    """Make Material's ``SearchIndex.add_entry_from_context`` reuse the entries
    of a page whose indexed input (URL, title, front matter, content as the
    search plugin sees it, table of contents) is unchanged: the jieba
    segmentation is the most expensive part of indexing."""
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return
    if getattr(SearchIndex.add_entry_from_context, "_kb_original", None) is not None:
        return
    original = SearchIndex.add_entry_from_context

    def add_entry_from_context(self: Any, page: Any) -> None:
        store = _RENDER["store"]
        if store is None:
            return original(self, page)
        key = render_cache.search_key(
            _RENDER["global"],
            page.url,
            str(page.title),
            json.dumps(page.meta, sort_keys=True, default=str, ensure_ascii=False),
            page.content or "",
            json.dumps(render_cache.toc_tokens(page.toc), ensure_ascii=False),
        )
        entry = store.get(key)
        if entry is not None and isinstance(entry.get("entries"), list):
            self.entries.extend(dict(e) for e in entry["entries"])
            return
        before = len(self.entries)
        original(self, page)
        new = self.entries[before:]
        if json.loads(json.dumps(new, default=str)) == new:  # only plain JSON is reused
            store.put(key, {"entries": [dict(e) for e in new]})

    add_entry_from_context._kb_original = original  # type: ignore[attr-defined]
    SearchIndex.add_entry_from_context = add_entry_from_context  # type: ignore[method-assign]


def add_search_entries(config: Any, entries: list[dict]) -> None:
    """Add a page's entries (as a last build made them: the same objects, never changed) to Material's index."""
    search = config.plugins.get("material/search")
    if search is not None and getattr(search, "search_index", None) is not None:
        search.search_index.entries.extend(entries)


DEFERRED_INDEX = "{}"  # what Material writes while deferred: our hooks write the file after the build
_SEARCH = {"deferred": False}


def defer_search_index(on: bool) -> None:
    """While on, Material's search plugin writes a placeholder instead of its
    index (it would serialize every language's entries after each language and
    again after the i18n plugin stacks them, each time overwritten): the hooks
    write each language's index from :func:`search_index_data` once."""
    from material.plugins.search.plugin import SearchIndex

    _SEARCH["deferred"] = on
    if getattr(SearchIndex.generate_search_index, "_kb_original", None) is not None:
        return
    original = SearchIndex.generate_search_index

    def generate_search_index(self: Any, prev: Any) -> str:  # prev: under a dirty reload only (merges)
        return DEFERRED_INDEX if _SEARCH["deferred"] and not prev else original(self, prev)

    generate_search_index._kb_original = original  # type: ignore[attr-defined]
    SearchIndex.generate_search_index = generate_search_index  # type: ignore[method-assign]


def search_index_data(config: Any) -> dict | None:
    """The index Material's search plugin holds (after the i18n plugin stacked
    every language's entries), as Material would write it: its config and its
    entries (not copied). None without the search plugin."""
    search = config.plugins.get("material/search")
    index = getattr(search, "search_index", None) if search is not None else None
    if index is None:
        return None
    return {"config": {k: index.config[k] for k in ("lang", "separator", "pipeline", "fields")}, "docs": index.entries}


@contextmanager
def search_entries_of(config: Any) -> Iterator[list[dict]]:
    """The search entries added within the block (one page's, filled on exit; never changed once made)."""
    search = config.plugins.get("material/search")
    index = getattr(search, "search_index", None) if search is not None else None
    before = len(index.entries) if index is not None else 0
    out: list[dict] = []
    try:
        yield out
    finally:
        if index is not None:
            out.extend(index.entries[before:])  # the same objects: a next build's split reuses them


def render_cache_stats() -> dict[str, tuple[int, int]]:
    """{language: (reused, rendered) pages} since the last call; empty when the cache is off."""
    store = _RENDER["store"]
    if store is None:
        return {}
    out = {lang: (c[0], c[1]) for lang, c in sorted(store.counts.items())}
    store.counts.clear()
    return out


def _cached_render(original: Any, page: Any, config: Any, files: Any) -> None:
    from mkdocs.structure.toc import get_toc

    store = _RENDER["store"]
    f = page.file
    key = render_cache.page_key(
        _RENDER["global"] + current_language(config),
        render_cache.held_files_key(files),
        f.src_uri,
        f.url,
        f.dest_uri,
        page.markdown,
    )
    entry = store.get(key, count=current_language(config))
    links = None
    if entry is not None:
        links = {}
        for src, anchors in entry["links"].items():
            target = files.get_file_from_path(src)
            if target is None:
                links = None
                break
            links[target] = dict(anchors)
    if entry is not None and links is not None:
        page.content = entry["content"]
        page.toc = get_toc(entry["toc"])
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        if logging.getLogger("mkdocs").getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = links
        return
    recorder = _Recorder()
    loggers = (logging.getLogger(), logging.getLogger("mkdocs"))
    for lg in loggers:
        lg.addHandler(recorder)
    try:
        original(page, config, files)
    finally:
        for lg in loggers:
            lg.removeHandler(recorder)
    if recorder.count:
        return  # never cache a render with a message: a hit would hide it
    store.put(
        key,
        {
            "content": page.content,
            "toc": render_cache.toc_tokens(page.toc),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": {t.src_uri: dict(a) for t, a in (getattr(page, "links_to_anchors", None) or {}).items()},
        },
    )
