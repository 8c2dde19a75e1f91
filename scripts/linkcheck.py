#!/usr/bin/env python3
"""`kb linkcheck` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.linkcheck.
"""

from kb.linkcheck import main

if __name__ == "__main__":
    raise SystemExit(main())
