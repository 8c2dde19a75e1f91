"""Provenance rules PRV001-PRV004 on pairs of small good and broken documents,
the number forms of both languages, and `kb cite`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.checks import provenance
from kb.model import facts, sources
from kb.model.mdparse import parse

ROOT = Path(__file__).resolve().parents[1]

SOURCE_ZH = """---
title: 原文精读
---

# 原文精读 {#source-reading}
!!! note "出处"
    - 标题：《测试文章》
    - 作者：测试作者
    - 刊载：《中国城市报》2022年8月1日

## 第一部分 {#part-1}

柳州市建立“红旗网格”，累计参与171.32万人次，投入资金3.8亿元。
{: #p1 }

2018年起，全市组建党员突击队。
{: #p2 }
"""
SOURCE_EN = (
    SOURCE_ZH.replace("原文精读", "Source reading")
    .replace(
        "柳州市建立“红旗网格”，累计参与171.32万人次，投入资金3.8亿元。",
        "Liuzhou set up the Red Flag Grid; Party members took part 1,713,200 times in all; 380 million yuan was invested.",
    )
    .replace("2018年起，全市组建党员突击队。", "From 2018 the city formed Party member vanguard teams.")
)


def page(body_zh: str, body_en: str) -> dict[str, str]:
    return {
        "course/m.md": f"---\ntitle: 模块\n---\n\n# 模块 {{#m}}\n\n{body_zh}\n",
        "course/m.en.md": f"---\ntitle: Module\n---\n\n# Module {{#m}}\n\n{body_en}\n",
    }


CASES = {
    "good": page(
        "柳州市累计参与171.32万人次，投入3.8亿元。[[p1]]\n\n自2018年起组建突击队。[[p2]]",
        "Party members took part 1,713,200 times in all, and 380 million yuan was invested.[[p1]]\n\n"
        "From 2018 the city formed vanguard teams.[[p2]]",
    ),
    "wrong-number": page("柳州市累计参与171.33万人次。[[p1]]", "Party members took part 1,713,300 times.[[p1]]"),
    "uncited": page("自2018年起组建突击队。", "From 2018 the city formed vanguard teams."),
    "missing-paragraph": page("自2018年起组建突击队。[[p9]]", "From 2018 the city formed vanguard teams.[[p9]]"),
    "wrong-name": page("柳州市建立“蓝旗网格”。[[p1]]", "Liuzhou set up the Blue Flag Grid.[[p1]]"),
}
EXPECTED = {
    "good": [],
    "wrong-number": ["docs/course/m.en.md:7:1: PRV002", "docs/course/m.md:7:1: PRV002"],
    "uncited": ["docs/course/m.en.md:7:1: PRV003", "docs/course/m.md:7:1: PRV003"],
    "missing-paragraph": ["docs/course/m.en.md:7:1: PRV001", "docs/course/m.md:7:1: PRV001"],
    "wrong-name": ["docs/course/m.md:7:1: PRV002"],
}


def make(tmp: Path, pages: dict[str, str]) -> Path:
    docs = tmp / "docs"
    files = {"course/source-reading.md": SOURCE_ZH, "course/source-reading.en.md": SOURCE_EN, **pages}
    for rel, text in files.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    return docs


@pytest.mark.parametrize("case", sorted(CASES))
def test_provenance_rules(tmp_path: Path, case: str) -> None:
    docs = make(tmp_path, CASES[case])
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--docs", "docs", "--select", "PRV"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    got = sorted(" ".join(line.split()[:2]) for line in proc.stdout.splitlines())
    assert got == EXPECTED[case], proc.stdout
    assert proc.returncode == (1 if EXPECTED[case] else 0)
    assert docs.exists()


@pytest.mark.parametrize(
    "zh, en",
    [("171.32万", "1,713,200"), ("3.8亿", "380 million"), ("2.8万", "28,000"), ("2022年8月1日", "1 August 2022")],
)
def test_a_figure_written_in_either_language_is_the_same_fact(zh: str, en: str) -> None:
    (a,), (b,) = facts.extract(zh), facts.extract(en)
    assert (a.kind, a.value) == (b.kind, b.value)
    assert facts.backed(b, zh, facts.values(zh)) and facts.backed(a, en, facts.values(en))


@pytest.mark.parametrize(
    "claim, source",
    [
        ("2022年8月1日", "1 August 2023"),  # another year
        ("1日", "China Daily, 2021-01-29"),  # a day of a reference's date is no figure of it
        ("171.33万", "171.32万人次"),
    ],
)
def test_a_different_figure_is_not_backed(claim: str, source: str) -> None:
    (fact,) = facts.extract(claim)
    assert not facts.backed(fact, source, facts.values(source))


def test_the_digits_of_a_quoted_name_belong_to_the_name() -> None:
    found = facts.extract("龙攀苑社区“136志愿专列”入选")
    assert [(f.kind, f.value) for f in found] == [("name", "136志愿专列")]
    assert ("number", "136") in facts.values("“136志愿专列”")  # and back the figure in English


def test_a_fact_field_needs_a_citation() -> None:
    src = sources.from_texts({"zh": SOURCE_ZH})
    text = "---\nid: c\ntitle: 案例\ndistrict: 柳南区\nlist: local\n---\n\n# 案例\n"
    found = provenance.check_front_matter(parse("cases/c.md", text), src)
    assert sorted(f.message.split("'")[1] for f in found if f.code == "PRV004") == ["district", "list"]
    cited = text.replace("list: local\n", "list: local\ncite: {district: [p1], list: [p9]}\n")
    found = provenance.check_front_matter(parse("cases/c.md", cited), src)
    assert [(f.code, f.message) for f in found] == [
        ("PRV004", "field 'district': '柳南区' is not in the cited text"),
        ("PRV001", "cite.list: no p9"),
    ]


def test_kb_cite_writes_the_citation_that_makes_the_page_clean(tmp_path: Path) -> None:
    docs = make(tmp_path, CASES["uncited"])
    proc = subprocess.run(
        [sys.executable, "-m", "kb.cli", "cite", "--docs", str(docs), "--write"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "自2018年起组建突击队。[[p2]]" in (docs / "course/m.md").read_text(encoding="utf-8")
    assert "vanguard teams.[[p2]]" in (docs / "course/m.en.md").read_text(encoding="utf-8")
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--docs", str(docs), "--select", "PRV"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout


def test_citations_render_in_the_readers_language_and_never_in_code() -> None:
    from kb.build.citations import render
    from kb.build.registry import PageRecord

    src = sources.from_texts({"zh": SOURCE_ZH, "en": SOURCE_EN})
    for lang, url, href in (
        ("zh", "cases/x/", "../../course/source-reading/#p2"),
        ("en", "en/cases/x/", "../../course/source-reading/#p2"),
    ):
        rec = PageRecord("cases/x.md", "cases/x.md", lang, url, "t", {}, "")
        html = render("自2018年起组建突击队。[[p2]] `[[p1]]`\n\n```\n[[p1]]\n```\n", rec, src)
        assert f'<a href="{href}"' in html and ">¶2</a>" in html
        assert "`[[p1]]`" in html and "```\n[[p1]]\n```" in html
        tip = "原文第2段：" if lang == "zh" else "Source paragraph 2: From 2018"
        assert tip in html


def kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, text=True)


def test_kb_cite_never_writes_through_a_link_nor_outside_docs(tmp_path: Path) -> None:
    docs = make(tmp_path, CASES["uncited"])
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: x\n---\n\n# x\n\n自2018年起组建突击队。\n", encoding="utf-8")
    (docs / "course" / "linked.md").symlink_to(outside)
    before = outside.read_bytes()
    proc = kb("cite", "--docs", str(docs), "--write")
    assert proc.returncode == 2 and "symbolic link" in proc.stderr, proc.stdout + proc.stderr
    assert outside.read_bytes() == before
    assert "[[p2]]" in (docs / "course/m.md").read_text(encoding="utf-8")  # the other pages are written
    assert kb("cite", "--docs", str(docs), str(outside)).returncode == 2


def test_kb_cite_leaves_a_block_marked_as_the_sites_own(tmp_path: Path) -> None:
    docs = make(
        tmp_path, page("本学院把它归纳为“三步走”。<!-- kb-ignore PRV003 -->", "Three steps, in the academy's words.")
    )
    proc = kb("cite", "--docs", str(docs))
    assert proc.returncode == 0 and "0 blocks to settle by hand" in proc.stdout, proc.stdout


def test_an_unknown_code_in_select_is_a_usage_error(tmp_path: Path) -> None:
    docs = make(tmp_path, CASES["good"])
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--docs", str(docs), "--select", "PRV9"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "PRV9" in proc.stderr


def test_a_changed_source_paragraph_is_seen_through_the_cache(tmp_path: Path) -> None:
    docs = make(tmp_path, CASES["good"])
    check = [sys.executable, str(ROOT / "scripts" / "check.py"), "--docs", str(docs), "--select", "PRV"]
    assert subprocess.run(check, capture_output=True, text=True).returncode == 0  # warms the cache
    src = docs / "course" / "source-reading.md"
    src.write_text(src.read_text(encoding="utf-8").replace("171.32万", "171.31万"), encoding="utf-8")
    proc = subprocess.run(check, capture_output=True, text=True)
    assert proc.returncode == 1 and "docs/course/m.md:7:1: PRV002" in proc.stdout.replace(str(tmp_path) + "/", ""), (
        proc.stdout
    )


def test_the_report_still_counts_every_to_be_supplied_place() -> None:
    import json

    spans = sum(p.read_text(encoding="utf-8").count('class="kb-tbs"') for p in (ROOT / "docs").rglob("*.md"))
    report = json.loads(kb("report", "--format", "json").stdout)
    assert report["total"] == spans > 300
    cited = [g for g in report["places"] if "[[" in g["text"]]
    assert not cited, "a citation was counted as part of a to-be-supplied note"
