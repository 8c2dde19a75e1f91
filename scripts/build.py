#!/usr/bin/env python3
"""Check, build strictly, and leave a site that a publish may take.

    python scripts/build.py [--site-dir DIR] [--skip-checks]

1. runs the source checkers (terminology, cross-references) on docs/;
2. runs ``mkdocs build --strict`` into a staging directory beside the target;
3. writes ``.kb-build.json`` (commit, strict, check results) into it;
4. only then swaps it into place (``site/`` by default).

A failed check or build leaves the previous ``site/`` untouched and no marker,
so ``scripts/publish.py`` refuses anything half-built. Exit status: 0 built,
1 a check or the build failed, 2 bad usage.

A thin wrapper kept for editors' habits and CI: the same as `kb build`.
The code is in kb.runner.
"""

from kb.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
