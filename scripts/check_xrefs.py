#!/usr/bin/env python3
"""`kb check-xrefs` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.checks.xrefs_cli.
"""

from kb.checks.xrefs_cli import main

if __name__ == "__main__":
    raise SystemExit(main())
