"""What a reader downloads for a first search is lean: the Chinese search
index drops the zero-width spaces that Material's tokenizer does not need
(every token stays as it was), and our search worker is served without its
comments."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitebuild import ROOT

from kb.build.search import ZWSP, redundant_zwsp

_TAG = re.compile(r"<[^<>]*>")


def tokens(html: str, separator: re.Pattern) -> list[str]:
    """Material's search tokenizer, in short: text blocks between tags, split
    at the separator, empty pieces dropped, lower case."""
    out: list[str] = []
    for block in _TAG.split(html):
        out += [t.lower() for t in separator.split(block) if t]
    return out


def segmented_pages() -> list[str]:
    """The Chinese pages' paragraphs as Material's search plugin sees them:
    HTML, Chinese runs segmented by jieba and joined with U+200B."""
    from material.plugins.search.plugin import SearchIndex

    texts = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        if page.name.endswith(".en.md"):
            continue
        body = page.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        html = "".join(f"<p>{p.strip()}</p>" for p in body.split("\n\n") if p.strip())
        texts.append(SearchIndex._segment_chinese(None, html))
    return texts


@pytest.fixture(scope="module")
def zh_index(built_site: Path) -> dict:
    return json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_dropping_redundant_zwsp_keeps_every_token(zh_index: dict) -> None:
    sep_source = zh_index["config"]["separator"]
    separator = re.compile(sep_source)
    drop = redundant_zwsp(sep_source)
    assert drop is not None
    before = after = 0
    for text in segmented_pages():
        trimmed = drop(text)
        assert tokens(trimmed, separator) == tokens(text, separator), text[:200]
        before += text.count(ZWSP)
        after += trimmed.count(ZWSP)
    assert before > 10_000 and after < 0.7 * before, (before, after)


def test_the_built_chinese_index_has_no_zwsp_next_to_punctuation(zh_index: dict) -> None:
    text = "".join(d["title"] + d["text"] for d in zh_index["docs"])
    assert text.count(ZWSP) > 1000  # segmented: Chinese words are still separated
    for mark in "，。、；：？！“”《》（）":
        assert ZWSP + mark not in text and mark + ZWSP not in text, mark
    assert not re.search(rf">{ZWSP}|{ZWSP}<", text)


def test_a_separator_without_zwsp_keeps_the_index_as_it_is() -> None:
    assert redundant_zwsp(r"[\s\-]+") is None
    assert redundant_zwsp("") is None


@pytest.mark.parametrize("name", ["kb-search.js", "kb-search-fast.js"])
def test_the_search_worker_is_served_without_comments(built_site: Path, name: str) -> None:
    source = (ROOT / "docs" / "assets" / "javascripts" / "workers" / name).read_text(encoding="utf-8")
    served = (built_site / "assets" / "javascripts" / "workers" / name).read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in served and "// " not in served
    assert len(served) < 0.8 * len(source)
    # names and strings are kept: the worker still loads Material's and builds the index
    needles = {
        "kb-search.js": ("importScripts", '"kb-search-fast.js"', "fastLunr", '"material"'),
        "kb-search-fast.js": ("function fastLunr", "kbSearchBuild", "positionsOf"),
    }[name]
    for needle in needles:
        assert needle in served, needle
