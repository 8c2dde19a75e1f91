"""Reading the editor's sheet: the first sheet of an .xlsx workbook, or a .csv file.

Both are read as a stream with caps (:data:`MAX_ROWS`, :data:`MAX_COLS`,
:data:`MAX_CELL`, :data:`MAX_PART`): a file beyond them is refused with a
:class:`UsageError` (exit 2), whatever size the file claims for itself. An
.xlsx is refused when any of its XML parts has a DTD (``<!DOCTYPE``,
``<!ENTITY``): Excel and LibreOffice never write one, and entities are how
XML bombs work.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_ROWS = 10_000  # rows of the sheet, the header included
MAX_COLS = 64
MAX_CELL = 128 * 1024  # characters in one CSV cell
MAX_PART = 32 * 1024 * 1024  # bytes of one uncompressed part of an .xlsx, or of a .csv file

CAPS = (
    f"limits: at most {MAX_ROWS} rows (the header included) and {MAX_COLS} columns with values;\n"
    f"  a .csv cell of at most {MAX_CELL} characters; a .csv file and each part of an .xlsx of at most "
    f"{MAX_PART // 2**20} MiB.\n  A file beyond them, or one that cannot be read (not a workbook, a truncated "
    "or missing part,\n  a DTD in its XML), is refused with exit status 2: FILE: cannot read the sheet: REASON"
)


class UsageError(Exception):
    pass


@dataclass
class Sheet:
    rows: list[tuple[int, list[Any]]]  # (row number in the file, raw cells from column 1)
    # (row, column) -> why the cell cannot be read (a formula without a computed value)
    problems: dict[tuple[int, int], str] = field(default_factory=dict)


def _unreadable(path: Path, reason: str) -> UsageError:
    return UsageError(f"{path}: cannot read the sheet: {reason}")


def _read_csv(path: Path) -> Sheet:
    if path.stat().st_size > MAX_PART:
        raise _unreadable(path, f"the file is over {MAX_PART // 2**20} MiB")
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
    rows: list[tuple[int, list[Any]]] = []
    line = 1
    old_limit = csv.field_size_limit(MAX_CELL)  # process-wide: restored below
    try:
        for record in reader:
            if any(v.strip() for v in record):
                if len(rows) >= MAX_ROWS:
                    raise _unreadable(path, f"line {line}: more than {MAX_ROWS} rows (at most {MAX_ROWS} are read)")
                if any(v.strip() for v in record[MAX_COLS:]):
                    raise _unreadable(path, f"line {line}: more than {MAX_COLS} columns")
            rows.append((line, record[:MAX_COLS]))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _unreadable(path, f"line {reader.line_num}: a cell is longer than {MAX_CELL} characters") from exc
        raise _unreadable(path, f"line {reader.line_num}: {exc}") from exc
    finally:
        csv.field_size_limit(old_limit)
    return Sheet(rows)


_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def _check_parts(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse parts over :data:`MAX_PART` and XML with a DTD, before any XML is parsed."""
    for info in zf.infolist():
        if info.file_size > MAX_PART:
            raise _unreadable(path, f"{info.filename} is {info.file_size} bytes uncompressed (at most {MAX_PART})")
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as fh:
            data = fh.read(MAX_PART + 1)
        if data[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):  # UTF-16
            enc = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-16-le" if data[0] else "utf-16-be")
            data = data.decode(enc, errors="replace").encode("utf-8")
        if _DTD.search(data):
            raise _unreadable(
                path,
                f"{info.filename} has a DTD (<!DOCTYPE or <!ENTITY); a workbook saved by Excel or LibreOffice has none",
            )


def _read_xlsx(path: Path) -> Sheet:
    import openpyxl

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UsageError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        with zf:
            _check_parts(path, zf)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except UsageError:
        raise
    except Exception as exc:  # zipfile, zlib, XML and openpyxl errors of a damaged file
        raise _unreadable(path, f"{type(exc).__name__}: {exc}") from exc
    try:
        return _stream(path, wb.worksheets[0])
    except UsageError:
        raise
    except Exception as exc:  # a truncated or malformed part, found while streaming
        raise _unreadable(path, f"{type(exc).__name__}: {exc}") from exc
    finally:
        wb.close()


def _stream(path: Path, ws: Any) -> Sheet:
    """The cells of a read-only worksheet, row by row as they are in the XML: the
    sheet's declared dimension is not trusted (nothing is padded to it) and empty
    cells beyond the caps are skipped. openpyxl's row parser (openpyxl is pinned in
    requirements.txt) reads the values exactly as ``iter_rows`` does; it is wrapped
    to see formulas, whose cached value ``data_only`` reads."""
    from openpyxl.utils.cell import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            cell["formula"] = element.find(FORMULA_TAG) is not None
            return cell

    wb = ws.parent
    sheet = Sheet([])
    with ws._get_source() as src:
        parser = Parser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: dict[int, Any] = {}
            for c in cells:
                col, value = c["column"], c["value"]
                where = f"{get_column_letter(col) if col <= 16384 else col}{number}"
                missing = c["formula"] and value is None
                error = c["data_type"] == "e"
                if value is None and not missing:
                    continue
                if number > MAX_ROWS:
                    raise _unreadable(path, f"cell {where}: more than {MAX_ROWS} rows (at most {MAX_ROWS} are read)")
                if col > MAX_COLS:
                    raise _unreadable(path, f"cell {where}: more than {MAX_COLS} columns")
                if missing:
                    sheet.problems[(number, col)] = (
                        f"cell {where} holds a formula without a computed value: open and save the sheet in "
                        "Excel or LibreOffice (which store the value), or type the value"
                    )
                elif error:
                    sheet.problems[(number, col)] = f"cell {where} holds the error value {value!r}, not a fact"
                values[col] = value
            if values:
                sheet.rows.append((number, [values.get(i) for i in range(1, max(values) + 1)]))
    return sheet


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"{path}: expected a .xlsx or .csv file")
    try:
        return _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from exc
