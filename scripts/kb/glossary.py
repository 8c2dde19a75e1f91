"""The glossary page, generated from the term base in each language."""

from __future__ import annotations

from .build_support import markdown_generator
from .terms import TermBase


@markdown_generator("glossary")
def glossary_markdown(src_uri: str, lang: str, tb: TermBase) -> str:
    head = ("| 中文 | English | 说明 |\n| --- | --- | --- |" if lang == "zh"
            else "| Chinese | English | Note |\n| --- | --- | --- |")
    rows = []
    for t in tb.terms:
        own = ("学院译法" if lang == "zh" else "academy's rendering") if t.own_rendering else ""
        rows.append(f"| {t.zh} | {t.en} | {own} |")
    return head + "\n" + "\n".join(rows) + "\n"
