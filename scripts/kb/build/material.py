"""The one adapter to the internals of Material for MkDocs and
mkdocs-static-i18n that the build relies on, each named and each pinned by a
test in ``tests/test_adapters.py`` that fails, naming the coupling, when an
upgrade changes it:

* ``__config``: Material's ``<script id="__config" type="application/json">``
  in every page, whose ``base`` and ``search`` (worker URL) we rewrite;
* the i18n plugin's ``current_language`` and ``building`` attributes, its
  ``config.languages`` and the ``alternates`` it sets on ``page.file``;
* the search plugin's ``jieba_dict_user`` option, set in ``on_config`` before
  the plugin reads it (the hooks' ``on_config`` runs first: priority 100);
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
import re
from typing import Any

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


def wrap_search_worker(html: str) -> str:
    """Point Material at our worker wrapper, which loads Material's own worker
    (named in ``?material=``) and ranks exact-phrase matches first."""

    def repl(m: re.Match) -> str:
        cfg = json.loads(m.group(2))
        url = cfg.get("search") or ""
        folder, _, name = url.rpartition("/")
        if name and name != SEARCH_WORKER and not name.startswith(SEARCH_WORKER):
            cfg["search"] = (
                f"{folder}/{SEARCH_WORKER}?material={name}" if folder else f"{SEARCH_WORKER}?material={name}"
            )
        return m.group(1) + json.dumps(cfg, ensure_ascii=False) + m.group(3)

    return _CONFIG_SCRIPT.sub(repl, html, count=1)


def adjust_config(html: str, lang: str) -> str:
    """Material's ``__config`` for a page of ``lang``: its language root, our worker;
    and no ``<link rel="alternate" hreflang>`` in the head (see :func:`drop_head_alternates`)."""
    return drop_head_alternates(wrap_search_worker(rebase_for_lang(html, lang)))


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
