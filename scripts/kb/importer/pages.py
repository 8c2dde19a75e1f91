"""The two pages of a case (Chinese, and the English page marked untranslated)."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Any

import yaml

from ..model import schema as kbc
from ..model.mdparse import parse_front_matter
from .rows import Row

_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]{}|#~!=^+"}
_ENTITIES.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def md_text(value: Any) -> str:
    """A cell as literal text in Markdown: HTML-escaped, and every character
    that Markdown or its extensions would read as markup written as an entity
    (one pass, so no entity is escaped twice)."""
    s = "".join(_ENTITIES.get(ch, ch) for ch in str(value))
    s = re.sub(r"^(\s*)-", r"\1&#45;", s)
    s = re.sub(r"^(\s*\d+)\.", r"\1&#46;", s)
    return " ".join(s.split())


def _cell(value: Any, lang: str) -> str:
    if value is None or value == "" or value == []:
        return (
            '<span class="kb-tbs">待补充：原文未载明</span>'
            if lang == "zh"
            else '<span class="kb-tbs">To be supplied: not given in the source</span>'
        )
    return md_text(value)


def _front_matter(meta: dict) -> str:
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10**6)
    return "---\n" + dumped + "---\n"


_LABELS = {
    "zh": {
        "field": "项目",
        "value": "内容",
        "community": "社区",
        "subdistrict": "街道",
        "district": "城区",
        "city": "城市",
        "province": "省区",
        "method": "工作法名称",
        "list": "所属名单",
        "year": "年份",
        "themes": "主题",
        "h_method": "做法",
        "h_related": "相关内容",
        "h_sources": "资料来源",
        "modules": "课程模块",
        "policies": "政策文件",
        "playbooks": "复制手册",
        "none": "暂无",
        "sep": "：",
        "join": "、",
        "no_body": '<span class="kb-tbs">待补充：原文未载明该工作法的具体做法。</span>',
    },
    "en": {
        "field": "Field",
        "value": "Value",
        "community": "Community",
        "subdistrict": "Subdistrict",
        "district": "District",
        "city": "City",
        "province": "Province",
        "method": "Method",
        "list": "List",
        "year": "Year",
        "themes": "Themes",
        "h_method": "Method",
        "h_related": "Related",
        "h_sources": "Sources",
        "modules": "Course modules",
        "policies": "Policies",
        "playbooks": "Playbooks",
        "none": "none yet",
        "sep": ": ",
        "join": ", ",
        "no_body": '<span class="kb-tbs">To be supplied: the source does not give what the method does.</span>',
    },
}


def _title_of(docs: Path, rel: str, lang: str) -> str:
    path = docs / (rel if lang == "zh" else rel[: -len(".md")] + ".en.md")
    if not path.exists():
        path = docs / rel
    meta = parse_front_matter(rel, path.read_text(encoding="utf-8"))[0]
    title = str(meta.get("title") or Path(rel).stem)
    return title.replace("[", "&#91;").replace("]", "&#93;")


def render_page(row: Row, meta: dict, lang: str, docs: Path) -> str:
    L = _LABELS[lang]
    c = row.cells
    fm = dict(meta)
    title_md = md_text(c["title"])
    if lang == "en":
        if c.get("title_en") is not None:
            fm["title"] = html.escape(str(c["title_en"]))
            title_md = md_text(c["title_en"])
        fm["untranslated"] = True
    themes = L["join"].join(kbc.label("theme", t, lang) for t in meta["themes"]) or None
    rows = [
        ("community", _cell(meta["community"], lang)),
        ("subdistrict", _cell(meta["subdistrict"], lang)),
        ("district", _cell(meta["district"], lang)),
        ("city", _cell(meta["city"], lang)),
        ("province", _cell(meta["province"], lang)),
        ("method", _cell(meta["method"], lang)),
        ("list", _cell(kbc.label("list", meta["list"], lang), lang)),
        ("year", _cell(meta["year"], lang)),
        ("themes", _cell(themes, lang)),
    ]
    out = [_front_matter(fm), f"# {title_md}", ""]
    if lang == "en":
        out += ['<span class="kb-tbs">To be supplied: English translation pending.</span>', ""]
    out += [f"| {L['field']} | {L['value']} |", "| --- | --- |"]
    out += [f"| {L[k]} | {v} |" for k, v in rows]
    out += ["", f"## {L['h_method']} {{#method}}", ""]
    paras = [md_text(p) for p in str(c.get("body") or "").split("\n") if p.strip()]
    for p in paras or [L["no_body"]]:
        out += [p, ""]
    out += [f"## {L['h_related']} {{#related}}", ""]
    rel = meta["related"]
    targets = {
        "modules": [(m, m) for m in rel["modules"]],
        "policies": [(f"policies/{p}.md", p) for p in rel["policies"]],
        "playbooks": [(f"playbooks/{p}.md", p) for p in rel["playbooks"]],
    }
    for kind in ("modules", "policies", "playbooks"):
        links = [f"[{_title_of(docs, path, lang)}](../{path})" for path, _ in targets[kind]]
        out.append(f"- {L[kind]}{L['sep']}{L['join'].join(links) if links else L['none']}")
    out += ["", f"## {L['h_sources']} {{#sources}}", ""]
    out += [f"- {md_text(s)}" for s in meta["sources"]]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------
# What the importer wrote: ``import_digest:`` in the front matter of each page
# it writes, the SHA-256 of the page's text without that line. A page whose
# text no longer gives its digest was changed by an editor since the import.

DIGEST_KEY = "import_digest"
_DIGEST_LINE = re.compile(rf"^{DIGEST_KEY}:[ \t]*([0-9a-f]{{64}})?[ \t]*\n", re.M)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def with_digest(text: str) -> str:
    """The page ``text`` (front matter first) with its ``import_digest:`` as the last field."""
    end = text.index("\n---\n", 3) + 1
    return text[:end] + f"{DIGEST_KEY}: {_sha256(text)}\n" + text[end:]


def digest_state(text: str) -> str:
    """``unchanged`` (the text is what the importer wrote), ``changed`` or
    ``not imported`` (no digest: written by hand, or by an older importer)."""
    normal = text.replace("\r\n", "\n")
    m = re.match(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", normal, re.S)
    found = _DIGEST_LINE.search(normal, 0, m.end()) if m else None
    if not found or not found.group(1):
        return "not imported"
    rest = normal[: found.start()] + normal[found.end() :]
    return "unchanged" if _sha256(rest) == found.group(1) else "changed"
