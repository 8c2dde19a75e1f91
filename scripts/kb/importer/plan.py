"""The import: every row checked against the sheet and docs/, then all pages written or none."""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..model import schema as kbc
from ..model.findings import Finding
from ..model.mdparse import parse
from ..model.tree import ID_PATTERN, MAX_ID_LENGTH, id_problem
from .existing import Existing, replace_problems, scan
from .pages import render_page, with_digest
from .rows import REQUIRED, Row, clean, header_map, row_meta
from .sheet import read_sheet


@dataclass
class Plan:
    files: dict[Path, str] = field(default_factory=dict)  # path -> text; empty when there is a finding
    findings: list[Finding] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # reviewed translations left as they are


def _rows(path: Path, display: str) -> tuple[list[Row], list[Finding]]:
    sheet = read_sheet(path)
    problem_rows = {n for n, _ in sheet.problems}
    records = [(n, r) for n, r in sheet.rows if n in problem_rows or any(clean(v) is not None for v in r)]
    if not records:
        return [], [Finding(display, 1, 1, "KB122", "the sheet is empty: expected a header row and case rows")]
    (_, header), body = records[0], records[1:]
    findings = [Finding(display, n, c, "KB126", why) for (n, c), why in sorted(sheet.problems.items())]
    cols, header_findings = header_map(display, header)
    if header_findings or records[0][0] in problem_rows:  # the rows cannot be read safely with a wrong header
        return [], findings + header_findings
    rows = []
    for number, record in body:
        cells = {name: clean(record[i - 1]) if i - 1 < len(record) else None for i, name in cols.items()}
        rows.append(Row(number, cells, {name: i for i, name in cols.items()}, refused=number in problem_rows))
    return rows, findings


def _alias_clashes(display: str, rows: list[tuple[Row, dict]]) -> list[Finding]:
    """A row's alias that is its own id, another row's id or another row's alias (both rows named)."""
    ids = {str(meta["id"]): row for row, meta in rows}
    first_alias: dict[str, Row] = {}
    out = []
    for row, meta in rows:
        for alias in meta["aliases"]:
            other = ids.get(alias)
            if other is row:
                why = f"alias '{alias}' of row {row.number} is the row's own id"
            elif other is not None:
                why = f"alias '{alias}' of row {row.number} is the id of row {other.number}"
            elif first_alias.setdefault(alias, row) is not row:
                why = f"alias '{alias}' of row {row.number} is also an alias of row {first_alias[alias].number}"
            else:
                continue
            out.append(Finding(display, row.number, row.cols["aliases"], "KB125", why))
    return out


def _outside_docs(docs: Path, target: str) -> bool:
    norm = posixpath.normpath(target)
    if target.startswith("/") or "\\" in target or norm == ".." or norm.startswith("../"):
        return True
    root = docs.resolve()
    return not (docs / norm).resolve().is_relative_to(root)


def _check_row(display: str, row: Row, meta: dict, docs: Path, existing: Existing, opts: dict) -> list[Finding]:
    """The findings of one row whose required cells are given and whose id is unique in the sheet."""
    cid = meta["id"]
    own = {f"cases/{cid}.md", f"cases/{cid}.en.md"}
    at_id = (display, row.number, row.cols["id"])
    problem = id_problem(cid)
    if problem:
        return [Finding(*at_id, "KB126", f"id: {problem}")]
    owner = existing.owners.get(cid)
    if owner is not None and not (opts["update"] and owner in own):
        why = (
            f"a page {owner} already exists; give --update to overwrite it"
            if owner in own
            else f"'{cid}' is an alias of {owner}"
        )
        return [Finding(*at_id, "KB125", f"id '{cid}': {why}")]
    out = []
    for alias in meta["aliases"]:
        if alias in existing.owners and existing.owners[alias] not in own:
            out.append(
                Finding(
                    display,
                    row.number,
                    row.cols["aliases"],
                    "KB125",
                    f"alias '{alias}' is already used by {existing.owners[alias]}",
                )
            )
        elif (why := id_problem(alias)) and (len(alias) > MAX_ID_LENGTH or ID_PATTERN.fullmatch(alias)):
            # (an alias the ID pattern refuses is reported by the schema)
            out.append(Finding(display, row.number, row.cols["aliases"], "KB126", f"alias '{alias}': {why}"))
    for f in kbc.validate_meta(f"cases/{cid}.md", meta):
        out.append(Finding(display, row.number, _column(f.message, row), "KB126", f.message))
    for kind, pattern in (("modules", "{}"), ("policies", "policies/{}.md"), ("playbooks", "playbooks/{}.md")):
        for target in meta["related"][kind]:
            target_rel = pattern.format(target)
            where = (display, row.number, row.cols[kind], "KB127")
            if _outside_docs(docs, target_rel):
                out.append(Finding(*where, f"{kind}: '{target}' is outside docs/"))
            elif not (docs / target_rel).is_file():
                out.append(Finding(*where, f"{kind}: '{target}' not found ({target_rel} does not exist in {docs})"))
    if opts["update"]:
        problems, keep = replace_problems(docs, existing, cid, opts["force"])
        out += [Finding(*at_id, "KB128", p) for p in problems]
        opts["keep"] |= keep
    return out


def plan(path: Path, display: str, docs: Path, update: bool, force: bool = False) -> Plan:
    """The files to write and the findings; files only when there is no finding."""
    rows, findings = _rows(path, display)
    if not rows and findings:
        return Plan(findings=findings)
    existing = scan(docs)
    opts = {"update": update, "force": force, "keep": set()}
    first_row: dict[str, Row] = {}
    checked: list[tuple[Row, dict]] = []
    for row in rows:
        if row.refused:
            continue  # its unreadable cells are reported already
        missing = [
            Finding(display, row.number, row.cols[name], "KB123", f"required cell '{name}' is empty")
            for name in REQUIRED
            if row.cells.get(name) is None
        ]
        if missing:
            findings += missing
            continue
        meta = row_meta(row)
        cid = meta["id"]
        if cid in first_row:
            first = first_row[cid].number
            findings.append(
                Finding(display, row.number, row.cols["id"], "KB124", f"duplicate id '{cid}': also in row {first}")
            )
            continue
        first_row[cid] = row
        checked.append((row, meta))
    findings += _alias_clashes(display, checked)
    result = Plan()
    for row, meta in checked:
        found = _check_row(display, row, meta, docs, existing, opts)
        findings += found
        if found:
            continue
        cid = meta["id"]
        for lang in ("zh", "en"):
            page_rel = f"cases/{cid}.md" if lang == "zh" else f"cases/{cid}.en.md"
            if page_rel in opts["keep"]:
                result.kept.append(docs / page_rel)
                continue
            text = with_digest(render_page(row, meta, lang, docs))
            # the generated file, read back as the build reads it, must pass
            doc = parse(page_rel, text)
            problems = ([doc.meta_error] if doc.meta_error else []) + kbc.validate_front_matter(doc)
            for p in problems:
                findings.append(Finding(display, row.number, 1, "KB126", f"generated {page_rel}: {p.text()}"))
            result.files[docs / page_rel] = text
    if findings:
        return Plan(findings=sorted(set(findings), key=lambda f: (f.line, f.col, f.code, f.message)))
    return result


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
