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
    # kb serve hands the entries of the pages a save did not touch back as the same
    # objects (never changed once made): each is split once
    split = _SPLIT.start((sep, tuple(others), terms is not None))
    for entry in data.get("docs", []):  # copied: the caller's entries stay as they are
        code, e = split.get(entry, lambda e=entry: _split_entry(e, others, sep, drop, terms is not None))
        buckets[code].append(e)
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
        if code == "en":
            cfg["pipeline"] = ["stopWordFilter", "trimmer"]
            cfg["fields"] = {**cfg.get("fields", {}), NUMBERS_FIELD: {"boost": 1.0}}
        path = "search/search_index.json" if code == "zh" else f"{code}/search/search_index.json"
        if terms is not None:  # in the config: Material passes only config and docs to the worker
            cfg[search_words.KB_KEY] = kb = search_words.synonyms(terms, code)
            if code == "zh":
                sep = str(cfg.get("separator", r"\s+"))
                kb["parts"] = search_words.parts_map(docs, sep, search_words.compounds(terms))
        out.append((code, path, {"config": cfg, "docs": docs}))
    return out


class _LastPass:
    """What was computed for each object of the last pass (objects never changed
    once made: kept by identity, and held, so that no id is reused); ``start``
    begins a pass, which keeps only what it asks for. A pass with other
    ``settings`` starts empty."""

    def __init__(self) -> None:
        self.settings: object = None
        self.last: dict[int, tuple[Any, Any]] = {}
        self.kept: dict[int, tuple[Any, Any]] = {}

    def start(self, settings: object) -> _LastPass:
        self.last = self.kept if settings == self.settings else {}
        self.settings, self.kept = settings, {}
        return self

    def get(self, obj: Any, compute: Callable[[], Any]) -> Any:
        held = self.kept.get(id(obj)) or self.last.get(id(obj))
        if held is None or held[0] is not obj:
            held = (obj, compute())
        self.kept[id(obj)] = held
        return held[1]


_SPLIT = _LastPass()


def _split_entry(
    entry: dict, others: list[str], sep: str, drop: Callable[[str], str] | None, words: bool
) -> tuple[str, dict]:
    """The language of one entry of the combined index, and the entry as its index holds it."""
    e = dict(entry)
    if drop is not None:
        for key in ("title", "text"):
            if ZWSP in e.get(key, ""):
                e[key] = render_cache.memo(_DROPPED, (sep, e[key]), lambda v=e[key]: drop(v))
    loc, code = e.get("location", ""), "zh"
    for other in others:
        if loc == f"{other}/" or loc.startswith(f"{other}/") or loc.startswith(f"{other}/#"):
            e["location"], code = loc[len(other) + 1 :], other
            break
    if words and code != "zh":
        search_words.split_chinese([e])
    if code == "en":  # English pages group thousands ("3,449"); a reader may type 3449
        text = e.get("text", "") + " " + e.get("title", "")
        plain = render_cache.memo(_NUMBERS, text, lambda t=text: " ".join(sorted(_plain_numbers(t))))
        if plain:
            e[NUMBERS_FIELD] = plain
    return code, e


def index_bytes(part: dict[str, Any], name: str = "") -> bytes:
    """One language's index file as the site serves it: ``json.dumps(part,
    ensure_ascii=False, separators=(",", ":"), default=str)`` in UTF-8. The
    entries encoded for the last index of ``name`` are reused (``kb serve``
    writes every entry after each save); only those of this one are kept."""
    if list(part) != ["config", "docs"]:
        return _dumps(part).encode("utf-8")
    encoded = _ENCODED.setdefault(name, _LastPass()).start(name)
    docs = [encoded.get(entry, lambda e=entry: _dumps(e).encode("utf-8")) for entry in part["docs"]]
    head = '{"config":' + _dumps(part["config"]) + ',"docs":['
    return head.encode("utf-8") + b",".join(docs) + b"]}"


_ENCODED: dict[str, _LastPass] = {}


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
