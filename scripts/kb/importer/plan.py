"""The import: every row checked against the sheet and docs/, then all pages written or none."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..model import schema as kbc
from ..model.findings import Finding
from ..model.mdparse import parse, parse_front_matter
from ..model.tree import collection_of
from .pages import render_page
from .rows import REQUIRED, Row, clean, header_map, row_meta
from .sheet import read_sheet


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
    sheet = [(n, r) for n, r in sheet if any(clean(v) is not None for v in r)]
    if not sheet:
        return {}, [Finding(display, 1, 1, "KB122", "the sheet is empty: expected a header row and case rows")]
    (_, header), body = sheet[0], sheet[1:]
    cols, findings = header_map(display, header)
    if findings:  # the rows cannot be read safely with a wrong header
        return {}, findings
    rows = []
    for number, record in body:
        cells = {name: clean(record[i - 1]) if i - 1 < len(record) else None for i, name in cols.items()}
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
