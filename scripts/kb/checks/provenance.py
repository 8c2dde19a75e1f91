"""Provenance: every fact of a content page traces to the source paragraph it cites.

Rules (codes in :mod:`kb.model.rules`):

* PRV001: a citation names a source paragraph or reference entry that does not exist;
* PRV002: a fact (number with its unit, year, date, 《title》, “quoted name”) of a
  block (paragraph, list item, table row) that none of the block's citations gives;
* PRV003: a block with facts and no citation;
* PRV004: a fact field of collection front matter (district, list, year, issuer,
  status, …) that has a value and no ``cite:`` entry, or whose value the cited
  text does not contain.

Content pages only: not index pages, generated pages, the source reading
itself, nor a page's closing sources section (it is the citation). A block
can opt out where a number is the site's own (``<!-- kb-ignore PRV003 -->``).
"""

from __future__ import annotations

import re

from ..model import facts
from ..model.findings import Finding
from ..model.mdparse import Doc
from ..model.sources import SOURCE_PAGE, Sources, citations
from ..model.tbs import MARKER as TBS_MARKER
from ..model.tree import PLACEHOLDER, base_path, collection_of

# fact fields of collection front matter; a value that is a vocabulary code
# (list, status, kind) cannot be found verbatim in the source: it needs a citation only
FACT_FIELDS = {
    "cases": ("community", "subdistrict", "district", "city", "province", "method", "list", "year", "themes"),
    "policies": ("issuer", "status", "date", "doc_number"),
    "playbooks": ("owner",),
}
VERBATIM = {"community", "subdistrict", "district", "city", "province", "issuer", "doc_number", "owner"}

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def is_content_page(doc: Doc) -> bool:
    name = doc.rel_path.rsplit("/", 1)[-1]
    return not (
        name in ("index.md", "index.en.md")
        or base_path(doc.rel_path) == SOURCE_PAGE
        or PLACEHOLDER.search(doc.text)
        or doc.meta_error is not None
    )


def blocks(doc: Doc) -> list[tuple[int, str, str]]:
    """``(first line, raw text, prose text)`` of each paragraph, list item and
    table row of the body, up to the closing sources section."""
    raw, prose = doc.lines, doc.prose
    end = next((h.line - 1 for h in doc.headings if h.level == 2 and h.anchor == "sources"), len(raw))
    out: list[tuple[int, str, str]] = []
    start: int | None = None

    def close(stop: int) -> None:
        nonlocal start
        if start is not None:
            text = "\n".join(raw[start:stop])
            out.append((start + 1, text, _without_notes(text, "\n".join(prose[start:stop]))))
        start = None

    for i in range(doc.body_line - 1, end):
        line = raw[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("|"):
            close(i)
            if stripped.startswith("|") and not _TABLE_RULE.match(line):
                out.append((i + 1, line, _without_notes(line, prose[i])))  # a table row is a block of its own
            continue
        if _LIST_ITEM.match(line):
            close(i)
        if start is None:
            start = i
    close(end)
    return out


def own_names_dropped(found: list[facts.Fact], doc: Doc) -> list[facts.Fact]:
    """A quoted name that is a heading of the page itself (“关键数据”) is the
    site's own, not a fact of the source."""
    headings = {h.text for h in doc.headings}
    return [f for f in found if not (f.kind == "name" and f.value in headings)]


def _without_notes(raw: str, prose: str) -> str:
    """``prose`` with the "to be supplied" notes blanked: they say what the
    source does not give, they state no fact of it."""
    for m in TBS_MARKER.finditer(raw):
        prose = prose[: m.start()] + re.sub(r"[^\n]", " ", m.group(0)) + prose[m.end() :]
    return prose


def _cited_text(sources: Sources, targets: list[str]) -> tuple[str, set]:
    texts = [t for t in (sources.source_text(x) for x in targets) if t]
    joined = "\n".join(texts)
    return joined, facts.values(joined)


def check_page(doc: Doc, sources: Sources) -> list[Finding]:
    out: list[Finding] = []
    if not is_content_page(doc):
        return out
    for line, raw, prose in blocks(doc):
        cites = citations(raw)
        broken = False
        for offset, _, targets in cites:
            for t in targets:
                if not sources.exists(t):
                    ln = line + raw.count("\n", 0, offset)
                    what = "reference entry" if t.startswith("ref:") else "source paragraph"
                    out.append(Finding(doc.rel_path, ln, 1, "PRV001", f"citation of a {what} that does not exist: {t}"))
                    broken = True
        found = own_names_dropped(facts.extract(prose, names=doc.lang == "zh"), doc)
        if not found:
            continue
        if not cites:
            shown = ", ".join(f.text for f in found[:3])
            out.append(
                Finding(
                    doc.rel_path,
                    line,
                    1,
                    "PRV003",
                    f"facts without a citation ({shown}): cite the source paragraph, e.g. [[p12]] "
                    "(kb cite --suggest proposes one)",
                )
            )
            continue
        if broken:
            continue  # what the block means to cite is unknown until the citation is mended
        text, values = _cited_text(sources, [t for _, _, ts in cites for t in ts])
        for fact in found:
            if not facts.backed(fact, text, values):
                ln = line + prose.count("\n", 0, fact.start)
                out.append(Finding(doc.rel_path, ln, 1, "PRV002", f"'{fact.text}' is not in what this block cites"))
    return out + check_front_matter(doc, sources)


def check_front_matter(doc: Doc, sources: Sources) -> list[Finding]:
    coll = collection_of(doc.rel_path)
    if coll is None or doc.meta_error is not None:
        return []
    cite = doc.meta.get("cite") or {}
    cite = cite if isinstance(cite, dict) else {}
    out = []
    for name in FACT_FIELDS.get(coll, ()):
        value = doc.meta.get(name)
        if value is None or value == "" or value == []:
            continue  # "not given": the page shows "to be supplied"
        targets = cite.get(name)
        targets = [targets] if isinstance(targets, str) else list(targets or [])
        line = doc.meta_line(name)
        if not targets:
            out.append(
                Finding(doc.rel_path, line, 1, "PRV004", f"field '{name}' has a value and no citation in 'cite:'")
            )
            continue
        missing = [t for t in targets if not sources.exists(str(t))]
        if missing:
            out.append(Finding(doc.rel_path, doc.meta_line("cite"), 1, "PRV001", f"cite.{name}: no {missing[0]}"))
            continue
        text, _ = _cited_text(sources, [str(t) for t in targets])
        if name in VERBATIM and isinstance(value, str) and doc.lang == "zh" and value not in text:
            out.append(Finding(doc.rel_path, line, 1, "PRV004", f"field '{name}': '{value}' is not in the cited text"))
    return out
