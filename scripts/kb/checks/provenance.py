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

from ..model import facts
from ..model.blocks import blocks
from ..model.findings import Finding
from ..model.mdparse import Doc
from ..model.schema import FACT_FIELDS, VERBATIM
from ..model.sources import SOURCE_PAGE, Sources, citations
from ..model.tree import PLACEHOLDER, base_path, collection_of


def is_content_page(doc: Doc) -> bool:
    name = doc.rel_path.rsplit("/", 1)[-1]
    return not (
        name in ("index.md", "index.en.md")
        or base_path(doc.rel_path) == SOURCE_PAGE
        or PLACEHOLDER.search(doc.text)
        or doc.meta_error is not None
    )


def own_names_dropped(found: list[facts.Fact], doc: Doc) -> list[facts.Fact]:
    """A quoted name that is a heading of the page itself (“关键数据”) is the
    site's own, not a fact of the source."""
    headings = {h.text for h in doc.headings}
    return [f for f in found if not (f.kind == "name" and f.value in headings)]


def _cited_text(sources: Sources, targets: list[str]) -> tuple[str, set]:
    return sources.backing(tuple(targets))


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
