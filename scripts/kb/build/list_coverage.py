"""``<!-- kb:list-coverage -->``: how many entries of the 2018 national list
(全国优秀社区工作法) the case library holds, counted at build time from the
cases' front matter (``list: mca-2018-100``), with a link to each.

The size of the list, 100, is a fact of the reference (related fact 1: the
Ministry of Civil Affairs' notice of December 2018 named 100 methods); the page
that holds the placeholder states and cites it.
"""

from __future__ import annotations

from ..model.tree import collection_of
from . import labels
from .registry import BuildState, PageRecord

LIST = "mca-2018-100"
LIST_SIZE = 100  # reference, related fact 1

_TEXT = {
    "zh": ("本库收录其中 {n} 个（共 {total} 个）", "本库尚未收录其中任何一个。"),
    "en": ("{n} of {total} in this library", "None of them is in this library yet."),
}


def entries(state: BuildState, lang: str) -> list[PageRecord]:
    recs = [r for b, r in state.pages.get(lang, {}).items() if collection_of(b) == "cases"]
    return sorted((r for r in recs if r.meta.get("list") == LIST), key=lambda r: str(r.meta.get("id") or r.base))


def list_coverage(rec: PageRecord, state: BuildState) -> str:
    recs = entries(state, rec.lang)
    count, none = _TEXT.get(rec.lang, _TEXT["en"])
    head = count.format(n=len(recs), total=LIST_SIZE)
    out = [f'<p class="kb-coverage" data-kb-count="{len(recs)}"><strong>{head}</strong></p>']
    if recs:
        out.append("<ul>" + "".join(f"<li>{labels.link(rec, r)}</li>" for r in recs) + "</ul>")
    else:
        out.append(f"<p>{none}</p>")
    return "\n".join(out)
