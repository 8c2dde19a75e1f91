"""Reading the editor's sheet: the first sheet of an .xlsx workbook, or a .csv file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


class UsageError(Exception):
    pass


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
