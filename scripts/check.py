#!/usr/bin/env python3
"""`kb check` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.checks.cli.
"""

from kb.checks.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
