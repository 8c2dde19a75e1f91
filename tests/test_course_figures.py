"""Figures of the source article must reach the course modules unchanged.

For every entry of tests/data/source_figures.yml:
- ``source`` occurs in the raw source article (whitespace removed and
  half-width punctuation mapped to full-width, for this check only: the raw copy has
  page breaks and half-width commas inside sentences);
- ``zh`` occurs exactly in the Chinese module ``docs/<module>``;
- ``en`` occurs exactly in the English counterpart ``docs/<module .en.md>``.

Also: no course page carries the OCR error 工专, and the source-reading
page carries neither the duplicated paragraph twice nor the garbled
sentence that joined the 行动学习 paragraph to another one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared/source/liuzhou-article.zh.txt"
DOCS = ROOT / "docs"
COURSE = DOCS / "course"
FIGURES = ROOT / "tests/data/source_figures.yml"


_FULL = str.maketrans({",": "，", "(": "（", ")": "）", ";": "；", ":": "：", "?": "？", "!": "！"})


def _norm(text: str) -> str:
    """Whitespace removed, half-width punctuation mapped to full-width (for tracing only)."""
    return re.sub(r"\s+", "", text).translate(_FULL)


def _figures() -> list[dict]:
    data = yaml.safe_load(FIGURES.read_text(encoding="utf-8"))
    return data["figures"] if isinstance(data, dict) else data


def _en(module: str) -> Path:
    return DOCS / (module[: -len(".md")] + ".en.md")


FIGS = _figures()
IDS = [f"{f['module'].split('/')[-1][:-3]}:{f['zh']}" for f in FIGS]


def test_source_exists():
    assert SOURCE.is_file(), f"source article not found at {SOURCE}"


def test_figure_table_shape():
    assert len(FIGS) >= 40
    for f in FIGS:
        assert set(f) >= {"zh", "source", "module", "en"}, f
        assert f["module"].startswith("course/") and f["module"].endswith(".md"), f
        assert not f["module"].endswith(".en.md"), f
    # every figure that the brief names is covered
    must = [
        "825个",
        "近8万名",
        "2.8万场次",
        "171.32万人次",
        "211个",
        "6600多支",
        "32个",
        "92项",
        "172个",
        "55个",
        "24名",
        "43个",
        "4000万元",
        "3449名",
        "超3.8亿元",
        "连续9年",
        "自2014年以来",
        "2021年10月",
        "5个小组",
        "四个环节",
        "八个方面",
        "2020年",
    ]
    zh_all = {f["zh"] for f in FIGS}
    for m in must:
        assert any(m in z for z in zh_all), f"figure {m} missing from {FIGURES.name}"


@pytest.mark.parametrize("fig", FIGS, ids=IDS)
def test_figure_traces_to_source(fig):
    source = _norm(SOURCE.read_text(encoding="utf-8"))
    assert _norm(fig["source"]) in source, f"not in source: {fig['source']}"
    assert _norm(fig["zh"]) in _norm(fig["source"]), f"zh {fig['zh']} not within its source excerpt"


@pytest.mark.parametrize("fig", FIGS, ids=IDS)
def test_figure_in_chinese_module(fig):
    page = DOCS / fig["module"]
    assert page.is_file(), f"missing page {page}"
    assert fig["zh"] in page.read_text(encoding="utf-8"), f"{fig['zh']} not in {fig['module']}"


@pytest.mark.parametrize("fig", FIGS, ids=IDS)
def test_figure_in_english_module(fig):
    page = _en(fig["module"])
    assert page.is_file(), f"missing page {page}"
    assert str(fig["en"]) in page.read_text(encoding="utf-8"), f"{fig['en']} not in {page.name}"


# the course pages of this test (other pages under docs/course/ belong to other checks)
COURSE_IDS = [
    "index",
    "overview",
    "process-control",
    "process-efficiency",
    "production-factors",
    "flagship-brands",
    "source-reading",
]
COURSE_PAGES = [COURSE / f"{i}{suffix}" for i in COURSE_IDS for suffix in (".md", ".en.md")]


@pytest.mark.parametrize("page", COURSE_PAGES, ids=[p.name for p in COURSE_PAGES])
def test_no_ocr_error(page):
    assert page.is_file(), f"missing {page.name}"
    assert "工专" not in page.read_text(encoding="utf-8")


ZH_PAGES = [p for p in COURSE_PAGES if not p.name.endswith(".en.md")]
HALF = re.compile(r"[\u4e00-\u9fff“”][,.;:?!()]|[,;:?!()][\u4e00-\u9fff“”]")


@pytest.mark.parametrize("page", ZH_PAGES, ids=[p.name for p in ZH_PAGES])
def test_no_half_width_punctuation_in_chinese(page):
    text = re.sub(r"\]\([^)\s]*\)", "]", page.read_text(encoding="utf-8"))  # link targets
    bad = [line for line in text.splitlines() if HALF.search(line)]
    assert not bad, f"half-width punctuation next to Chinese in {page.name}: {bad[:3]}"


def test_source_reading_cleaned():
    full = (COURSE / "source-reading.md").read_text(encoding="utf-8")
    # the article body ends where the editorial notes (图片说明, 校订说明) begin
    page = full.split("{#captions}")[0]
    assert len(page) < len(full), "source-reading.md needs a ## 图片说明 {#captions} section"
    flat = _norm(page)
    # the duplicated paragraph (推动资源项目向基层倾斜) is kept once
    for marker in [
        "推动资源项目向基层倾斜",
        "按照“权随责走、费随事转”原则",
        "自2014年以来，连续9年使用惠民项目资金办实事",
    ]:
        assert flat.count(_norm(marker)) == 1, f"{marker} appears {flat.count(_norm(marker))} times"
    # the garbled join after the 行动学习 paragraph is gone
    for garbled in ["四个环节的开展,共出经费", "四个环节的开展，共出经费"]:
        assert garbled not in full
    assert "四个环节的开展" in page
    # captions are out of the body, the damage is not
    for caption in ["▲", "▶", "柳州市城市景观", "图片由中共柳州市委组织部提供"]:
        assert caption not in page, f"caption text {caption} left in the article body"
    assert "推进推进" not in page
    assert "kb-tbs" in page


@pytest.mark.parametrize("page", ZH_PAGES, ids=[p.name for p in ZH_PAGES])
def test_english_counterpart_has_same_anchors(page):
    def anchors(t: str) -> list[str]:
        return re.findall(r"\{#([a-z0-9-]+)\}", t)

    en = page.with_name(page.name[:-3] + ".en.md")
    assert en.is_file(), f"missing {en.name}"
    assert anchors(page.read_text(encoding="utf-8")) == anchors(en.read_text(encoding="utf-8"))
