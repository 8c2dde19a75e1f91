"""``kb cite``: propose (and, with ``--write``, insert) the citation of each block
whose facts have none, from the source paragraphs that give those facts.

    kb cite [--docs DIR] [--write] [PATH ...]

For a block (paragraph, list item, table row) with facts and no citation, the
fewest source paragraphs (then reference entries) that give every one of its
facts are found; a block whose facts no set of at most three covers is listed
with what is missing, for an editor to settle (the checkers' PRV003 stays
until then). ``--write`` appends ``[[p3, p7]]`` at the end of each covered
block and never touches any other byte of the page; a page that is a
symbolic link is not rewritten, and a path outside the docs is refused. A
block marked ``<!-- kb-ignore PRV003 -->`` is left alone. Exit 0; 2 on bad
usage or a page not rewritten.
For collection front matter, each fact field with a value is cited to the
paragraphs that name it (verbatim values) or the page's subject.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .checks import provenance
from .model import facts
from .model.blocks import blocks
from .model.mdparse import Doc, NotWritten, rewrite_page
from .model.paths import DOCS
from .model.schema import FACT_FIELDS
from .model.site import Site
from .model.sources import SOURCE_PAGE, Sources, citations
from .model.sources import load as load_sources
from .model.tree import base_path, lang_path

MAX_TARGETS = 3
_TAIL = re.compile(r"(\s*(?:\{:[^}]*\}|<!--.*?-->)\s*)$")


def _shared(a: str, b: str, lang: str) -> int:
    """How much two texts share: character pairs (Chinese) or words (English)."""
    if lang == "zh":
        return len({a[i : i + 2] for i in range(len(a) - 1)} & {b[i : i + 2] for i in range(len(b) - 1)})
    return len(set(re.findall(r"[a-z]{4,}", a.lower())) & set(re.findall(r"[a-z]{4,}", b.lower())))


def cover(
    found: list[facts.Fact], sources: Sources, context: str = "", lang: str = "zh"
) -> tuple[list[str], list[facts.Fact]]:
    """The fewest targets backing ``found`` (greedy: most facts first, then the
    text most like ``context``), and the facts none backs."""
    candidates = {}
    likeness = {}
    for target in [*sources.paragraphs.get("zh", {}), *sources.references]:
        text = sources.source_text(target) or ""
        vals = facts.values(text)
        backs = {
            i
            for i, f in enumerate(found)
            if facts.backed(f, text, vals)
            # a reference entry is never cited for a bare small number (a day of one of its dates)
            and not (target.startswith("ref:") and f.kind == "number" and float(f.value) < 100)
        }
        if backs:
            candidates[target] = backs
            likeness[target] = _shared(context, sources.text(target, lang) or "", lang)
    left, chosen = set(range(len(found))), []
    while left and candidates and len(chosen) < MAX_TARGETS:
        target = max(candidates, key=lambda t: (len(candidates[t] & left), not t.startswith("ref:"), likeness[t]))
        if not candidates[target] & left:
            break
        chosen.append(target)
        left -= candidates.pop(target)
    order = {t: i for i, t in enumerate([*sources.paragraphs.get("zh", {}), *sources.references])}
    return sorted(chosen, key=order.get), [found[i] for i in sorted(left)]


def _with_citation(line: str, targets: list[str]) -> str:
    cite = "[[" + ", ".join(targets) + "]]"
    if line.rstrip().endswith("|"):  # a table row: inside its last cell
        body = line.rstrip()[:-1].rstrip()
        return f"{body} {cite} |"
    m = _TAIL.search(line)
    if m and m.group(1).strip():
        return line[: m.start()] + cite + line[m.start() :]
    return line.rstrip() + cite


def plan(doc: Doc, sources: Sources) -> tuple[dict[int, list[str]], list[str]]:
    """``({last line index: targets}, [unresolved report lines])`` of one page."""
    edits: dict[int, list[str]] = {}
    report = []
    if not provenance.is_content_page(doc):
        return edits, report
    for line, raw, prose in blocks(doc):
        if citations(raw) or doc.ignores("PRV003", line + raw.count("\n")) or doc.ignores("PRV003", line):
            continue
        found = provenance.own_names_dropped(facts.extract(prose, names=doc.lang == "zh"), doc)
        if not found:
            continue
        targets, missing = cover(found, sources, prose, "zh" if doc.lang == "zh" else "en")
        if targets and not missing:
            edits[line - 1 + raw.count("\n")] = targets
        else:
            shown = ", ".join(f.text for f in missing[:4])
            report.append(
                f"{doc.rel_path}:{line}: no source gives {shown}" + (f" (partly {targets})" if targets else "")
            )
    return edits, report


_BARE = re.compile(r"[“”‘’《》\"]")


def _containing(needle: str, sources: Sources) -> list[str]:
    needle = _BARE.sub("", needle).strip()
    if not needle:
        return []
    return [
        t
        for t in [*sources.paragraphs.get("zh", {}), *sources.references]
        if needle in _BARE.sub("", sources.source_text(t) or "")
    ]


def front_matter_cites(doc: Doc, sources: Sources) -> dict[str, list[str]]:
    """``{field: targets}`` for the fact fields of a collection page that have a
    value and no citation: the texts holding the value itself, else those that
    name the page's subject (its method or title)."""
    from .model.tree import collection_of

    coll = collection_of(doc.rel_path)
    if coll is None or doc.meta_error is not None:
        return {}
    have = doc.meta.get("cite") if isinstance(doc.meta.get("cite"), dict) else {}
    subject = []
    for key in ("method", "title"):
        if isinstance(doc.meta.get(key), str):
            subject = _containing(doc.meta[key], sources) or subject
            if subject:
                break
    out: dict[str, list[str]] = {}
    for name in FACT_FIELDS.get(coll, ()):
        value = doc.meta.get(name)
        if value in (None, "", []) or name in have:
            continue
        found = _containing(str(value), sources) if isinstance(value, str | int) else []
        preferred = [t for t in found if t in subject] or found or subject
        if preferred:
            out[name] = preferred[:1]
    return out


