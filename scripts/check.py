#!/usr/bin/env python3
"""Every source check in one process: terminology and typography
(check_terms.py) and cross-references (check_xrefs.py).

    python scripts/check.py [--docs DIR] [--format text|json] [--select CODES] [--ignore CODES]

Output and exit status are those of the two checkers (``path:line:col: CODE
message``; 0 clean, 1 findings, 2 bad usage or unreadable input), the findings
of both sorted together. The pages are read and parsed once for both, and the
per-page rules are cached with each parsed page (``.cache/kb`` beside the docs
folder; ``KB_NO_CACHE=1`` skips it): a second run re-checks only what changed.
On a cold start with many pages the parsing and per-page rules run on every
core. The cross-page rules (links, anchors, IDs, translation pairs, navigation)
always run on the whole site.

A thin wrapper kept for editors' habits and CI: the same as `kb check`.
The code is in kb.checks.cli.
"""

from kb.checks.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
