"""The command: ``kb import-cases`` and ``scripts/import_cases.py``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model import rules
from ..model import schema as kbc
from ..model.findings import exit_code, render
from ..model.paths import DOCS
from ..model.tree import MAX_ID_LENGTH
from .plan import plan, write_all
from .rows import COLUMNS, REQUIRED
from .sheet import CAPS, UsageError

GUARANTEES = f"""\
guarantees:
  all or nothing: when any row is refused, no page is written.
  --update replaces a page only when its text is what the importer wrote (its front matter field
  import_digest records that; the field is not shown on the site). A page an editor changed since,
  or one the importer did not write, is refused (KB128) unless --force-overwrite is given too.
  A reviewed English page (without 'untranslated: true') is kept as it is when the Chinese page is
  updated (the output says so), unless --force-overwrite.
  An English page without its Chinese page counts as an existing page (give --update).
  IDs and aliases: at most {MAX_ID_LENGTH} characters, lower-case ASCII words joined by '-', not
  reserved (index, and the Windows device names con, prn, aux, nul, com1-com9, lpt1-lpt9).
  An alias may not be its row's id, another row's id or alias, or an ID or alias in docs/ (KB125).
  related modules: pages inside docs/ only. An .xlsx formula without a computed value, or an error
  value (#REF!), is refused (KB126, the cell named): save the sheet in Excel or LibreOffice first.
{CAPS}"""

CODES = (
    rules.help_text("import").replace("rule codes:", "rule codes (FILE:ROW:COL: CODE message; row 1 is the header):")
    + "\nexit status: 0 pages written, 1 rows refused (nothing written), 2 bad usage or unreadable file"
)


def _help_columns() -> str:
    vocab = kbc.vocabulary()
    lines = ["columns (header row; Chinese aliases accepted; * = required):"]
    notes = {
        "id": "stable page ID = file name, e.g. sl-test-community (lower-case ASCII words joined by '-'; "
        f"at most {MAX_ID_LENGTH} characters; not index, con, nul ...)",
        "title": "Chinese title",
        "title_en": "English title of the English page (default: the Chinese title)",
        "description": "one sentence",
        "method": "name of the work method",
        "list": "one of: " + ", ".join(vocab["list"]) + " (or its label)",
        "year": "a year such as 2018",
        "themes": "several, separated by 、 , ; (values or their labels): " + ", ".join(vocab["theme"]),
        "aliases": "former IDs (the build leaves redirects)",
        "body": "what the method does (one paragraph per line)",
        "modules": "docs-relative paths of pages in docs/, e.g. course/flagship-brands.md",
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
        epilog=_help_columns() + "\n\n" + GUARANTEES + "\n\n" + CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("file", type=Path, help="the spreadsheet (.xlsx: first sheet; .csv: UTF-8 or GB18030)")
    ap.add_argument("--docs", type=Path, default=DOCS, help="the docs directory (default: the project's docs/)")
    ap.add_argument(
        "--update",
        action="store_true",
        help="replace the pages of existing IDs, when they are as the importer wrote them; "
        "a reviewed English page (without 'untranslated: true') is kept as it is",
    )
    ap.add_argument(
        "--force-overwrite",
        action="store_true",
        help="with --update: also replace pages an editor changed since the import (or that the "
        "importer did not write), and reviewed English translations",
    )
    ap.add_argument("--format", choices=("text", "json"), default="text", help="findings format")
    args = ap.parse_args(argv)
    if args.force_overwrite and not args.update:
        ap.error("--force-overwrite goes with --update")
    if not args.docs.is_dir():
        ap.error(f"--docs {args.docs}: not a directory")
    display = str(args.file)
    try:
        result = plan(args.file, display, args.docs, args.update, args.force_overwrite)
    except UsageError as exc:
        print(f"import_cases.py: error: {exc}", file=sys.stderr)
        return 2
    files, findings = result.files, result.findings
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
    for path in result.kept:
        print(
            f"kept {path}: a reviewed translation (no 'untranslated: true'), left as it is; check it against "
            "the updated Chinese page (give --force-overwrite to replace it with an untranslated page)",
            file=sys.stderr,
        )
    cases = {path.name.removesuffix(".md").removesuffix(".en") for path in files}
    print(f"imported {len(cases)} case(s) into {args.docs}/cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