def _write_cite(text: str, cites: dict[str, list[str]]) -> str:
    """Add the ``cite:`` mapping as the last front matter line."""
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    flow = ", ".join(f"{k}: [{', '.join(v)}]" for k, v in cites.items())
    return "\n".join([*lines[:end], f"cite: {{{flow}}}", *lines[end:]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kb cite", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("paths", nargs="*", help="pages (default: every page of --docs)")
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--write", action="store_true", help="insert the citations found")
    args = ap.parse_args(argv)
    if not (args.docs / SOURCE_PAGE).is_file():
        print(f"kb cite: {args.docs}: no {SOURCE_PAGE} (the source paragraphs)", file=sys.stderr)
        return 2
    sources = load_sources(args.docs)
    site = Site.load(args.docs)
    docs_root = args.docs.resolve()
    wanted = {Path(p).resolve() for p in args.paths}
    outside = [p for p in args.paths if not Path(p).is_file() or docs_root not in Path(p).resolve().parents]
    if outside:
        print(f"kb cite: {outside[0]}: not a page of {args.docs}", file=sys.stderr)
        return 2
    written = found = unresolved = 0
    failed = False
    for rel, doc in sorted(site.docs.items()):
        path = args.docs / rel
        if wanted and path.resolve() not in wanted or rel in (SOURCE_PAGE, lang_path(SOURCE_PAGE, "en")):
            continue
        edits, report = plan(doc, sources)
        zh_doc = site.docs.get(base_path(rel)) or doc
        cites = front_matter_cites(zh_doc, sources) if not (doc.meta.get("cite")) else {}
        if cites:
            print(f"{args.docs.name}/{rel}:1: cite: {cites}")
        for line in report:
            print(f"{args.docs.name}/{line}")
        unresolved += len(report)
        for index, targets in sorted(edits.items()):
            print(f"{args.docs.name}/{rel}:{index + 1}: [[{', '.join(targets)}]]")
        found += len(edits) + len(cites)
        if args.write and (edits or cites):
            lines = doc.text.split("\n")
            for index, targets in edits.items():
                lines[index] = _with_citation(lines[index], targets)
            text = "\n".join(lines)
            try:
                rewrite_page(path, _write_cite(text, cites) if cites else text)
            except OSError as exc:
                print(f"kb cite: {exc.strerror if isinstance(exc, NotWritten) else exc}", file=sys.stderr)
                failed = True
                continue
            written += len(edits) + len(cites)
    verb = "inserted" if args.write else "found (give --write to insert them)"
    print(f"kb cite: {written if args.write else found} citations {verb}; {unresolved} blocks to settle by hand")
    return 2 if failed else 0
