"""Build-time transformations called by the MkDocs hooks (no MkDocs imports).

Each function takes plain strings and data, so it can be tested on its own.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable

from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding
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


@dataclass
class PageRecord:
    """What the build knows of one page, for generators that need every page."""

    src_uri: str  # e.g. "cases/lz-longpanyuan-136.en.md"
    base: str  # language-neutral, e.g. "cases/lz-longpanyuan-136.md"
    lang: str
    url: str  # site-relative URL, e.g. "en/cases/lz-longpanyuan-136/"
    title: str
    meta: dict
    markdown: str  # the page body as read (front matter removed)
    html: str = ""  # the page content once rendered (set after on_page_content)


@dataclass
class BuildState:
    """Pages seen so far, per language; the Chinese build runs first."""

    pages: dict[str, dict[str, PageRecord]] = field(default_factory=dict)
    tbs_count: dict[str, int] = field(default_factory=dict)

    def record(self, rec: PageRecord) -> None:
        self.pages.setdefault(rec.lang, {})[rec.base] = rec


# Front matter and page validators: f(record) -> findings. Any finding fails
# the strict build with "path:line:col: CODE message".
VALIDATORS: list[Callable[[PageRecord], list[Finding]]] = []
# HTML transforms on each page's content (e.g. term tooltips):
# f(html, record, termbase) -> html
HTML_TRANSFORMS: list[Callable[[str, PageRecord, TermBase], str]] = []
# Late HTML, once every page of the language is read: "<!-- kb:NAME -->" in a
# page's HTML is replaced by f(record, state) -> html; LATE_TRANSFORMS then run
# on every page: f(html, record, state) -> html.
LATE_GENERATORS: dict[str, Callable[[PageRecord, BuildState], str]] = {}
LATE_TRANSFORMS: list[Callable[[str, PageRecord, BuildState], str]] = []


# After the whole site (every language) is built: f(state, site_dir) -> None,
# e.g. redirect pages for renamed case IDs.
POST_BUILD: list[Callable[[BuildState, Path], None]] = []


def post_build(fn):
    POST_BUILD.append(fn)
    return fn


# Once every page of a language is read: f(state, lang) -> findings (fail the
# strict build like VALIDATORS), for checks that need the whole site.
SITE_VALIDATORS: list[Callable[[BuildState, str], list[Finding]]] = []


def site_validator(fn):
    SITE_VALIDATORS.append(fn)
    return fn


def validate_site(state: BuildState, lang: str) -> list[Finding]:
    out: list[Finding] = []
    for fn in SITE_VALIDATORS:
        out.extend(fn(state, lang))
    return out


def validator(fn):
    VALIDATORS.append(fn)
    return fn


def html_transform(fn):
    HTML_TRANSFORMS.append(fn)
    return fn


def late_generator(name: str):
    def register(fn):
        LATE_GENERATORS[name] = fn
        return fn

    return register


def late_transform(fn):
    LATE_TRANSFORMS.append(fn)
    return fn


_HTML_PLACEHOLDER = re.compile(r"<!--\s*kb:([a-z-]+)\s*-->")


def apply_late(html: str, rec: PageRecord, state: BuildState) -> str:
    def repl(m: re.Match) -> str:
        gen = LATE_GENERATORS.get(m.group(1))
        return gen(rec, state) if gen else m.group(0)

    html = _HTML_PLACEHOLDER.sub(repl, html)
    for fn in LATE_TRANSFORMS:
        html = fn(html, rec, state)
    return html


def base_of(src_uri: str) -> str:
    from .mdparse import base_path

    return base_path(src_uri)


def validate(rec: PageRecord) -> list[Finding]:
    out: list[Finding] = []
    if rec.markdown.startswith("---"):
        # MkDocs silently renders front matter it cannot parse as text
        from .mdparse import parse_front_matter

        _, _, err, _ = parse_front_matter(rec.src_uri, rec.markdown)
        out.append(err or Finding(rec.src_uri, 1, 1, "KB001", "malformed front matter: MkDocs could not read it"))
    for fn in VALIDATORS:
        out.extend(fn(rec))
    return out


def apply_html_transforms(html: str, rec: PageRecord, tb: TermBase) -> str:
    for fn in HTML_TRANSFORMS:
        html = fn(html, rec, tb)
    return html


def expand_markdown(markdown: str, src_uri: str, lang: str, tb: TermBase) -> str:
    """Replace Markdown placeholders; leave the ones rendered later alone."""

    def repl(m: re.Match) -> str:
        gen = MARKDOWN_GENERATORS.get(m.group(1))
        return gen(src_uri, lang, tb) if gen else m.group(0)

    return PLACEHOLDER.sub(repl, markdown)


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


def split_search_index(data: dict[str, Any], other_langs: Iterable[str]) -> list[tuple[str, str, dict]]:
    """Split the combined index of mkdocs-static-i18n into one index per language.

    Entries under ``<lang>/`` go to ``<lang>/search/search_index.json`` with
    locations relative to that language's root; the rest is the default
    language's index. Each index gets the lunr language of its own pages, so
    the English index has no stemmer: Material adds a trailing wildcard to
    every query term and lunr skips the stemmer for wildcard terms, so with a
    stemmed index "triage" (query) would never meet "triag" (index).
    """
    others = list(other_langs)
    drop = redundant_zwsp(str(data.get("config", {}).get("separator", "")))
    if drop is not None:
        for entry in data.get("docs", []):
            for key in ("title", "text"):
                if ZWSP in entry.get(key, ""):
                    entry[key] = drop(entry[key])
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
            # English pages group thousands ("3,449"); a reader may type 3449
            cfg["fields"] = {**cfg.get("fields", {}), NUMBERS_FIELD: {"boost": 1.0}}
            for e in docs:
                plain = {m.replace(",", "") for m in _GROUPED.findall(e.get("text", "") + " " + e.get("title", ""))}
                if plain:
                    e[NUMBERS_FIELD] = " ".join(sorted(plain))
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


SEARCH_WORKER = "kb-search.js"  # docs/assets/javascripts/workers/, beside Material's


@post_build
def minify_search_worker(state: BuildState, site_dir: Path) -> None:
    """Serve our search worker files without their comments (rjsmin: comments and
    white space only, names untouched): they explain the code to editors,
    and every reader would download them with a first search."""
    import rjsmin

    stem = SEARCH_WORKER[: -len(".js")]
    for path in (Path(site_dir) / "assets" / "javascripts" / "workers").glob(f"{stem}*.js"):
        path.write_text(rjsmin.jsmin(path.read_text(encoding="utf-8")), encoding="utf-8")


def wrap_search_worker(html: str) -> str:
    """Point Material at our worker wrapper, which loads Material's own worker
    (named in ``?material=``) and ranks exact-phrase matches first."""

    def repl(m: re.Match) -> str:
        cfg = json.loads(m.group(2))
        url = cfg.get("search") or ""
        folder, _, name = url.rpartition("/")
        if name and name != SEARCH_WORKER and not name.startswith(SEARCH_WORKER):
            cfg["search"] = f"{folder}/{SEARCH_WORKER}?material={name}" if folder else f"{SEARCH_WORKER}?material={name}"
        return m.group(1) + json.dumps(cfg, ensure_ascii=False) + m.group(3)

    return _CONFIG_SCRIPT.sub(repl, html, count=1)


def adjust_config(html: str, lang: str) -> str:
    """Material's ``__config`` for a page of ``lang``: its language root, our worker."""
    return wrap_search_worker(rebase_for_lang(html, lang))


def rebase_for_lang(html: str, lang: str) -> str:
    """Rebase a page of a non-default language on that language's root."""
    m = _CONFIG_SCRIPT.search(html)
    if lang == "zh" or not m:
        return html
    return rebase_config(html, join_base(json.loads(m.group(2))["base"], lang))
