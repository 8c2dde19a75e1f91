"""Build-time transformations called by the MkDocs hooks (no MkDocs imports).

Each function takes plain strings and data, so it can be tested on its own.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable

from .terms import TermBase

# Placeholders an editor writes in a page, replaced at build time.
# ``<!-- kb:NAME -->`` on a line of its own.
PLACEHOLDER = re.compile(r"^<!--\s*kb:([a-z-]+)\s*-->\s*$", re.M)

# Markdown generators: name -> f(src_uri, lang, termbase) -> Markdown
MARKDOWN_GENERATORS: dict[str, Callable[[str, str, TermBase], str]] = {}


def markdown_generator(name: str):
    def register(fn):
        MARKDOWN_GENERATORS[name] = fn
        return fn

    return register


def expand_markdown(markdown: str, src_uri: str, lang: str, tb: TermBase) -> str:
    """Replace Markdown placeholders; leave the ones rendered later alone."""

    def repl(m: re.Match) -> str:
        gen = MARKDOWN_GENERATORS.get(m.group(1))
        return gen(src_uri, lang, tb) if gen else m.group(0)

    return PLACEHOLDER.sub(repl, markdown)


def annotate_html(html: str, lang: str, tb: TermBase) -> str:
    """Hook for term tooltips; see kb.tooltips once the term base provides it."""
    try:
        from .tooltips import annotate
    except ImportError:
        return html
    return annotate(html, lang, tb)


def split_search_index(data: dict[str, Any], other_langs: Iterable[str]) -> list[tuple[str, str, dict]]:
    """Split the combined index of mkdocs-static-i18n into one index per language.

    Entries under ``<lang>/`` go to ``<lang>/search/search_index.json`` with
    locations relative to that language's root; the rest is the default
    language's index. Each index gets the lunr language of its own pages, so
    an English index is stemmed on both sides (index and query).
    """
    others = list(other_langs)
    buckets: dict[str, list[dict]] = {"zh": []}
    for code in others:
        buckets[code] = []
    for entry in data.get("docs", []):
        loc = entry.get("location", "")
        for code in others:
            if loc == f"{code}/" or loc.startswith(f"{code}/") or loc.startswith(f"{code}/#"):
                e = dict(entry)
                e["location"] = loc[len(code) + 1 :]
                buckets[code].append(e)
                break
        else:
            buckets["zh"].append(entry)
    out = []
    base_cfg = dict(data.get("config", {}))
    for code, docs in buckets.items():
        cfg = dict(base_cfg)
        cfg["lang"] = [code]
        if code == "en":
            cfg["pipeline"] = ["stemmer", "stopWordFilter", "trimmer"]
        path = "search/search_index.json" if code == "zh" else f"{code}/search/search_index.json"
        out.append((code, path, {"config": cfg, "docs": docs}))
    return out


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
    if base.startswith("/"):  # error pages use absolute URLs
        return base.rstrip("/") + f"/{lang}"
    base = base.rstrip("/")
    if base in ("", "."):
        return lang
    return f"{base}/{lang}"


def rebase_for_lang(html: str, lang: str) -> str:
    """Rebase a page of a non-default language on that language's root."""
    m = _CONFIG_SCRIPT.search(html)
    if lang == "zh" or not m:
        return html
    return rebase_config(html, join_base(json.loads(m.group(2))["base"], lang))
