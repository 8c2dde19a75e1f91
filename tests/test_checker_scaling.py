"""The checkers' time grows linearly with a page's size (issue 20, item 13:
1, 2, 4 MB pages took 2.4, 8.1, 28.6 s because the page was re-split into
lines once per paragraph). The timing itself belongs to the benchmark; this
test pins the cause, deterministically."""

from __future__ import annotations

from kb.checks import termcheck
from kb.model import mdparse, terms

PARA = "社区党组织引领基层治理，推动“三事分流”机制落地见效。居民议事会每月召开一次，解决群众急难愁盼问题{n}。"


def page(paragraphs: int) -> str:
    body = "\n\n".join(PARA.format(n=i) for i in range(paragraphs))
    return f"---\ntitle: 大页面\n---\n\n# 大页面 {{#big}}\n\n{body}\n"


class CountingText(str):
    splits = 0

    def split(self, *args, **kwargs):  # type: ignore[override]
        CountingText.splits += 1
        return super().split(*args, **kwargs)


def test_a_page_is_split_into_lines_once_whatever_its_length() -> None:
    tb = terms.load()
    doc = mdparse.parse("big.md", page(2000))
    doc.text = CountingText(doc.text)
    doc._lines = None
    CountingText.splits = 0
    termcheck.check_doc(doc, tb)
    assert CountingText.splits <= 2, f"the page text was split {CountingText.splits} times for 2,000 paragraphs"
