"""Turn an editor's spreadsheet of cases into case pages in both languages.

    python scripts/import_cases.py FILE.xlsx|FILE.csv [--docs DIR] [--update] [--format text|json]

See ``--help`` for the columns. All or nothing: when any row is refused,
nothing is written and the findings are printed as ``FILE:ROW:COL: CODE message``.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import schema as kbc
from .model.findings import Finding, exit_code, render
from .model.mdparse import parse, parse_front_matter
from .model.paths import DOCS
from .model.tree import collection_of

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

CODES = """\
rule codes (FILE:ROW:COL: CODE message; row 1 is the header):
  KB121  unknown column in the header
  KB122  a required column is missing from the header
  KB123  a required cell is empty
  KB124  the same id twice in the sheet (both rows named)
  KB125  the id already exists in docs/ (a page, or another case's alias) - give --update to overwrite
  KB126  a cell has a wrong value (the generated front matter fails the case schema)
  KB127  a related module, policy or playbook does not exist in docs/
exit status: 0 pages written, 1 rows refused (nothing written), 2 bad usage or unreadable file"""


def _help_columns() -> str:
    vocab = kbc.vocabulary()
    lines = ["columns (header row; Chinese aliases accepted; * = required):"]
    notes = {
        "id": "stable page ID = file name, e.g. sl-test-community (lower-case ASCII words joined by '-')",
        "title": "Chinese title",
        "title_en": "English title of the English page (default: the Chinese title)",
        "description": "one sentence",
        "method": "name of the work method",
        "list": "one of: " + ", ".join(vocab["list"]) + " (or its label)",
        "year": "a year such as 2018",
        "themes": "several, separated by 、 , ; (values or their labels): " + ", ".join(vocab["theme"]),
        "aliases": "former IDs (the build leaves redirects)",
        "body": "what the method does (one paragraph per line)",
        "modules": "docs-relative paths, e.g. course/flagship-brands.md",
        "policies": "policy IDs",
        "playbooks": "playbook IDs",
        "sources": "one source per line of the cell",
    }
    for name, aliases in COLUMNS.items():
        star = "*" if name in REQUIRED else " "
        lines.append(f"  {star}{name:<12} {'/'.join(aliases):<16} {notes.get(name, '')}")
    lines.append("empty cells and 待补充/原文未载明/不详 mean 'not given in the source'.")
    return "\n".join(lines)


@dataclass
class Row:
    number: int  # row (xlsx) or first line (csv) in the file
    cells: dict[str, Any]  # canonical column -> raw value
    cols: dict[str, int]  # canonical column -> column number
    meta: dict[str, Any] = field(default_factory=dict)


class UsageError(Exception):
    pass


# ----------------------------------------------------------------------------
# Reading


def _read_csv(path: Path) -> list[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise UsageError(f"{path}: not UTF-8 or GB18030 text")
    reader = csv.reader(text.splitlines(keepends=True))
    rows, line = [], 1
    for record in reader:
        rows.append((line, record))
        line = reader.line_num + 1
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile/openpyxl errors: not a workbook
        raise UsageError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    ws = wb.worksheets[0]
    rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
    wb.close()
    return rows


def read_sheet(path: Path) -> list[tuple[int, list[Any]]]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"{path}: expected a .xlsx or .csv file")
    try:
        return _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from exc


def _clean(value: Any) -> Any:
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


# ----------------------------------------------------------------------------
# Rows -> front matter


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


# ----------------------------------------------------------------------------
# Pages

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
# The import


def existing_ids(docs: Path) -> dict[str, str]:
    """id or alias -> the case file that owns it."""
    owners: dict[str, str] = {}
    for path in sorted((docs / "cases").glob("*.md")):
        rel = path.relative_to(docs).as_posix()
        if collection_of(rel) != "cases" or path.name.endswith(".en.md"):
            continue
        owners[path.name[: -len(".md")]] = rel
        meta = parse_front_matter(rel, path.read_text(encoding="utf-8"))[0]
        for alias in meta.get("aliases") or []:
            owners.setdefault(str(alias), rel)
    return owners


def plan(path: Path, display: str, docs: Path, update: bool) -> tuple[dict[Path, str], list[Finding]]:
    """The files to write (path -> text) and the findings; files only when
    there is no finding."""
    sheet = read_sheet(path)
    sheet = [(n, r) for n, r in sheet if any(_clean(v) is not None for v in r)]
    if not sheet:
        return {}, [Finding(display, 1, 1, "KB122", "the sheet is empty: expected a header row and case rows")]
    (_, header), body = sheet[0], sheet[1:]
    cols, findings = header_map(display, header)
    if findings:  # the rows cannot be read safely with a wrong header
        return {}, findings
    rows = []
    for number, record in body:
        cells = {name: _clean(record[i - 1]) if i - 1 < len(record) else None for i, name in cols.items()}
        rows.append(Row(number, cells, {name: i for i, name in cols.items()}))

    owners = existing_ids(docs)
    first_row: dict[str, Row] = {}
    files: dict[Path, str] = {}
    for row in rows:
        before = len(findings)
        for name in REQUIRED:
            if row.cells.get(name) is None:
                findings.append(
                    Finding(display, row.number, row.cols[name], "KB123", f"required cell '{name}' is empty")
                )
        if len(findings) > before:
            continue
        meta = row_meta(row)
        cid = meta["id"]
        if cid in first_row:
            findings.append(
                Finding(
                    display,
                    row.number,
                    row.cols["id"],
                    "KB124",
                    f"duplicate id '{cid}': also in row {first_row[cid].number}",
                )
            )
            continue
        first_row[cid] = row
        owner = owners.get(cid)
        if owner is not None and not (update and owner == f"cases/{cid}.md"):
            why = (
                f"a page {owner} already exists; give --update to overwrite it"
                if owner == f"cases/{cid}.md"
                else f"'{cid}' is an alias of {owner}"
            )
            findings.append(Finding(display, row.number, row.cols["id"], "KB125", f"id '{cid}': {why}"))
            continue
        for alias in meta["aliases"]:
            if alias in owners and owners[alias] != f"cases/{cid}.md":
                findings.append(
                    Finding(
                        display,
                        row.number,
                        row.cols["aliases"],
                        "KB125",
                        f"alias '{alias}' is already used by {owners[alias]}",
                    )
                )
        rel = f"cases/{cid}.md" if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(cid)) else "cases/invalid-id.md"
        for f in kbc.validate_meta(rel, meta):
            if f.code != "KB104":  # the file name is made from the id
                findings.append(Finding(display, row.number, _column(f.message, row), "KB126", f.message))
        for kind, pattern in (("modules", "{}"), ("policies", "policies/{}.md"), ("playbooks", "playbooks/{}.md")):
            for target in meta["related"][kind]:
                target_rel = pattern.format(target)
                if not (docs / target_rel).is_file():
                    findings.append(
                        Finding(
                            display,
                            row.number,
                            row.cols[kind],
                            "KB127",
                            f"{kind}: '{target}' not found ({target_rel} does not exist in {docs})",
                        )
                    )
        if len(findings) > before:
            continue
        for lang in ("zh", "en"):
            text = render_page(row, meta, lang, docs)
            page_rel = f"cases/{cid}.md" if lang == "zh" else f"cases/{cid}.en.md"
            # the generated file, read back as the build reads it, must pass
            doc = parse(page_rel, text)
            problems = ([doc.meta_error] if doc.meta_error else []) + kbc.validate_front_matter(doc)
            for p in problems:
                findings.append(Finding(display, row.number, 1, "KB126", f"generated {page_rel}: {p.text()}"))
            files[docs / page_rel] = text
    if findings:
        return {}, findings
    return files, []


def _column(message: str, row: Row) -> int:
    """The column of the field a schema finding names (``field 'related.policies[0]'``)."""
    m = re.match(r"field '([^'.\[]+)(?:\.([^'.\[]+))?", message)
    name = (m.group(2) if m.group(1) == "related" else m.group(1)) if m else "id"
    return row.cols.get(name, row.cols.get("id", 1))


def write_all(files: dict[Path, str]) -> None:
    """Write every file, each through a temporary file and a rename."""
    staged = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".import-", suffix=".md", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged.append((tmp, path))
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="import_cases.py",
        description="Create case pages (Chinese and English) from a spreadsheet: one row per case, "
        "a header row with the column names. Refuses the whole sheet (writes nothing) "
        "if any row is refused.",
        epilog=_help_columns() + "\n\n" + CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("file", type=Path, help="the spreadsheet (.xlsx: first sheet; .csv: UTF-8 or GB18030)")
    ap.add_argument("--docs", type=Path, default=DOCS, help="the docs directory (default: the project's docs/)")
    ap.add_argument("--update", action="store_true", help="overwrite the pages of existing IDs")
    ap.add_argument("--format", choices=("text", "json"), default="text", help="findings format")
    args = ap.parse_args(argv)
    if not args.docs.is_dir():
        ap.error(f"--docs {args.docs}: not a directory")
    display = str(args.file)
    try:
        files, findings = plan(args.file, display, args.docs, args.update)
    except UsageError as exc:
        print(f"import_cases.py: error: {exc}", file=sys.stderr)
        return 2
    if findings:
        print(render(findings, args.format))
        print(f"refused: {len({f.line for f in findings})} row(s) with problems; nothing was written", file=sys.stderr)
        return exit_code(findings) or 1
    existed = {path for path in files if path.exists()}
    write_all(files)
    if args.format == "json":
        print("[]")
    for path in sorted(files):
        print(f"{'updated' if path in existed else 'wrote'} {path}", file=sys.stderr)
    print(f"imported {len(files) // 2} case(s) into {args.docs}/cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
