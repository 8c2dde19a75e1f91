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

from ..model import findings as kbfindings
from ..model import rules, terms
from ..model.config import ConfigError
from ..model.paths import DOCS, TERMS_FILE
from ..model.paths import display as _display
from ..model.site import Site, UnreadableError
from ..model.tree import SINGLE_LANGUAGE_FILE
from . import termcheck, xrefs


class CheckError(Exception):
    """An input the checks cannot read (exit 2): a missing folder, a broken term base."""


def run(docs: Path, prefix: str, config: Path | None, terms_file: Path = TERMS_FILE) -> list:
    """Every finding of the terminology and cross-reference checks of ``docs``
    (paths shown with ``prefix``); ``config`` is the mkdocs.yml whose
    navigation is checked (None: no navigation checks)."""
    if not docs.is_dir():
        raise CheckError(f"{docs}: not a directory")
    single = docs.resolve().parent / SINGLE_LANGUAGE_FILE
    try:
        tb = terms.load(terms_file)
    except terms.TermBaseError as exc:
        raise CheckError(f"error: {exc}") from exc
    try:
        site = Site.load(docs, tasks=[termcheck.page_task(tb, terms_file), *xrefs.page_tasks(docs)])
        found = xrefs.check(
            docs,
            prefix=prefix,
            site=site,
            config=config,
            config_display=_display(config) if config else None,
            single_language=single if single.is_file() else None,
            single_display=_display(single),
            terms_file=terms_file,
        )
    except ConfigError as exc:
        raise CheckError(str(exc)) from exc
    except OSError as exc:
        raise CheckError(exc.strerror if isinstance(exc, UnreadableError) else str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise CheckError(str(exc)) from exc
    for rel, doc in site.docs.items():
        if doc.meta_error is not None and doc.meta_error.code == "KB002":
            continue  # reported once, by the cross-reference rules
        res = site.result("terms", rel)
        for f in res.findings:
            found.append(type(f)(prefix + rel, f.line, f.col, f.code, f.message, f.severity))
    return sorted(set(found))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kb check",
        description="Run the terminology and cross-reference checks of the knowledge base in one process.",
        epilog=rules.help_text("core", "terms", "xrefs", "schema"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    config = args.config or (docs.resolve().parent / "mkdocs.yml")
    if args.config is not None and not config.is_file():
        print(f"check.py: --config {config}: no such file", file=sys.stderr)
        return 2
    try:
        found = run(docs, prefix, config if config.is_file() else None, args.terms)
    except CheckError as exc:
        print(f"check.py: {exc}", file=sys.stderr)
        return 2
    return kbfindings.report(found, args.format, args.select, args.ignore)
