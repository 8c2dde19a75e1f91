"""What the term base puts into the built site: the glossary (one anchor per
term id, both languages), the term tooltips (``<abbr title>`` on first use,
never in headings, links or code), and the jieba dictionary that makes every
term one search token."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kb.build.tooltips import add_tooltips
from kb.model import terms

ROOT = Path(__file__).resolve().parents[1]


TB = terms.load()
HAN = "\u4e00-\u9fff"


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    """The strict build of the real docs, made once per session."""
    return built_site


def _h3_ids(page: str) -> list[str]:
    return re.findall(r'<h3 id="([^"]+)"', page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_glossary_has_one_anchor_per_term(site, lang):
    page = (site / ("glossary" if lang == "zh" else "en/glossary") / "index.html").read_text(encoding="utf-8")
    assert _h3_ids(page) == [t.id for t in sorted(TB.terms, key=lambda t: _group_order(t))]
    for t in TB.terms:
        assert page.count(f'id="{t.id}"') == 1, t.id
        assert html.escape(t.definition(lang), quote=False) in page, t.id
    tri = TB.by_id("three-way-triage")
    block = page[page.index('id="three-way-triage"') : page.index('id="four-links-dual-reporting"')]
    if lang == "zh":
        assert ">三事分流<" in block and "three-way issue triage" in block and "学院译法" in block
        assert "<del>three matters diversion</del>" in block and "<del>三事分离</del>" in block
        # the renderings to avoid are editors' data: in a collapsed block, not in the reader's text
        editors = block[block.index("<details") : block.index("</details>")]
        assert "编写提示" in editors and "<del>three matters diversion</del>" in editors
        assert "来源：原文·工序效率·深化街道管理体制机制改革" in block
    else:
        assert "Three-way issue triage (三事分流)" in block
        assert "academy&#39;s own rendering" in block or "academy's own rendering" in block
        assert "Source: the source article › process efficiency" in block
    assert tri.def_zh in page or tri.def_en in page
    outside = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert "<del>" not in outside, "struck-through renderings shown to readers"
    assert "<details" in page and "<details open" not in page
    # the glossary gets no tooltips of its own
    assert 'class="kb-term"' not in page


def _group_order(t):
    return (list(terms.GROUPS) + [""]).index(t.group or ""), TB.terms.index(t)


def test_tooltip_on_a_chinese_page_inside_a_chinese_sentence(site):
    page = (site / "course/process-efficiency/index.html").read_text(encoding="utf-8")
    tri = TB.by_id("three-way-triage")
    title = html.escape(tri.def_zh, quote=True)
    m = re.search(
        rf'(.)<abbr class="kb-term" title="{re.escape(title)}" data-term="three-way-triage">三事分流</abbr>(.)', page
    )
    assert m, "no tooltip on 三事分流"
    assert re.match(f"[{HAN}“]", m.group(1)) and re.match(f"[{HAN}”]", m.group(2))
    assert page.count(">三事分流</abbr>") == 1  # the first use only


def test_tooltip_on_an_english_page(site):
    page = (site / "en/course/process-efficiency/index.html").read_text(encoding="utf-8")
    tri = TB.by_id("three-way-triage")
    assert re.search(
        rf'<abbr class="kb-term" title="{re.escape(html.escape(tri.def_en, quote=True))}" '
        r'data-term="three-way-triage">three-way issue triage</abbr>',
        page,
        re.I,
    )


class _Nesting(HTMLParser):
    SKIP = {"code", "pre", "a", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.bad: list[str] = []
        self.terms: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "abbr" and ("class", "kb-term") in attrs:
            inside = [t for t in self.stack if t in self.SKIP]
            if inside:
                self.bad.append(f"abbr inside {inside}")
        if tag not in ("br", "img", "hr", "input", "meta", "link", "wbr", "source"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


def test_no_tooltip_in_headings_links_or_code(site):
    pages = sorted(site.glob("**/index.html"))
    assert len(pages) > 40
    total = 0
    for p in pages:
        text = p.read_text(encoding="utf-8")
        start = text.find("<article")
        parser = _Nesting()
        parser.feed(text[start:] if start >= 0 else text)
        assert not parser.bad, (p, parser.bad[:3])
        titles = re.findall(r'<abbr class="kb-term" title="[^"]*" data-term="([^"]+)">', text)
        assert len(titles) == len(set(titles)), p  # each term once per page
        total += len(titles)
    assert total > 100


def test_tooltip_transform_skips_code_links_headings_and_attributes():
    src = (
        '<h2 id="a">三事分流</h2><p title="三事分流">见<a href="#x">三事分流</a>和<code>三事分流</code>，'
        '<abbr title="x">三事分流</abbr>。柳州创新运用三事分流机制和四联双报到，再说三事分流。</p>'
        '<script>var a="三事分流";</script><pre>头雁计划</pre>'
    )
    out = add_tooltips(src, "zh", TB)
    assert out.count('class="kb-term"') == 2
    assert '用<abbr class="kb-term" title="' in out and '" data-term="three-way-triage">三事分流</abbr>机制' in out
    assert '">四联双报到</abbr>' in out and '">双报到</abbr>' not in out  # longest match first
    assert out.startswith(
        '<h2 id="a">三事分流</h2><p title="三事分流">见<a href="#x">三事分流</a>和<code>三事分流</code>'
    )
    assert out.endswith('<script>var a="三事分流";</script><pre>头雁计划</pre>')
    en = add_tooltips(
        "<p>The Four Links and Dual Reporting and dual reporting; <code>dual reporting</code></p>", "en", TB
    )
    assert '">Four Links and Dual Reporting</abbr>' in en and '">dual reporting</abbr>;' in en


def test_jieba_keeps_every_term_one_token(tmp_path):
    import jieba

    path = terms.write_jieba_dict(TB, tmp_path / "jieba_user.dict")
    tk = jieba.Tokenizer()
    tk.load_userdict(str(path))
    text = "创新运用三事分流机制，推动在职党员到社区双报到，实施头雁计划，将街道机构调整设置为五办两中心，依托四联双报到平台。"
    words = list(tk.cut(text))
    for w in ("三事分流", "双报到", "头雁计划", "五办两中心", "四联双报到"):
        assert w in words, words
    for t in TB.terms:  # every term as a whole in a sentence of its own (a heading with spaces is a phrase)
        if "（" not in t.zh and " " not in t.zh:
            assert t.zh in list(tk.cut(f"我们学习{t.zh}的做法。")), t.zh


def test_search_index_has_terms_as_tokens(site):
    """Each term is one token of the Chinese index: what Material's tokenizer
    gets by splitting the indexed text at the configured separator."""
    data = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(data["config"]["separator"])
    tokens = {
        t for d in data["docs"] for block in re.split(r"<[^<>]*>", d["text"]) for t in separator.split(block) if t
    }
    for w in ("三事分流", "双报到", "头雁计划", "五办两中心", "四联双报到"):
        assert w in tokens, w
