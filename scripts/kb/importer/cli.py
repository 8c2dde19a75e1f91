"""The command: ``kb import-cases`` and ``scripts/import_cases.py``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model import schema as kbc
from ..model.findings import exit_code, render
from ..model.paths import DOCS
from .plan import plan, write_all
from .rows import COLUMNS, REQUIRED
from .sheet import UsageError

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
