"""scripts/import_cases.py on hostile or careless input: reserved and over-long IDs,
alias clashes, broken or oversized workbooks, formulas without a value, references
outside docs/, and pages an editor changed since the import (never overwritten silently)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from import_support import FIX, ROOT, copy_docs, run, snapshot

DOCS = ROOT / "docs"
HEADER = "编号,标题,名单,来源"


@pytest.fixture
def docs(tmp_path) -> Path:
    return copy_docs(tmp_path)


def csv_sheet(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    p = tmp_path / "sheet.csv"
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def refused(proc: subprocess.CompletedProcess, code: int = 1) -> str:
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout + proc.stderr


# ---------------------------------------------------------------------------
# Item 2, 14, 16: IDs the site cannot have


@pytest.mark.parametrize(
    "ident, why",
    [
        ("index", "reserved (the collection's index page)"),
        ("con", "reserved (a device name Windows reserves)"),
        ("nul", "reserved"),
        ("lpt1", "reserved"),
        ("a" * 300, "at most 100 characters"),
    ],
)
def test_reserved_and_overlong_ids_are_refused(docs, tmp_path, ident, why):
    sheet = csv_sheet(tmp_path, f"{ident},示例,local,示例来源")
    before = snapshot(docs)
    out = refused(run(sheet, "--docs", docs))
    assert f"{sheet}:2:1: KB126 " in out and why in out
    assert snapshot(docs) == before
    out = refused(run(sheet, "--docs", docs, "--update", "--force-overwrite"))
    assert snapshot(docs) == before


def test_reserved_alias_is_refused(docs, tmp_path):
    sheet = csv_sheet(tmp_path, "sl-x,示例,local,index,示例来源", header="编号,标题,名单,别名,来源")
    out = refused(run(sheet, "--docs", docs))
    assert f"{sheet}:2:4: KB126 alias 'index'" in out


# ---------------------------------------------------------------------------
# Item 5: alias clashes inside the sheet and with docs/


def test_alias_equal_to_another_rows_id_names_both_rows(docs, tmp_path):
    sheet = csv_sheet(
        tmp_path,
        "sl-a,示例一,local,sl-b,示例来源",
        "sl-b,示例二,local,,示例来源",
        header="编号,标题,名单,别名,来源",
    )
    before = snapshot(docs)
    out = refused(run(sheet, "--docs", docs))
    assert f"{sheet}:2:4: KB125 alias 'sl-b' of row 2 is the id of row 3" in out
    assert snapshot(docs) == before


def test_alias_equal_to_another_rows_alias_names_both_rows(docs, tmp_path):
    sheet = csv_sheet(
        tmp_path,
        "sl-a,示例一,local,sl-old,示例来源",
        "sl-b,示例二,local,sl-old,示例来源",
        header="编号,标题,名单,别名,来源",
    )
    out = refused(run(sheet, "--docs", docs))
    assert f"{sheet}:3:4: KB125 alias 'sl-old' of row 3 is also an alias of row 2" in out


def test_alias_equal_to_an_existing_page_is_refused(docs, tmp_path):
    sheet = csv_sheet(tmp_path, "sl-a,示例一,local,lz-longpanyuan-136,示例来源", header="编号,标题,名单,别名,来源")
    out = refused(run(sheet, "--docs", docs))
    assert f"{sheet}:2:4: KB125 alias 'lz-longpanyuan-136' is already used by cases/lz-longpanyuan-136.md" in out


# ---------------------------------------------------------------------------
# Item 16: related modules outside docs/, formulas without a value


def test_module_outside_docs_is_refused(docs, tmp_path):
    (tmp_path / "secret.md").write_text("---\ntitle: SECRET TITLE\n---\n", encoding="utf-8")
    for target in ("../README.md", "../secret.md", "course/../../secret.md"):
        sheet = csv_sheet(tmp_path, f"sl-x,示例,local,{target},示例来源", header="编号,标题,名单,相关模块,来源")
        out = refused(run(sheet, "--docs", docs))
        assert f"{sheet}:2:4: KB127 modules: '{target}' is outside docs/" in out


def _xlsx(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_formula_without_cached_value_is_refused(docs, tmp_path):
    # openpyxl writes formulas without a cached value (as a script or a web tool would)
    book = _xlsx(
        tmp_path / "f.xlsx", [["编号", "标题", "名单", "来源"], ["sl-x", '=CONCAT("示例","社区")', "local", "来源"]]
    )
    before = snapshot(docs)
    out = refused(run(book, "--docs", docs))
    assert f"{book}:2:2: KB126 cell B2 holds a formula without a computed value" in out
    assert snapshot(docs) == before
    book = _xlsx(tmp_path / "e.xlsx", [["编号", "标题", "名单", "来源"], ["sl-x", "示例", "local", "#REF!"]])
    out = refused(run(book, "--docs", docs))
    assert f"{book}:2:4: KB126 cell D2 holds the error value '#REF!', not a fact" in out
    assert snapshot(docs) == before


# ---------------------------------------------------------------------------
# Item 14, 15: broken, hostile and oversized files: a clear error, never a traceback


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


SHEET = "xl/worksheets/sheet1.xml"


def test_truncated_sheet_xml(docs, tmp_path):
    bad = _rewrite(FIX / "cases-good.xlsx", tmp_path / "t.xlsx", lambda n, d: d[: len(d) // 2] if n == SHEET else d)
    out = refused(run(bad, "--docs", docs), 2)
    assert f"{bad}: cannot read the sheet:" in out


def test_missing_sheet_part(docs, tmp_path):
    bad = _rewrite(FIX / "cases-good.xlsx", tmp_path / "m.xlsx", lambda n, d: None if n == SHEET else d)
    out = refused(run(bad, "--docs", docs), 2)
    assert f"{bad}: cannot read the sheet:" in out


def test_truncated_zip(docs, tmp_path):
    data = (FIX / "cases-good.xlsx").read_bytes()
    bad = tmp_path / "z.xlsx"
    bad.write_bytes(data[: len(data) - 200])
    out = refused(run(bad, "--docs", docs), 2)
    assert str(bad) in out


def test_dtd_in_a_sheet_is_refused(docs, tmp_path):
    def add_dtd(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        if data.startswith(b"<?xml"):
            head, rest = data.split(b"?>", 1)
            return head + b"?>" + dtd + rest
        return dtd + data

    bad = _rewrite(FIX / "cases-good.xlsx", tmp_path / "d.xlsx", add_dtd)
    out = refused(run(bad, "--docs", docs), 2)
    assert f"{bad}: cannot read the sheet:" in out and "DTD" in out


def test_csv_cell_over_128_kib(docs, tmp_path):
    sheet = csv_sheet(tmp_path, f'sl-x,示例,local,"{"长" * (128 * 1024 + 1)}"')
    out = refused(run(sheet, "--docs", docs), 2)
    assert f"{sheet}: cannot read the sheet: line 2: a cell is longer than 131072 characters" in out


def _claim_dimension(book: Path, out: Path, ref: str) -> Path:
    """The sheet claims ``ref`` and has an empty (formatted) cell in its last corner."""

    def change(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        text = data.decode("utf-8")
        start = text.index("<dimension ref=")
        end = text.index("/>", start) + 2
        corner = ref.split(":")[1]
        row = corner.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        text = text[:start] + f'<dimension ref="{ref}"/>' + text[end:]
        return text.replace("</sheetData>", f'<row r="{row}"><c r="{corner}" s="0"/></row></sheetData>').encode()

    return _rewrite(book, out, change)


def test_a_huge_claimed_dimension_does_not_exhaust_memory(docs, tmp_path):
    book = _xlsx(
        tmp_path / "small.xlsx",
        [["编号", "标题", "名单", "来源"], ["sl-test-dimension", "示例社区", "local", "示例来源"]],
    )
    bad = _claim_dimension(book, tmp_path / "dim.xlsx", "A1:XFD1048576")
    assert bad.stat().st_size < 10_000
    proc = run(bad, "--docs", docs, memory=1024**3)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert (docs / "cases" / "sl-test-dimension.md").is_file()


def test_rows_and_columns_beyond_the_caps_are_refused(docs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "标题", "名单", "来源"])
    ws.cell(row=10_001, column=1, value="sl-far-away")
    wb.save(tmp_path / "rows.xlsx")
    out = refused(run(tmp_path / "rows.xlsx", "--docs", docs, memory=1024**3), 2)
    assert "more than 10000 rows" in out
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "标题", "名单", "来源"])
    ws.cell(row=2, column=16384, value="x")
    wb.save(tmp_path / "cols.xlsx")
    out = refused(run(tmp_path / "cols.xlsx", "--docs", docs, memory=1024**3), 2)
    assert "more than 64 columns" in out
    sheet = csv_sheet(tmp_path, *[f"sl-r{i},示例,local,来源" for i in range(10_001)])
    out = refused(run(sheet, "--docs", docs), 2)
    assert "more than 10000 rows" in out
