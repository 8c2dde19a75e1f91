"""Check terminology and Chinese typography of the knowledge base's pages.

    python scripts/check_terms.py [PATH ...] [--fix] [--format text|json] [--terms FILE]

PATH: files or directories (default: the project's docs/, found from this
script). Output: ``path:line:col: CODE message`` per finding, or JSON with
``--format json``. Exit 0 clean, 1 findings left, 2 bad usage or an unreadable
input or term base. The rules are in :mod:`kb.termcheck`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..model import rules, terms
from ..model.findings import exit_code, render
from ..model.mdparse import Doc, decode_page, parse, rewrite_page
from ..model.paths import DOCS, TERMS_FILE
from ..model.site import Site
from ..model.tree import base_path
from . import termcheck

EPILOG = (
    rules.help_text("terms")
    + """

switch a rule off with a visible comment:
  <!-- kb-ignore CODE -->       at the end of a line (that line)
  <!-- kb-ignore-file CODE -->  anywhere in a page (the whole page)

--fix rewrites the files in place for the fixable rules only, prints each fix
("fixed path:line:col: CODE old -> new") and then what is left; exit 0 when
nothing unfixable is left.
"""
)


class Unreadable(Exception):
    pass


def _read(path: Path, display: str, rel: str) -> Doc:
    try:
        text = decode_page(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise Unreadable(f"{display}: not valid UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise Unreadable(f"{display}: cannot read: {exc.strerror}") from exc
    return parse(rel, text)


def collect(paths: list[str], task=None) -> list[tuple[Doc, str, Path, Doc | None, termcheck.Result | None]]:
    """(doc, display path, file, Chinese counterpart of an English page, the
    rules' result when ``task`` ran it with the parse of a directory)."""
    items = []
    for arg in paths or [None]:
        root = Path(arg) if arg else DOCS
        if not root.exists():
            raise Unreadable(f"{arg}: no such file or directory")
        if root.is_dir():
            try:
                site = Site.load(root, tasks=[task] if task else ())
            except OSError as exc:
                raise Unreadable(exc.strerror or str(exc)) from exc
            for rel, doc in sorted(site.docs.items()):
                if doc.meta_error is not None and doc.meta_error.code == "KB002":
                    raise Unreadable(f"{os.path.join(arg or os.path.relpath(DOCS), rel)}: not valid UTF-8")
                display = os.path.join(arg, rel) if arg else os.path.relpath(root / rel)
                zh = site.docs.get(base_path(rel)) if doc.lang != "zh" else None
                items.append((doc, display, root / rel, zh, site.result("terms", rel)))
        else:
            rel = root.name
            doc = _read(root, arg, rel)
            zh = None
            if doc.lang != "zh":
                zh_path = root.with_name(base_path(rel))
                if zh_path.is_file():
                    zh = _read(zh_path, str(zh_path), zh_path.name)
            items.append((doc, arg, root, zh, None))
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="check_terms.py",
        description="Check terminology and Chinese typography of Markdown pages.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: docs/)")
    ap.add_argument("--fix", action="store_true", help="rewrite files in place for the fixable rules")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--terms", metavar="FILE", default=str(TERMS_FILE), help="the term base (default: %(default)s)")
    args = ap.parse_args(argv)

    try:
        tb = terms.load(Path(args.terms))
    except terms.TermBaseError as exc:
        print(f"check_terms.py: error: {exc}", file=sys.stderr)
        return 2
    try:
        items = collect(args.paths, termcheck.page_task(tb, Path(args.terms)))
    except Unreadable as exc:
        print(f"check_terms.py: error: {exc}", file=sys.stderr)
        return 2

    findings = []
    fixed_total = 0
    for doc, display, path, zh, cached in items:
        res = cached or termcheck.check_doc(doc, tb, zh)
        if args.fix and path.is_symlink() and (res.edits or res.joins):
            print(f"check_terms.py: {display}: not fixed: a symbolic link (fix the file it points to)", file=sys.stderr)
        elif args.fix:
            for _ in range(4):  # a fix may reveal another one (e.g. after a join)
                if not res.edits and not res.joins:
                    break
                fixable = [f for f in res.findings if f.code in termcheck.FIXABLE]
                new_text, n = termcheck.apply_fixes(doc.text, res)
                if new_text == doc.text:
                    break
                for f in fixable:
                    print(
                        f"fixed {display}:{f.line}:{f.col}: {f.code} {f.message.replace(' [fixable]', '')}",
                        file=sys.stderr if args.format == "json" else sys.stdout,
                    )
                fixed_total += len(fixable)
                try:  # the file's own byte-order mark and line ends are kept
                    rewrite_page(path, new_text)
                except OSError as exc:
                    print(f"check_terms.py: error: {display}: cannot write: {exc.strerror}", file=sys.stderr)
                    return 2
                doc = parse(doc.rel_path, new_text)
                res = termcheck.check_doc(doc, tb, zh)
        for f in res.findings:
            findings.append(type(f)(display, f.line, f.col, f.code, f.message, f.severity))

    out = render(findings, args.format)
    if out:
        print(out)
    elif args.format == "json":
        print("[]")
    if args.fix:
        print(f"check_terms.py: {fixed_total} fixed, {len(findings)} left", file=sys.stderr)
    return exit_code(findings)


if __name__ == "__main__":
    sys.exit(main())
