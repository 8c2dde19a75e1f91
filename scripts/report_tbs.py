#!/usr/bin/env python3
"""`kb report` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.reports.
"""

from kb.reports import main

if __name__ == "__main__":
    raise SystemExit(main())
