#!/usr/bin/env python3
"""Turn an editor's spreadsheet of cases into case pages in both languages.

    python scripts/import_cases.py FILE.xlsx|FILE.csv [--docs DIR] [--update] [--format text|json]

See ``--help`` for the columns. All or nothing: when any row is refused,
nothing is written and the findings are printed as ``FILE:ROW:COL: CODE message``.

A thin wrapper kept for editors' habits and CI: the same as `kb import-cases`.
The code is in the package kb.importer (kb.importer.cli).
"""

from kb.importer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
