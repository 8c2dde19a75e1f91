#!/usr/bin/env python3
"""Check cross-references and translation tracking of the knowledge base.

    python scripts/check_xrefs.py [--docs DIR] [--format text|json]
    python scripts/check_xrefs.py --mark-translated docs/x/page.en.md [...]

The logic lives in scripts/kb/xrefs.py; this file is the command line.

A thin wrapper kept for editors' habits and CI: the same as `kb check-xrefs`.
The code is in kb.checks.xrefs_cli.
"""

from kb.checks.xrefs_cli import main

if __name__ == "__main__":
    raise SystemExit(main())
