"""kb.build.search_words without MkDocs (issue 14): the parts of compounds in
the Chinese index, Chinese split in the English index, the term base's synonyms."""

from __future__ import annotations

import re

from kb.build import search_words
from kb.model import terms

SEP = re.compile(r"[\s\u200b“”]+")


def _cut_for_search(run: str):
    # jieba's search mode on a user-dictionary term: its dictionary words, then the term
    known = {"红旗网格": ["红旗", "网格"], "老旧小区改造": ["小区", "改造"]}
    return [*known.get(run, []), run]


def test_parts_of_a_compound_are_indexed_not_the_tokens_themselves() -> None:
    parts = search_words.parts_of("鱼峰区\u200b“红旗网格”\u200b党支部 红旗", SEP, _cut_for_search)
    assert "网格" in parts and "红旗" not in parts and "红旗网格" not in parts  # 红旗 is a token already


def test_words_of_the_index_inside_a_compound_are_parts() -> None:
    parts = search_words.parts_of("老旧小区改造", SEP, _cut_for_search, vocabulary={"老旧", "小区"})
    assert set(parts) == {"老旧", "小区", "改造"}


def test_the_parts_map_lists_the_compounds_of_the_index_holding_each_part() -> None:
    docs = [{"location": "a/", "title": "红旗网格", "text": "老旧"}, {"location": "b/", "title": "网格", "text": ""}]
    parts = search_words.parts_map(docs, SEP.pattern, {"红旗网格", "红色管家"}, _cut_for_search)
    # 红旗* finds 红旗网格 already (Material's trailing wildcard); 红色管家 is not in the index
    assert parts == {"网格": ["红旗网格"]}


def test_chinese_in_english_pages_is_split_outside_tags() -> None:
    docs = [{"title": "Red Steward (红色管家)", "text": '<a href="x">红色管家</a> was'}]
    search_words.split_chinese(docs, cut=lambda run: [run[:2], run[2:]])
    assert docs[0]["title"] == "Red Steward (红色\u200b管家)"
    assert docs[0]["text"] == '<a href="x">红色\u200b管家</a> was'


def test_synonyms_come_from_the_term_base() -> None:
    tb = terms.load()
    zh, en = search_words.synonyms(tb, "zh"), search_words.synonyms(tb, "en")
    assert zh["lang"] == "zh" and en["lang"] == "en"
    assert zh["syn"]["四联双报道"] == "四联双报到"  # wrong_zh
    assert ["红色管家", "Red Steward"] in zh["pairs"]  # the other language's rendering
    assert en["syn"]["red butler"] == "Red Steward"  # wrong_en
    assert ["红旗网格", "Red Flag Grid"] in zh["pairs"]


def test_the_index_file_is_pythons_json_of_the_index_whatever_the_entries() -> None:
    """kb.build.search.index_bytes encodes each entry object once and reuses it for
    the next index: the file must stay byte for byte what json.dumps writes, also
    when new entries equal old ones in Python but not in JSON (1, 1.0, True; 0.0
    and -0.0), and when an index leaves entries out and a later one has them again."""
    import json
    import math

    from kb.build import search

    def dumps(part: dict) -> str:
        return json.dumps(part, ensure_ascii=False, separators=(",", ":"), default=str)

    cfg = {"lang": ["en"], "separator": "[\\s\\u200b]+", "pipeline": [], "fields": {"title": {"boost": 1000.0}}}
    first = [
        {"location": "cases/a/", "title": "红旗\u200b网格", "text": "<p>“引号”</p>", "tags": ["案例", "1"]},
        {"location": "cases/a/#x", "title": "x", "text": "", "boost": 1},
        {"location": "b/", "title": "y", "text": "z", "tags": [1, 2.0, True]},
        {"location": "c/", "title": "n", "text": "", "boost": 0.0, "numbers": "3449"},
        {"location": "d/", "title": "nested", "text": "", "tags": [["a"]], "odd": {"k": math.inf}},
    ]
    second = [  # equal to the first ones in Python, not in JSON
        {"location": "cases/a/#x", "title": "x", "text": "", "boost": 1.0},
        {"location": "cases/a/#x", "title": "x", "text": "", "boost": True},
        {"location": "b/", "title": "y", "text": "z", "tags": [True, 2, 1.0]},
        {"location": "c/", "title": "n", "text": "", "boost": -0.0, "numbers": "3449"},
        *first,
    ]
    for docs in (first, second, first, first[1:3], first):
        part = {"config": cfg, "docs": docs}
        assert search.index_bytes(part, "t") == dumps(part).encode("utf-8")
    assert search.index_bytes({"config": cfg}, "t") == dumps({"config": cfg}).encode("utf-8")
