#!/usr/bin/env python3
"""Count the places where the source is silent ("to be supplied" markers).

    python scripts/report_tbs.py [--docs DIR] [--format text|json] [--summary]

Text: one ``path:line:col: TBS text`` line per marker, then totals per
language. Always exits 0 (a report, not a check); 2 on bad usage.

A thin wrapper kept for editors' habits and CI: the same as `kb report-tbs`.
The code is in kb.reports.
"""

from kb.reports import main

if __name__ == "__main__":
    raise SystemExit(main())
