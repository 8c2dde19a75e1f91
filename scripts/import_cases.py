#!/usr/bin/env python3
"""`kb import-cases` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.importer.cli.
"""

from kb.importer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
