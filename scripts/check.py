#!/usr/bin/env python3
"""Every source check in one process: terminology and typography
(check_terms.py) and cross-references (check_xrefs.py).

    python scripts/check.py [--docs DIR] [--format text|json] [--select CODES] [--ignore CODES]

Output and exit status are those of the two checkers (``path:line:col: CODE
message``; 0 clean, 1 findings, 2 bad usage or unreadable input), the findings
of both sorted together. The pages are read and parsed once for both, and the
per-page rules are cached with each parsed page (``.cache/kb`` beside the docs
folder; ``KB_NO_CACHE=1`` skips it): a second run re-checks only what changed.
On a cold start with many pages the parsing and per-page rules run on every
core. The cross-page rules (links, anchors, IDs, translation pairs, navigation)
always run on the whole site.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import findings as kbfindings  # noqa: E402
from kb import termcheck, terms, xrefs  # noqa: E402
from kb.paths import DOCS, TERMS_FILE, display as _display  # noqa: E402
from kb.site import Site  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="check.py",
        description="Run the terminology and cross-reference checks of the knowledge base in one process.",
        epilog="rule codes: see 'check_terms.py --help' and 'check_xrefs.py --help'.",
    )
    ap.add_argument("--docs", type=Path, help="the docs directory (default: docs/ of this repository)")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--config", type=Path, help="mkdocs.yml (default: DIR/../mkdocs.yml when it exists)")
    ap.add_argument("--terms", type=Path, default=TERMS_FILE, help="the term base (default: %(default)s)")
    ap.add_argument("--select", metavar="CODES", help="only report these codes or code prefixes, comma-separated")
    ap.add_argument("--ignore", metavar="CODES", help="do not report these codes or code prefixes")
    args = ap.parse_args(argv)

    docs = args.docs or DOCS
    prefix = (str(args.docs) if args.docs else _display(DOCS)).rstrip("/\\") + "/"
    if not docs.is_dir():
        print(f"check.py: {docs}: not a directory", file=sys.stderr)
        return 2
    root = docs.resolve().parent
    config = args.config or (root / "mkdocs.yml")
    if args.config is not None and not config.is_file():
        print(f"check.py: --config {config}: no such file", file=sys.stderr)
        return 2
    single = root / xrefs.SINGLE_LANGUAGE_FILE
    try:
        tb = terms.load(args.terms)
    except terms.TermBaseError as exc:
        print(f"check.py: error: {exc}", file=sys.stderr)
        return 2
    try:
        site = Site.load(docs, tasks=[termcheck.page_task(tb, args.terms), *xrefs.page_tasks()])
        found = xrefs.check(
            docs, prefix=prefix, site=site,
            config=config if config.is_file() else None, config_display=_display(config),
            single_language=single if single.is_file() else None, single_display=_display(single),
        )
    except (OSError, UnicodeDecodeError) as exc:
        print(f"check.py: {exc}", file=sys.stderr)
        return 2
    for rel, doc in site.docs.items():
        if doc.meta_error is not None and doc.meta_error.code == "KB002":
            continue  # reported once, by the cross-reference rules
        res = site.result("terms", rel)
        for f in res.findings:
            found.append(type(f)(prefix + rel, f.line, f.col, f.code, f.message, f.severity))
    return kbfindings.report(sorted(set(found)), args.format, args.select, args.ignore)


if __name__ == "__main__":
    sys.exit(main())
