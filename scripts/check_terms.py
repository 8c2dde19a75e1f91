#!/usr/bin/env python3
"""`kb check-terms` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.checks.terms_cli.
"""

from kb.checks.terms_cli import main

if __name__ == "__main__":
    raise SystemExit(main())
