"""The spreadsheet template editors fill to enter cases (``import-cases`` reads it).

Its header is exactly the importer's columns (:data:`.rows.COLUMNS`, in that
order), followed by one filled example row: an entry of the 2018 national list
named in the reference (``scripts/data/reference.md``, related fact 2), whose
unknown cells say "待补充" (the importer reads them as empty). The file is
committed as ``docs/assets/kb-cases-template.xlsx`` so that the site offers it
for download; regenerate it after a change of the columns with

    python -m kb.importer.template docs/assets/kb-cases-template.xlsx

(tests/test_teaching.py fails when the committed file and this module differ,
and imports the file with the importer).
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

from .rows import COLUMNS, REQUIRED

SOURCE = "中国网，2018年12月14日（民政部公布优秀社区工作法遴选结果的报道）"

# one filled row: what the reference says of 北京市草厂社区; the rest is unknown
EXAMPLE: dict[str, object] = {
    "id": "bj-caochang",
    "title": "北京市草厂社区工作法",
    "title_en": "Caochang Community (草厂社区), Beijing",
    "description": "民政部2018年公布的100个优秀社区工作法之一（据中国网报道）。",
    "community": "草厂社区",
    "subdistrict": "待补充",
    "district": "待补充",
    "city": "北京市",
    "province": "待补充",
    "method": "草厂社区工作法",
    "list": "mca-2018-100",
    "year": 2018,
    "themes": None,
    "aliases": None,
    "body": "待补充：参考资料只载明该工作法入选民政部2018年公布的100个优秀社区工作法，具体做法待收集。",
    "modules": None,
    "policies": None,
    "playbooks": None,
    "sources": SOURCE,
}
FIXED_TIME = _dt.datetime(2018, 12, 14)  # fixed document properties (the cells are what tests compare)


def rows() -> list[list[object]]:
    """The header and the example row, as the sheet holds them."""
    header = list(COLUMNS)
    return [header, [EXAMPLE[c] for c in header]]


def write(path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "cases"
    for r in rows():
        ws.append(r)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="C00000" if cell.value in REQUIRED else None)
    ws.freeze_panes = "A2"
    wb.properties.creator = "kb"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kb.importer.template OUT.xlsx", file=sys.stderr)
        return 2
    print(write(Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
