"""The search index as the site serves it: one index per language, smaller
and with the fields our readers need, and our search worker's files.

Material's search plugin writes one index for every language of the i18n
build; :func:`split_search_index` splits it (called after the build). What
this reads of Material's index format is pinned by ``tests/test_adapters.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import render_cache, search_words
from .registry import BuildState

NUMBERS_FIELD = "numbers"  # an indexed, never displayed field of the English index
_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])")


ZWSP = "\u200b"
_LEADING_CLASS = re.compile(r"^\[((?:\\.|[^\]\\])*)\]\+")


def redundant_zwsp(separator: str) -> Callable[[str], str] | None:
    """A function dropping the zero-width spaces the search tokenizer does not need.

    Material's search plugin joins jieba's segments of Chinese text with
    U+200B, which the separator splits on. Next to a character that is itself
    a separator (punctuation, space, another U+200B), or at the start or end
    of a text between two HTML tags (the tokenizer splits text at tags), a
    U+200B adds no token boundary: dropping it leaves every token as it was
    and the Chinese index about 14 % smaller (3 bytes each, half of them).
    ``separator`` is the configured one; its leading character class (e.g.
    ``[\\s\\u200b,。、]+``) says which characters separate. None if it has none.
    """
    m = _LEADING_CLASS.match(separator)
    if not m or "\\u200b" not in m.group(1) and ZWSP not in m.group(1):
        return None
    cls = m.group(1)
    rx = re.compile(rf"^{ZWSP}+|{ZWSP}+$|{ZWSP}+(?=[{cls}])|(?<=[{cls}]){ZWSP}+")

    def drop(text: str) -> str:
        return "".join(part if part.startswith("<") else rx.sub("", part) for part in _TAG_SPLIT.split(text))

    return drop


_TAG_SPLIT = re.compile(r"(<[^<>]*>)")
_DROPPED: dict = {}
_NUMBERS: dict = {}


def _plain_numbers(text: str) -> set[str]:
    return {m.replace(",", "") for m in _GROUPED.findall(text)}


def split_search_index(
    data: dict[str, Any], other_langs: Iterable[str], terms: Any = None
) -> list[tuple[str, str, dict]]:
    """Split the combined index of mkdocs-static-i18n into one index per language.

    Entries under ``<lang>/`` go to ``<lang>/search/search_index.json`` with
    locations relative to that language's root; the rest is the default
    language's index. Each index gets the lunr language of its own pages, so
    the English index has no stemmer: Material adds a trailing wildcard to
    every query term and lunr skips the stemmer for wildcard terms, so with a
    stemmed index "triage" (query) would never meet "triag" (index).
    With the term base (``terms``), the indexes also get what
    :mod:`kb.build.search_words` adds: Chinese split into words (English),
    and for our worker the synonyms and (Chinese) the parts of compounds.
    """
    others = list(other_langs)
    sep = str(data.get("config", {}).get("separator", ""))
    drop = redundant_zwsp(sep)
    buckets: dict[str, list[dict]] = {"zh": []}
    for code in others:
        buckets[code] = []
    for entry in data.get("docs", []):  # copied: the caller's entries stay as they are
        e = dict(entry)
        if drop is not None:
            for key in ("title", "text"):
                if ZWSP in e.get(key, ""):
                    e[key] = render_cache.memo(_DROPPED, (sep, e[key]), lambda v=e[key]: drop(v))
        loc = e.get("location", "")
        for code in others:
            if loc == f"{code}/" or loc.startswith(f"{code}/") or loc.startswith(f"{code}/#"):
                e["location"] = loc[len(code) + 1 :]
                buckets[code].append(e)
                break
        else:
            buckets["zh"].append(e)
    out = []
    base_cfg = dict(data.get("config", {}))
    for code, docs in buckets.items():
        cfg = dict(base_cfg)
        cfg["lang"] = [code]
        if code == "zh" and set(cfg.get("pipeline") or []) <= {"stemmer"}:
            # lunr.zh changes nothing here: its stemmer returns every token as
            # it is, Material replaces its tokenizer, and the pipeline has no
            # trimmer or stop-word filter. Declared as lunr's built-in "en"
            # with an empty pipeline (the same identity on every token),
            # Material's worker fetches no language scripts: two requests and
            # 2.4 kB (gzip) less on a reader's first search.
            cfg["lang"], cfg["pipeline"] = ["en"], []
        if terms is not None and code != "zh":
            search_words.split_chinese(docs)
        if code == "en":
            cfg["pipeline"] = ["stopWordFilter", "trimmer"]
            # English pages group thousands ("3,449"); a reader may type 3449
            cfg["fields"] = {**cfg.get("fields", {}), NUMBERS_FIELD: {"boost": 1.0}}
            for e in docs:
                text = e.get("text", "") + " " + e.get("title", "")
                plain = render_cache.memo(_NUMBERS, text, lambda t=text: " ".join(sorted(_plain_numbers(t))))
                if plain:
                    e[NUMBERS_FIELD] = plain
        path = "search/search_index.json" if code == "zh" else f"{code}/search/search_index.json"
        if terms is not None:  # in the config: Material passes only config and docs to the worker
            cfg[search_words.KB_KEY] = kb = search_words.synonyms(terms, code)
            if code == "zh":
                sep = str(cfg.get("separator", r"\s+"))
                kb["parts"] = search_words.parts_map(docs, sep, search_words.compounds(terms))
        out.append((code, path, {"config": cfg, "docs": docs}))
    return out


def index_json(part: dict[str, Any], name: str = "") -> str:
    """One language's index as the site serves it: ``json.dumps(part,
    ensure_ascii=False, separators=(",", ":"), default=str)``. The entries
    encoded for the last index of ``name`` are reused (``kb serve`` writes every
    entry after each save); only those of this one are kept."""
    if list(part) != ["config", "docs"]:
        return _dumps(part)
    last, kept = _ENCODED.get(name, {}), {}
    docs = []
    for entry in part["docs"]:
        key = _entry_key(entry)
        if key is None:
            docs.append(_dumps(entry))
            continue
        text = kept.get(key) or last.get(key) or _dumps(entry)
        kept[key] = text
        docs.append(text)
    _ENCODED[name] = kept
    return '{"config":' + _dumps(part["config"]) + ',"docs":[' + ",".join(docs) + "]}"


_ENCODED: dict[str, dict] = {}


def _entry_key(entry: dict) -> tuple | None:
    """A key naming the entry's JSON, or None. Each value with its type, and as
    ``repr`` unless a string, integer, boolean or None: 1, 1.0 and True (or 0.0
    and -0.0) are equal keys but different JSON."""
    try:
        return tuple((k, tuple(map(_atom, v)) if isinstance(v, list) else _atom(v)) for k, v in entry.items())
    except TypeError:  # a value that is no string, number or list of them
        return None


def _atom(v: Any) -> tuple:
    if isinstance(v, (dict, list, tuple, set)):
        raise TypeError(type(v).__name__)
    return (type(v), v if v is None or type(v) in (str, int, bool) else repr(v))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


SEARCH_WORKER = "kb-search.js"  # docs/assets/javascripts/workers/, beside Material's


def minify_search_worker(state: BuildState, site_dir: Path) -> None:
    """Serve our search worker files without their comments (rjsmin: comments and
    white space only, names untouched): they explain the code to editors,
    and every reader would download them with a first search."""
    import rjsmin

    stem = SEARCH_WORKER[: -len(".js")]
    for path in (Path(site_dir) / "assets" / "javascripts" / "workers").glob(f"{stem}*.js"):
        path.write_text(rjsmin.jsmin(path.read_text(encoding="utf-8")), encoding="utf-8")
