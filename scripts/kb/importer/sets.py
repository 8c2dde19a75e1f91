"""``kb make-set`` (and ``scripts/make_set.py``): a case set, both language
files, from a small spreadsheet (one row per item: reference, note, prompt)
or a list of IDs, with the refusals of the case import: every problem is named
by row (``FILE:ROW:COL: CODE message``) and nothing is written while any
remains; an existing set is replaced only with ``--update``, and one an editor
changed since only with ``--force-overwrite`` as well.

Notes and prompts are stored as plain text in the front matter; the build
escapes them (HTML or Markdown in a note is shown as typed, never run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..model import rules, sets, translations
from ..model import schema as kbc
from ..model.findings import Finding, render
from ..model.paths import DOCS
from ..model.site import Site
from ..model.tree import COLLECTIONS, base_path, collection_of, id_problem, lang_path
from .pages import _front_matter, digest_state, with_digest
from .plan import write_all
from .sheet import CAPS, UsageError, read_sheet

COLUMNS = {
    "ref": ("引用", "条目", "reference"),
    "note": ("点评", "导师点评"),
    "prompt": ("讨论题",),
    "note_en": ("英文点评", "note-en"),
    "prompt_en": ("英文讨论题", "prompt-en"),
}
REQUIRED = ("ref", "note")
# a note the sheet does not give: the site's "to be supplied" marker (shown highlighted, counted by kb report)
NOTE_TBS = {
    "zh": '<span class="kb-tbs">待补充：导师点评。</span>',
    "en": '<span class="kb-tbs">To be supplied: the mentor\'s note.</span>',
}
BODY = {
    "zh": "# {title}\n\n本案例集由导师从本知识库已有的页面中选编。各条目的点评和讨论题是导师的解读，不是原文的内容。\n\n"
    "<!-- kb:set-items -->\n\n## 资料来源 {{#sources}}\n\n本案例集不另引原文；各条目的事实和出处见所链接的页面。\n",
    "en": "# {title}\n\nThe mentor selected this case set from existing pages of this knowledge base. The notes and "
    "discussion prompts of the items are the mentor's interpretation, not text of the source.\n\n"
    "<!-- kb:set-items -->\n\n## Sources {{#sources}}\n\nThis case set cites no source text of its own; the facts "
    "of each item and where they come from are on the linked pages.\n",
}


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _header(cells: list, display: str, row: int) -> tuple[dict[str, int], list[Finding]]:
    names = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in (name, *aliases)}
    found: dict[str, int] = {}
    out = []
    for col, cell in enumerate(cells, 1):
        head = _text(cell).lower()
        if not head:
            continue
        name = names.get(head)
        if name is None or name in found:
            why = "repeated" if name else f"unknown (columns: {', '.join(COLUMNS)})"
            out.append(Finding(display, row, col, "KB121", f"column '{_text(cell)}': {why}"))
        else:
            found[name] = col
    for name in REQUIRED:
        if name not in found:
            out.append(Finding(display, row, 1, "KB122", f"the header lacks the required column '{name}'"))
    return found, out


def sheet_items(path: Path, display: str) -> tuple[list[tuple[int, int, dict]], list[Finding]]:
    """(row, column of the ref, item) of each row of the sheet, and the findings of its header and cells."""
    sheet = read_sheet(path)
    rows = [(n, cells) for n, cells in sheet.rows if any(_text(c) for c in cells)]
    if not rows:
        return [], [Finding(display, 1, 1, "KB122", "the sheet is empty: a header row and one row per item")]
    (hrow, head), body = rows[0], rows[1:]
    cols, findings = _header(head, display, hrow)
    if findings:
        return [], findings
    out = []
    for n, cells in body:
        item = {k: _text(cells[c - 1]) if c - 1 < len(cells) else "" for k, c in cols.items()}
        for (r, c), why in sheet.problems.items():
            if r == n:
                findings.append(Finding(display, n, c, "KB126", why))
        for name in REQUIRED:
            if not item.get(name):
                findings.append(Finding(display, n, cols[name], "KB123", f"column '{name}': empty (required)"))
        out.append((n, cols["ref"], item))
    if not body:
        findings.append(Finding(display, hrow, 1, "KB122", "no item: one row per item below the header"))
    return out, findings


def id_items(ids: list[str], docs_bases: set[str]) -> list[tuple[int, int, dict]]:
    """Items from ``--ids``: a reference (``cases/x.md#method``) or a bare ID, looked up in the collections."""
    out = []
    for n, ident in enumerate(ids, 1):
        ref = ident
        if "/" not in ident and "#" not in ident.split("#")[0] and not ident.endswith(".md"):
            hits = [f"{c}/{ident}.md" for c in COLLECTIONS if c != sets.SETS and f"{c}/{ident}.md" in docs_bases]
            ref = hits[0] if len(hits) == 1 else ident
        out.append((n, 1, {"ref": ref, "note": ""}))
    return out


def make_meta(set_id: str, args: argparse.Namespace, items: list[dict], lang: str) -> dict:
    en = lang == "en"
    meta: dict = {"id": set_id, "title": (args.title_en if en and args.title_en else args.title)}
    meta["studio"] = (args.studio_en if en and args.studio_en else args.studio) or None
    meta["audience"] = args.audience_en if en and args.audience_en else args.audience
    meta["purpose"] = args.purpose_en if en and args.purpose_en else args.purpose
    if args.date:
        meta["session_date"] = args.date
    out = []
    for item in items:
        note = item.get("note_en" if en else "note") or NOTE_TBS[lang]
        entry = {"ref": item["ref"], "note": note}
        prompt = item.get("prompt_en" if en else "prompt")
        if prompt:
            entry["prompt"] = prompt
        out.append(entry)
    meta["items"] = out
    if en and not (args.title_en and all(i.get("note_en") for i in items)):
        meta["untranslated"] = True
    return meta


def plan(args: argparse.Namespace, display: str) -> tuple[dict[Path, str], list[Finding]]:
    docs: Path = args.docs
    site = Site.load(docs)
    bases = site.bases()
    from ..checks.xrefs import Checker  # the checker's anchors: headings, attribute lists, generated

    checker = Checker(site)
    if args.file is not None:
        rows, findings = sheet_items(args.file, display)
    else:
        rows, findings = id_items(args.ids, bases), []
    metas = {base_path(r): d.meta for r, d in site.docs.items() if collection_of(r)}
    aliases = sets.alias_map(metas)
    first: dict[str, int] = {}
    for n, col, item in rows:
        if not item.get("ref"):
            continue
        ref = sets.parse_ref(item["ref"], args.id)
        if isinstance(ref, sets.RefProblem):
            findings.append(Finding(display, n, col, ref.code, ref.message))
            continue
        _, problem = sets.resolve(ref, bases, aliases, lambda b: checker.anchors(b) if b in site.docs else None)
        if problem is not None:
            findings.append(Finding(display, n, col, problem.code, problem.message))
        key = item["ref"]
        if key in first:
            findings.append(Finding(display, n, col, "KB124", f"reference '{key}' twice: rows {first[key]} and {n}"))
        first.setdefault(key, n)
    files: dict[Path, str] = {}
    items = [item for _, _, item in rows]
    rel_zh = f"{sets.SETS}/{args.id}.md"
    for lang in ("zh", "en"):
        rel = lang_path(f"{sets.SETS}/{args.id}.md", lang)
        path = docs / rel
        meta = make_meta(args.id, args, items, lang)
        if lang == "en" and not meta.get("untranslated"):  # the mentor gave every English text
            meta["translated_from"] = translations.fingerprint(translations.body_of(files[docs / rel_zh]))
        for f in [] if findings else kbc.validate_meta(rel, meta):
            findings.append(Finding(display, 1, 1, "KB126", f"the set's {lang} front matter: {f.message}"))
        if path.exists():
            state = digest_state(path.read_text(encoding="utf-8"))
            if not args.update:
                findings.append(Finding(str(path), 1, 1, "KB125", "the set exists: give --update to replace it"))
            elif state != "unchanged" and not args.force_overwrite:
                why = (
                    "an editor changed it since make-set wrote it"
                    if state == "changed"
                    else "make-set did not write it"
                )
                findings.append(Finding(str(path), 1, 1, "KB128", f"{why}: give --force-overwrite to replace it"))
        files[path] = with_digest(_front_matter(meta) + "\n" + BODY[lang].format(title=meta["title"]))
    return files, sorted(set(findings))


def _date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date YYYY-MM-DD") from None
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="make_set.py",
        description="Create or update a case set (docs/sets/ID.md and ID.en.md) from a spreadsheet (one row per "
        "item; columns: ref, note, prompt, note_en, prompt_en; Chinese headers 引用, 点评, 讨论题, 英文点评, "
        "英文讨论题) or from a list of IDs or references. Refuses everything (writes nothing) on any problem.",
        epilog="a reference: cases/lz-liunan-red-steward.md#method (a case, playbook, policy or course page, "
        "optionally a section); --ids also takes a bare ID (lz-liunan-red-steward).\n\n"
        + rules.help_text("import").replace("rule codes:", "rule codes (FILE:ROW:COL: CODE message):")
        + "\n  XRF061-XRF066  a reference that names no page or section, an ID renamed without an alias, "
        "the other language's file,\n                the set itself, path characters (see check_xrefs.py --help)\n"
        + CAPS
        + "\nexit status: 0 written, 1 refused (nothing written), 2 bad usage or unreadable file",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("id", help="the set's ID = its file name (lower-case ASCII words joined by '-')")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("file", nargs="?", type=Path, help="the spreadsheet (.xlsx: first sheet; .csv)")
    src.add_argument("--ids", nargs="+", metavar="REF", help="IDs or references instead of a sheet")
    ap.add_argument("--title", required=True)
    ap.add_argument("--audience", required=True)
    ap.add_argument("--purpose", required=True)
    ap.add_argument("--studio", help="the mentor studio (default: to be supplied)")
    ap.add_argument("--date", type=_date, help="the session date, YYYY-MM-DD")
    for name in ("title", "audience", "purpose", "studio"):
        ap.add_argument(f"--{name}-en", help=f"the English {name} (default: the Chinese one, page untranslated)")
    ap.add_argument("--docs", type=Path, default=DOCS, help="the docs directory (default: the project's docs/)")
    ap.add_argument("--update", action="store_true", help="replace the set if make-set wrote it and nobody changed it")
    ap.add_argument("--force-overwrite", "--force", action="store_true", help="with --update: replace it anyway")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    args = ap.parse_args(argv)
    problem = id_problem(args.id)
    if problem:
        ap.error(f"set ID {args.id!r}: {problem}")
    if args.force_overwrite and not args.update:
        ap.error("--force-overwrite goes with --update")
    if not args.docs.is_dir():
        ap.error(f"--docs {args.docs}: not a directory")
    try:
        files, findings = plan(args, str(args.file) if args.file else "--ids")
    except UsageError as exc:
        print(f"make_set.py: error: {exc}", file=sys.stderr)
        return 2
    if findings:
        print(render(findings, args.format))
        print("refused: nothing was written", file=sys.stderr)
        return 1
    existed = {p for p in files if p.exists()}
    write_all(files)
    for path in sorted(files):
        print(f"{'updated' if path in existed else 'wrote'} {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
