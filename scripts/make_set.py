#!/usr/bin/env python3
"""`kb make-set`: a case set (both languages) from a spreadsheet or a list of IDs (``--help`` documents it).

The code is in kb.importer.sets.
"""

from kb.importer.sets import main

if __name__ == "__main__":
    raise SystemExit(main())
