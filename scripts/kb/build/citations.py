"""Citations rendered: ``[[p12]]`` becomes a small superscript link to the source
paragraph (``¶12``) whose cited sentence shows on hover, on keyboard focus and,
on a touch screen, on the first tap (docs/assets/kb.js, kb.css ``.kb-cite``).

The sentence is the one of the cited paragraph that shares most with the
citing block (its figures first), in the page's language; it is carried in a
``data-kb-cite`` attribute (shown by CSS, read by screen readers through
``aria-label``), so the search index never holds it.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ..model import facts
from ..model.sources import CITATION, SOURCE_PAGE, Sources
from ..model.tree import page_url, relative_url
from .registry import BuildState, PageRecord

_SENTENCE = {"zh": re.compile(r"[^。！？；]+[。！？；]?"), "en": re.compile(r"[^.!?;]+(?:[.!?;](?!\d)|$)")}
_FENCE = re.compile(r"^\s*(```|~~~)", re.M)
_INLINE_CODE = re.compile(r"(`+[^`\n]*?`+)")
LABEL = {"zh": ("原文第{n}段", "参考资料"), "en": ("Source paragraph {n}", "Reference")}


@lru_cache(maxsize=4096)
def _values(sentence: str) -> frozenset[tuple[str, str]]:
    """:func:`kb.model.facts.values` of a sentence of the source (the same
    sentences are scored for every citation of their paragraph)."""
    return frozenset(facts.values(sentence))


def best_sentence(paragraph: str, context: str, lang: str) -> str:
    """The sentence of ``paragraph`` that backs ``context`` best: most shared
    facts, then most shared characters (Chinese) or words (English)."""
    rx = _SENTENCE["zh" if lang == "zh" else "en"]
    sentences = [s.strip() for s in rx.findall(paragraph) if s.strip()] or [paragraph]
    wanted = facts.values(context)
    words = set(re.findall(r"\w+", context.lower())) if lang != "zh" else set(context)

    def score(s: str) -> tuple[int, int]:
        shared = len(_values(s) & wanted)
        common = len((set(re.findall(r"\w+", s.lower())) if lang != "zh" else set(s)) & words)
        return shared, common

    return max(sentences, key=score)


def render(markdown: str, rec: PageRecord, sources: Sources) -> str:
    """The page's Markdown with every citation as its superscript links."""
    if "[[" not in markdown:
        return markdown
    lang = "zh" if rec.lang == "zh" else "en"
    # the source reading's URL in the reader's language: course/source-reading/, en/course/source-reading/
    target_url = page_url(SOURCE_PAGE) if rec.lang == "zh" else f"{rec.lang}/{page_url(SOURCE_PAGE)}"
    href = relative_url(rec.url, target_url)
    blocks = markdown.split("\n\n")
    out = []
    fenced = False
    for block in blocks:
        if _FENCE.search(block):
            fenced = fenced != (len(_FENCE.findall(block)) % 2 == 1)
            out.append(block)  # code is shown as written
            continue
        if fenced:
            out.append(block)
            continue

        def link(m: re.Match, block: str = block) -> str:
            parts = []
            for target in (t.strip() for t in m.group(1).split(",")):
                text = sources.text(target, lang) or ""
                if target.startswith("ref:"):
                    label, url = LABEL[lang][1], None
                else:
                    label, url = "¶" + target[1:], f"{href}#{target}"
                    text = best_sentence(text, CITATION.sub("", block), lang)
                name = LABEL[lang][0].format(n=target[1:]) if url else LABEL[lang][1]
                tip = html.escape(f"{name}：{text}" if lang == "zh" else f"{name}: {text}", quote=True)
                if url:
                    parts.append(f'<a href="{html.escape(url)}" data-kb-cite="{tip}" aria-label="{tip}">{label}</a>')
                else:
                    parts.append(f'<a tabindex="0" role="note" data-kb-cite="{tip}" aria-label="{tip}">{label}</a>')
            # data-search-exclude (Material's search): the links' ¶12 are not words of the page
            return '<sup class="kb-cite" data-search-exclude>' + " ".join(parts) + "</sup>"

        pieces = _INLINE_CODE.split(block)  # code spans (odd items) are left as they are
        out.append("".join(p if i % 2 else CITATION.sub(link, p) for i, p in enumerate(pieces)))
    return "\n\n".join(out)


def render_citations(markdown: str, rec: PageRecord, state: BuildState) -> str:
    return render(markdown, rec, state.sources) if state.sources is not None else markdown
