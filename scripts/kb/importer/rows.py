"""The sheet's header and rows: the columns, and one row as case front matter."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import schema as kbc
from ..model.findings import Finding

# canonical column -> accepted header spellings (compared case-insensitively)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "ID"),
    "title": ("标题", "名称"),
    "title_en": ("英文标题", "title-en"),
    "description": ("简介", "描述"),
    "community": ("社区",),
    "subdistrict": ("街道",),
    "district": ("城区", "区"),
    "city": ("城市", "市"),
    "province": ("省区", "省份", "省"),
    "method": ("工作法", "工作法名称"),
    "list": ("名单", "所属名单"),
    "year": ("年份",),
    "themes": ("主题",),
    "aliases": ("曾用编号", "别名"),
    "body": ("做法", "做法说明", "说明"),
    "modules": ("相关模块", "课程模块"),
    "policies": ("相关政策", "政策文件"),
    "playbooks": ("相关手册", "复制手册"),
    "sources": ("来源", "资料来源"),
}
REQUIRED = ("id", "title", "list", "sources")
UNKNOWN_WORDS = {"待补充", "原文未载明", "不详", "未知", "无", "-", "—", "n/a", "null"}
_SPLIT = re.compile(r"[,，、;；\s]+")
_SPLIT_LABELS = re.compile(r"\s*[,，、;；\n]\s*")  # labels may contain spaces


@dataclass
class Row:
    number: int  # row (xlsx) or first line (csv) in the file
    cells: dict[str, Any]  # canonical column -> raw value
    cols: dict[str, int]  # canonical column -> column number
    meta: dict[str, Any] = field(default_factory=dict)
    refused: bool = False  # a cell of the row cannot be read (reported by the sheet reader)


def clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
        if value == "" or value.lower() in UNKNOWN_WORDS:
            return None
    return value


def header_map(path: str, header: list[Any]) -> tuple[dict[int, str], list[Finding]]:
    lookup = {}
    for name, aliases in COLUMNS.items():
        for a in (name, *aliases):
            lookup[a.strip().lower()] = name
    cols, findings = {}, []
    seen: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        h = "" if h is None else str(h).strip()
        if not h:
            continue
        name = lookup.get(h.lower())
        if name is None:
            findings.append(Finding(path, 1, i, "KB121", f"unknown column '{h}' (see --help for the columns)"))
        elif name in seen:
            findings.append(Finding(path, 1, i, "KB121", f"column '{h}' repeats column {seen[name]} ({name})"))
        else:
            cols[i] = name
            seen[name] = i
    for name in REQUIRED:
        if name not in seen:
            findings.append(
                Finding(path, 1, 1, "KB122", f"required column '{name}' ({'/'.join(COLUMNS[name])}) is missing")
            )
    return cols, findings


def _words(value: Any, spaces: bool = True) -> list[str]:
    if value is None:
        return []
    return [w.strip() for w in (_SPLIT if spaces else _SPLIT_LABELS).split(str(value)) if w.strip()]


def _vocab_value(vocab: str, word: str) -> str:
    """A vocabulary value from its key or any of its labels."""
    w = word.strip().lower()
    for key, entry in kbc.vocabulary()[vocab].items():
        if w == key.lower() or w in {str(v).strip().lower() for v in entry.values()}:
            return key
    return word


def _year(value: Any) -> Any:
    if value is None or isinstance(value, int):
        return value
    m = re.fullmatch(r"(\d{4})\s*年?", str(value))
    return int(m.group(1)) if m else value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def row_meta(row: Row) -> dict[str, Any]:
    c = row.cells
    sources = [s.strip() for s in str(c.get("sources") or "").split("\n") if s.strip()]
    return {
        "id": _text(c.get("id")),
        # titles and descriptions are HTML for MkDocs and its theme (printed
        # as they are): escape them here; the other fields are escaped where
        # they are rendered.
        "title": html.escape(str(c["title"])) if c.get("title") is not None else None,
        **({"description": html.escape(str(c["description"]))} if c.get("description") is not None else {}),
        "community": _text(c.get("community")),
        "subdistrict": _text(c.get("subdistrict")),
        "district": _text(c.get("district")),
        "city": _text(c.get("city")),
        "province": _text(c.get("province")),
        "method": _text(c.get("method")),
        "list": _vocab_value("list", str(c["list"])) if c.get("list") is not None else None,
        "year": _year(c.get("year")),
        "themes": [_vocab_value("theme", w) for w in _words(c.get("themes"), spaces=False)],
        "aliases": _words(c.get("aliases")),
        "related": {
            "modules": _words(c.get("modules")),
            "policies": _words(c.get("policies")),
            "playbooks": _words(c.get("playbooks")),
        },
        "sources": sources,
    }
