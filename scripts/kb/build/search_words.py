"""What the search index holds besides Material's tokens (issue 14): the parts
of compound words, Chinese quoted in English pages split into words, and the
term base's synonyms for the search worker.

* **Parts of compounds.** jieba keeps a term base term (红旗网格, 红色管家) as one
  token, so a reader typing a part (网格, 管家) found nothing. :func:`parts_map`
  lists, for each part (the words jieba's search mode finds inside the term,
  and the index's words inside it), the terms of the index holding it; the
  worker adds them to the query. Not a field of every section: that made the
  Chinese index 28 % larger at 2,000 page pairs (over the download target).
* **Chinese in English pages** (红色管家 quoted beside "Red Steward") is split
  with the same dictionary the Chinese pages were split with, so the words are
  tokens of the English index too.
* **Synonyms** (:func:`synonyms`): the term base's renderings in the other
  language and the variants it decides against, for the worker
  (``docs/assets/javascripts/workers/kb-search.js``), which rewrites a query
  the index cannot answer and says so ("showing results for …").

The segmentation is jieba's with the user dictionary written from the term
base (``kb.model.terms.write_jieba_dict``): the one Material's search plugin
split the pages with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from kb.model.terms import TermBase

from . import render_cache

KB_KEY = "kb"  # the key of the index config for our worker (Material ignores it)
ZWSP = "\u200b"
_HAN = re.compile(r"[\u3400-\u9fff]+")
_TAG_SPLIT = re.compile(r"(<[^<>]*>)")
_TAG = re.compile(r"<[^<>]*>")

Cut = Callable[[str], Iterable[str]]


def _jieba_search() -> Cut:
    import jieba  # the instance Material's search plugin loaded our user dictionary into

    return jieba.cut_for_search


_JIEBA_TOTAL: list[int] = []  # jieba's total frequency before this process loaded a user dictionary


def fresh_jieba() -> None:
    """Give the build starting the jieba dictionary of a new process. Material's
    search plugin loads our user dictionary at each build (and at the i18n
    plugin's nested one), and jieba adds the words' frequencies to its total at
    each load: in ``kb serve`` the total grew with every save, and the pages
    rendered again were segmented unlike a clean build's."""
    import jieba

    if not _JIEBA_TOTAL:
        jieba.dt.check_initialized()
        _JIEBA_TOTAL.append(jieba.dt.total)
    jieba.dt.total = _JIEBA_TOTAL[0]


def _jieba_cut() -> Cut:
    import jieba

    return jieba.cut


def _tokens(text: str, separator: re.Pattern) -> set[str]:
    return {t for t in separator.split(_TAG.sub(" ", text)) if t}


def parts_of(text: str, separator: re.Pattern, cut_for_search: Cut, vocabulary: set[str] = frozenset()) -> list[str]:
    """The words of two characters or more inside the Chinese tokens of
    ``text`` (HTML), each once, not the tokens themselves: those of jieba's
    search mode, and those that are tokens elsewhere in the index
    (``vocabulary``: the worker splits a query into the index's words, so
    老旧 of 老旧小区改造 is a part once 老旧 is a word of the index)."""
    tokens = _tokens(text, separator)
    out: dict[str, None] = {}
    for token in sorted(tokens):
        for run in _HAN.findall(token):
            if len(run) < 3:
                continue
            inside = [w for w in cut_for_search(run) if len(w) >= 2]
            inside += [run[i:j] for i in range(len(run)) for j in range(i + 2, len(run) + 1) if run[i:j] in vocabulary]
            for word in inside:
                if word != token and word not in tokens:
                    out[word] = None
    return list(out)


def parts_map(docs: list[dict], separator: str, compounds: set[str], cut_for_search: Cut | None = None) -> dict:
    """For the worker: each part (two characters or more) of a compound of the
    term base that occurs as a token in ``docs`` -> those compounds. The worker
    adds them to a query holding the part and credits their matches to it."""
    cut = cut_for_search or _jieba_search()
    rx = re.compile(separator)
    tokens = tuple(
        render_cache.memo(
            _HAN_TOKENS, (separator, doc.get("title", ""), doc.get("text", "")), lambda d=doc: _han_tokens(d, rx)
        )
        for doc in docs
    )  # the same objects for the same texts: the key of the map (kb serve asks after every save)
    dictionary = getattr(getattr(cut, "__self__", None), "total", None)  # jieba's: the same each build (fresh_jieba)
    key = (separator, frozenset(compounds), cut, dictionary, tokens)
    return render_cache.memo(_PARTS, key, lambda: _parts_map(tokens, rx, compounds, cut), limit=2)


_PARTS: dict = {}


def _parts_map(tokens: tuple[frozenset[str], ...], rx: re.Pattern, compounds: set[str], cut: Cut) -> dict:
    vocabulary: set[str] = set().union(*tokens)
    out: dict[str, list[str]] = {}
    for token in sorted(vocabulary & compounds):
        for part in parts_of(token, rx, cut, vocabulary):
            if not token.startswith(part):  # Material's trailing wildcard finds those already
                out.setdefault(part, []).append(token)
    return out


def _han_tokens(doc: dict, rx: re.Pattern) -> frozenset[str]:
    return frozenset(t for t in _tokens(doc.get("title", "") + " " + doc.get("text", ""), rx) if _HAN.fullmatch(t))


_HAN_TOKENS: dict = {}
_SEGMENTED: dict = {}


def split_chinese(docs: list[dict], cut: Cut | None = None) -> None:
    """Split the Chinese runs of the English sections into words (zero-width spaces)."""
    cut = cut or _jieba_cut()

    def seg(m: re.Match) -> str:
        return ZWSP.join(w for w in cut(m.group(0)) if w)

    def split(value: str) -> str:
        if not _HAN.search(value):
            return value
        return "".join(p if p.startswith("<") else _HAN.sub(seg, p) for p in _TAG_SPLIT.split(value))

    for doc in docs:
        for key in ("title", "text"):
            value = doc.get(key, "")
            if value:
                doc[key] = render_cache.memo(_SEGMENTED, (cut, value), lambda v=value: split(v))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", "".join(c for c in text if c not in "\"“”‘’'")).strip().lower()


def compounds(tb: TermBase) -> set[str]:
    """The Chinese words the user dictionary keeps whole (three characters or more)."""
    return {w for w in tb.jieba_words() if len(w) >= 3}


def synonyms(tb: TermBase, lang: str) -> dict:
    """For the worker of ``lang``'s index: ``syn`` maps a normalized query
    (lower case, no quotation marks) the term base knows to the term in this
    language (a variant decided against, a listed misspelling); ``pairs``
    lists every term as [zh, en] (the other language's rendering, the
    worker's partial English matches and one-character-off Chinese matches)."""
    syn: dict[str, str] = {}
    for t in tb.terms:
        target = t.zh if lang == "zh" else t.en_plain
        variants = [*t.wrong_zh, *t.wrong_en]  # the other language's rendering: in pairs
        for v in variants:
            key = _norm(v)
            if key and key != _norm(target):
                syn.setdefault(key, target)
    if lang == "zh":
        for wrong, right in tb.misspellings.items():
            syn.setdefault(_norm(wrong), right)
    return {"lang": lang, "syn": syn, "pairs": [[t.zh, t.en_plain] for t in tb.terms]}
