"""The words the build writes into pages (index tables, "referenced by",
redirects) in each language, and the small HTML pieces they share."""

from __future__ import annotations

import html
from typing import Any

from ..model.schema import normalise
from ..model.tree import relative_url, stem_of
from .registry import PageRecord

T = {
    "zh": {
        "tbs": "原文未载明",
        "title": "名称",
        "issuer": "发文机关",
        "status": "状态",
        "date": "日期 / 文号",
        "summary": "概要",
        "id": "编号",
        "community": "社区",
        "district": "城区",
        "list": "名单",
        "year": "年份",
        "themes": "主题",
        "owner": "负责方",
        "all": "全部",
        "filter": "筛选",
        "count": "共 {n} 项",
        "none": "暂无",
        "refby": "被以下内容引用",
        "refby_none": "暂无其他页面链接到本页。",
        "modules": "课程模块",
        "cases": "案例",
        "policies": "政策文件",
        "playbooks": "复制手册",
        "pages": "页面",
        "redirect": "本页已迁移到",
    },
    "en": {
        "tbs": "Not given in the source",
        "title": "Title",
        "issuer": "Issuer",
        "status": "Status",
        "date": "Date / document number",
        "summary": "Summary",
        "id": "ID",
        "community": "Community",
        "district": "District",
        "list": "List",
        "year": "Year",
        "themes": "Themes",
        "owner": "Owner",
        "all": "All",
        "filter": "Filter",
        "count": "{n} entries",
        "none": "None yet",
        "refby": "Referenced by",
        "refby_none": "No other page links to this page yet.",
        "modules": "Course modules",
        "cases": "Cases",
        "policies": "Policies",
        "playbooks": "Playbooks",
        "pages": "Pages",
        "redirect": "This page has moved to",
    },
}


def t(lang: str, key: str) -> str:
    return T.get(lang, T["en"])[key]


def tbs(lang: str) -> str:
    return f'<span class="kb-tbs">{t(lang, "tbs")}</span>'


def text(value: Any, lang: str) -> str:
    """A plain-text field as HTML (escaped), or the to-be-supplied marker."""
    if value is None or value == "":
        return tbs(lang)
    return html.escape(str(normalise(value)))


def link(rec: PageRecord, target: PageRecord) -> str:
    """A link from ``rec`` to ``target`` with the target's title (page
    titles are HTML in MkDocs: the theme prints them as they are)."""
    return f'<a href="{html.escape(relative_url(rec.url, target.url))}">{target.title or stem_of(target.base)}</a>'
