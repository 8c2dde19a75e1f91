#!/usr/bin/env python3
"""`kb build` under its old name, for editors' habits and CI (``--help`` documents it).

The code is in kb.runner.
"""

from kb.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
