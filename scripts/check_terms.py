#!/usr/bin/env python3
"""Check terminology and Chinese typography of the knowledge base's pages.

    python scripts/check_terms.py [PATH ...] [--fix] [--format text|json] [--terms FILE]

PATH: files or directories (default: the project's docs/, found from this
script). Output: ``path:line:col: CODE message`` per finding, or JSON with
``--format json``. Exit 0 clean, 1 findings left, 2 bad usage or an unreadable
input or term base. The rules are in :mod:`kb.termcheck`.

A thin wrapper kept for editors' habits and CI: the same as `kb check-terms`.
The code is in kb.checks.terms_cli.
"""

from kb.checks.terms_cli import main

if __name__ == "__main__":
    raise SystemExit(main())
