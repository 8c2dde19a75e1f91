"""Check cross-references and translation tracking of the knowledge base.

    python scripts/check_xrefs.py [--docs DIR] [--format text|json]
    python scripts/check_xrefs.py --mark-translated docs/x/page.en.md [...]

The logic lives in scripts/kb/xrefs.py; this file is the command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model import findings as kbfindings
from ..model import rules
from ..model.config import ConfigError
from ..model.paths import DOCS
from ..model.paths import display as _display
from ..model.site import UnreadableError
from ..model.terms import TermBaseError
from ..model.tree import SINGLE_LANGUAGE_FILE
from . import xrefs


def _epilog() -> str:
    return (
        rules.help_text("core", "xrefs", "schema") + "\n\n"
        "The project of a docs directory DIR is DIR/..: its mkdocs.yml (navigation, XRF050/XRF051) and\n"
        f"its {SINGLE_LANGUAGE_FILE} (pages intentionally in one language) are used when present.\n"
        "Switch a rule off with '<!-- kb-ignore CODE -->' at the end of a line, or\n"
        "'<!-- kb-ignore-file CODE -->' anywhere in a page.\n"
        "Exit status: 0 clean, 1 findings, 2 bad usage or unreadable input."
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="check_xrefs.py",
        description="Check links, anchors, page IDs, translation pairs and stale translations.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--docs", type=Path, help="the docs directory (default: docs/ of this repository)")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--config", type=Path, help="mkdocs.yml (default: DIR/../mkdocs.yml when it exists)")
    ap.add_argument(
        "--single-language",
        type=Path,
        help=f"the single-language list (default: DIR/../{SINGLE_LANGUAGE_FILE} when it exists)",
    )
    ap.add_argument(
        "--select", metavar="CODES", help="only report these codes or code prefixes, comma-separated (e.g. XRF,KB001)"
    )
    ap.add_argument("--ignore", metavar="CODES", help="do not report these codes or code prefixes")
    ap.add_argument(
        "--mark-translated",
        nargs="+",
        type=Path,
        metavar="PAGE.en.md",
        help="record the current fingerprint of the Chinese original in these English pages",
    )
    args = ap.parse_args(argv)

    if args.mark_translated:
        bad = [p for p in args.mark_translated if not p.name.endswith(".en.md") or not p.is_file()]
        for p in bad:
            print(f"{p}: not an English page file (x.en.md)", file=sys.stderr)
        if bad:
            return 2
        try:
            for path, fp in xrefs.mark_translated(args.mark_translated):
                print(f"{path}: translated_from {fp}")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"check_xrefs.py: {exc}", file=sys.stderr)
            return 2
        return 0

    if args.docs is None:
        docs, prefix = DOCS, _display(DOCS)
    else:
        docs, prefix = args.docs, str(args.docs)
    if not docs.is_dir():
        print(f"check_xrefs.py: {docs}: not a directory", file=sys.stderr)
        return 2
    prefix = prefix.rstrip("/\\") + "/"
    root = docs.resolve().parent
    config = args.config or (root / "mkdocs.yml")
    single = args.single_language or (root / SINGLE_LANGUAGE_FILE)
    for opt, path in (("--config", args.config), ("--single-language", args.single_language)):
        if path is not None and not path.is_file():
            print(f"check_xrefs.py: {opt} {path}: no such file", file=sys.stderr)
            return 2
    try:
        found = xrefs.check(
            docs,
            prefix=prefix,
            config=config if config.is_file() else None,
            config_display=_display(config),
            single_language=single if single.is_file() else None,
            single_display=_display(single),
        )
    except UnreadableError as exc:
        print(f"check_xrefs.py: {exc.strerror}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError, ConfigError, TermBaseError) as exc:
        print(f"check_xrefs.py: {exc}", file=sys.stderr)
        return 2
    return kbfindings.report(found, args.format, args.select, args.ignore)


if __name__ == "__main__":
    sys.exit(main())
