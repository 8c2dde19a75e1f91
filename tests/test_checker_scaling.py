"""The checkers' time grows linearly with a page's size (issue 20, item 13:
1, 2, 4 MB pages took 2.4, 8.1, 28.6 s because the page was re-split into
lines once per paragraph)."""

from __future__ import annotations

import time

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


def test_checking_four_times_the_text_takes_about_four_times_as_long() -> None:
    tb = terms.load()
    tb.prepare()

    def seconds(paragraphs: int) -> float:
        text = page(paragraphs)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            termcheck.check_doc(mdparse.parse("big.md", text), tb)
            best = min(best, time.perf_counter() - t0)
        return best

    small, large = seconds(500), seconds(2000)
    # linear: about 4; the quadratic version gave about 16
    assert large / small < 9, f"500 paragraphs {small:.3f} s, 2,000 paragraphs {large:.3f} s"
