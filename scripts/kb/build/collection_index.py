"""The generated tables of the collections' index pages (``<!-- kb:collection-index -->``):
policies grouped by kind, playbooks by owner, cases with a filter by district,
theme and list."""

from __future__ import annotations

import html
from collections.abc import Callable

from ..model.schema import label, slug, vocabulary
from ..model.tree import COLLECTIONS, collection_of, stem_of
from . import labels, set_pages
from .registry import BuildState, PageRecord


def _members(state: BuildState, lang: str, coll: str) -> list[PageRecord]:
    recs = [r for b, r in state.pages.get(lang, {}).items() if collection_of(b) == coll]
    return sorted(recs, key=lambda r: (str(r.meta.get("id") or stem_of(r.base)), r.base))


def _by_kind(
    rec: PageRecord,
    recs: list[PageRecord],
    vocab: str,
    columns: list[str],
    row: Callable[[PageRecord], list[str]],
    cls: str,
) -> str:
    """One section per value of the ``vocab`` vocabulary (in its order), each a table of its pages."""
    out = []
    for kind in vocabulary()[vocab]:
        group = [r for r in recs if r.meta.get("kind") == kind]
        if group:
            out.append(f'<h2 id="kind-{slug(vocab, kind)}">{html.escape(label(vocab, kind, rec.lang))}</h2>')
            out.append(_table([labels.t(rec.lang, k) for k in columns], [row(r) for r in group], cls=cls))
    return "\n".join(out)


def _policies_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    lang = rec.lang
    return _by_kind(
        rec,
        recs,
        "policy_kind",
        ["title", "issuer", "status", "date", "summary"],
        lambda r: [
            labels.link(rec, r),
            labels.text(r.meta.get("issuer"), lang),
            html.escape(label("policy_status", r.meta.get("status"), lang)),
            f"{labels.text(r.meta.get('date'), lang)} / {labels.text(r.meta.get('doc_number'), lang)}",
            labels.text(r.meta.get("summary"), lang),
        ],
        "kb-collection kb-policies",
    )


def _table(head: list[str], rows: list[list[str]], cls: str, row_attrs: list[str] | None = None) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    # each cell names its column: on a phone a row is a card, a cell a labelled line (kb.css)
    labels_ = [f' data-label="{html.escape(html.unescape(h), quote=True)}"' for h in head]
    body = []
    for i, row in enumerate(rows):
        attrs = row_attrs[i] if row_attrs else ""
        body.append(f"<tr{attrs}>" + "".join(f"<td{lab}>{c}</td>" for lab, c in zip(labels_, row)) + "</tr>")
    # Material styles only tables without a class: the class goes on a wrapper.
    return (
        f'<div class="{cls}">\n<table>\n<thead><tr>{th}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</div>"
    )


def _select(name: str, caption: str, options: list[tuple[str, str]], lang: str) -> str:
    opts = f'<option value="">{labels.t(lang, "all")}</option>' + "".join(
        f'<option value="{html.escape(v)}">{html.escape(t)}</option>' for v, t in options
    )
    return f'<label>{caption} <select name="{name}" data-kb-filter="{name}">{opts}</select></label>'


NO_DISTRICT = "none"
NO_DISTRICT_LABEL = {"zh": "原文未载明城区", "en": "District not given"}
_KIND_HEAD = {"zh": "类型", "en": "Kind"}  # the case kind column (vocabulary case_kind)


def _cases_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    lang = rec.lang
    rows, attrs = [], []
    districts, lists, themes, kinds = set(), set(), set(), set()
    for r in recs:
        m = r.meta
        th = [str(t) for t in (m.get("themes") or [])]
        district = str(m.get("district") or "")
        lst = str(m.get("list") or "")
        kind = str(m.get("kind") or "method")  # the schema's default
        districts.add(district) if district else None
        kinds.add(kind)
        lists.add(lst) if lst else None
        themes.update(th)
        rows.append(
            [
                labels.link(rec, r),
                html.escape(str(m.get("id") or stem_of(r.base))),
                html.escape(label("case_kind", kind, lang)),
                labels.text(m.get("community"), lang),
                labels.text(m.get("district"), lang),
                html.escape(label("list", lst, lang, short=True)) if lst else labels.tbs(lang),
                labels.text(m.get("year"), lang),
                ("、" if lang == "zh" else ", ").join(html.escape(label("theme", t, lang)) for t in th)
                if th
                else labels.tbs(lang),
            ]
        )
        attrs.append(
            f' data-district="{html.escape(district)}" data-list="{html.escape(lst)}"'
            f' data-themes="{html.escape(" ".join(th))}"'
            f' data-kind="{html.escape(kind)}"'
        )
    vocab_themes = [t for t in vocabulary()["theme"] if t in themes]
    # a case whose district the source does not give is a choice of its own (``?district=none``)
    no_district = (
        [(NO_DISTRICT, NO_DISTRICT_LABEL.get(lang, NO_DISTRICT_LABEL["en"]))]
        if any(not r.meta.get("district") for r in recs)
        else []
    )
    form = (
        '<form class="kb-filter" data-kb-filter-form hidden>'
        + _select("district", labels.t(lang, "district"), [(d, d) for d in sorted(districts)] + no_district, lang)
        + _select("themes", labels.t(lang, "themes"), [(t, label("theme", t, lang)) for t in vocab_themes], lang)
        + _select(
            "list",
            labels.t(lang, "list"),
            [(v, label("list", v, lang, short=True)) for v in vocabulary()["list"] if v in lists],
            lang,
        )
        + _select(
            "kind",
            _KIND_HEAD[lang],
            [(k, label("case_kind", k, lang)) for k in vocabulary()["case_kind"] if k in kinds],
            lang,
        )
        + f" <output data-kb-filter-count>{html.escape(labels.t(lang, 'count').format(n=len(recs)))}</output>"
        + "</form>"
    )
    head = [labels.t(lang, k) for k in ("title", "id", "community", "district", "list", "year", "themes")]
    head.insert(2, _KIND_HEAD[lang])
    table = _table(
        head,
        rows,
        cls="kb-collection kb-cases",
        row_attrs=attrs,
    )
    return (
        form
        + "\n"
        + table.replace(
            "<table>",
            '<table data-kb-filter-table data-kb-count-text="' + html.escape(labels.t(lang, "count")) + '">',
            1,
        )
    )


def _playbooks_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    return _by_kind(
        rec,
        recs,
        "playbook_kind",
        ["title", "owner"],
        lambda r: [labels.link(rec, r), labels.text(r.meta.get("owner"), rec.lang)],
        "kb-collection kb-playbooks",
    )


def collection_index(rec: PageRecord, state: BuildState) -> str:
    """The table(s) of a collection's index page, in the page's language."""
    coll = rec.base.split("/")[0]
    if coll not in COLLECTIONS:
        return ""
    recs = _members(state, rec.lang, coll)
    if not recs:
        return f"<p>{labels.t(rec.lang, 'none')}</p>"
    indexes = {"policies": _policies_index, "cases": _cases_index, "playbooks": _playbooks_index}
    return indexes.get(coll, set_pages.sets_index)(rec, recs)
