"""The term base: one YAML file, read by the build, the checkers and the tests.

``scripts/data/terms.yml`` holds every term once: ``id`` (ASCII slug, the
glossary anchor), ``zh``, ``en`` (the preferred rendering), ``own_rendering``,
``wrong_en`` / ``wrong_zh`` (renderings and variants the term base decides
against), ``def_zh`` / ``def_en``, ``source``, optional ``note`` and ``group``;
and a ``misspellings`` list of ``{wrong, right, except}``.

:func:`load` validates the file and raises :class:`TermBaseError` listing every
problem with its line. The compiled matchers (:meth:`TermBase.zh_regex`,
:meth:`TermBase.en_regex`, ...) are built once per term base and shared by the
checker and the tooltips: one regex per language, longest term first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from .paths import TERMS_FILE
from .yamlio import LOADER


class TermBaseError(Exception):
    """The term base cannot be read or is malformed."""


GROUPS = ("framework", "governance", "mechanism", "brand", "body")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "zh", "en", "def_zh", "def_en", "source")
_QUOTES = '"“”'
_KEY_TABLE = str.maketrans({'"': None, "“": None, "”": None, "’": "'"})


@dataclass
class Term:
    zh: str
    en: str
    id: str = ""
    own_rendering: bool = False
    wrong_en: list[str] = field(default_factory=list)
    wrong_zh: list[str] = field(default_factory=list)
    def_zh: str = ""
    def_en: str = ""
    source: str = ""
    note: str = ""
    group: str = ""

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def definition(self, lang: str) -> str:
        return self.def_zh if lang == "zh" else self.def_en

    @cached_property
    def en_plain(self) -> str:
        """The English rendering without its quotation marks."""
        return "".join(c for c in self.en if c not in _QUOTES)


_Q = '["“”]?'
_BEFORE = r"(?<![\w-])" + _Q
_AFTER = _Q + r"(?![\w-])"


def _en_body(text: str) -> str:
    plain = "".join(c for c in text if c not in _QUOTES).strip()
    parts = [re.escape(w).replace("'", "['’]") for w in plain.split()]
    body = (_Q + r"\s+" + _Q).join(parts)
    if body.endswith("s"):
        return body[:-1] + "(?:s|es)?"
    return body + "(?:s|es)?"


def en_pattern(text: str) -> str:
    """A regex source for an English rendering as it may appear in prose.

    Case is left to the caller (compile with ``re.I``); quotation marks of the
    rendering are optional (``"two randoms" inspections`` also matches
    ``two randoms inspections``), an apostrophe may be straight or curly, a
    plural ``s`` may be added or dropped at the end; word boundaries on both
    sides (a hyphen counts as part of a word).
    """
    return _BEFORE + _en_body(text) + _AFTER


@lru_cache(maxsize=4096)
def en_key(text: str) -> str:
    """What an English match is looked up by: lower case, no quotes, one space."""
    s = text.translate(_KEY_TABLE).lower()
    return " ".join(s.split()) if "  " in s or "\n" in s or "\t" in s else s


def _en_keys(text: str) -> set[str]:
    k = en_key(text)
    keys = {k, k + "s", k + "es"}
    if k.endswith("s"):
        keys.add(k[:-1])
    return keys


def _en_alternation(texts: list[str], lower: bool = False) -> re.Pattern:
    """One regex for many renderings: boundaries factored out of the
    alternation (30x faster than one lookbehind per alternative).

    ``lower``: a case-sensitive regex of the lower-cased renderings, for text
    that the caller lower-cases first (twice as fast as ``re.I``)."""
    if lower:
        texts = [t.lower() for t in texts]
    ordered = sorted(set(texts), key=lambda t: (-len(en_key(t)), t))
    if not ordered:
        return re.compile(r"(?!)")
    # A one-character look-ahead lets the engine skip, at almost no cost, the
    # positions where no rendering can start (about 1.5x faster on English pages).
    firsts = {c for t in ordered for c in t.lstrip(_QUOTES)[:1]} | set(_QUOTES)
    guard = "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
    return re.compile(
        guard + _BEFORE + "(?:" + "|".join(_en_body(t) for t in ordered) + ")" + _AFTER, 0 if lower else re.I
    )


def _spans(rx_lower: re.Pattern, rx_any_case: re.Pattern, text: str) -> list[tuple[int, int]]:
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer (İ): offsets would move
        return [m.span() for m in rx_any_case.finditer(text)]
    return [m.span() for m in rx_lower.finditer(low)]


def _zh_alternation(words: list[str]) -> re.Pattern:
    """Literal words in the order given (longest first). Python's ``re`` tries
    every alternative at every position; a look-ahead on the first characters
    skips the positions where no word starts (most of a page)."""
    if not words:
        return re.compile(r"(?!)")
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return re.compile(f"(?=[{firsts}])(?:" + "|".join(re.escape(w) for w in words) + ")")


@dataclass
class TermBase:
    terms: list[Term]
    misspellings: dict[str, str]
    misspelling_exceptions: dict[str, list[str]] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def by_id(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    def by_zh(self, zh: str) -> Term | None:
        return self._memo("by_zh", lambda: {t.zh: t for t in self.terms}).get(zh)

    def _memo(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def zh_regex(self) -> re.Pattern:
        """Every Chinese term, longest first (四联双报到 before 双报到)."""

        def build():
            words = sorted({t.zh for t in self.terms}, key=lambda w: (-len(w), w))
            return _zh_alternation(words)

        return self._memo("zh_regex", build)

    def en_regex(self) -> re.Pattern:
        """Every English rendering, longest first; see :meth:`term_of_en_match`."""
        return self._memo("en_regex", lambda: _en_alternation([t.en for t in self.terms]))

    def term_of_en_match(self, m: re.Match) -> Term | None:
        return self.term_of_en(m.group(0))

    def term_of_en(self, text: str) -> Term | None:
        """The term whose rendering ``text`` (a match of :meth:`en_regex`) is."""
        table = self._memo("en_keys", lambda: {k: t for t in reversed(self.terms) for k in _en_keys(t.en)})
        return table.get(en_key(text))

    def en_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every rendering in ``text``, as :meth:`en_regex` finds them."""
        rx = self._memo("en_regex_lower", lambda: _en_alternation([t.en for t in self.terms], lower=True))
        return _spans(rx, self.en_regex(), text)

    def wrong_en_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every rendering the term base decides against."""
        rx = self._memo(
            "wrong_en_regex_lower", lambda: _en_alternation([w for t in self.terms for w in t.wrong_en], lower=True)
        )
        return _spans(rx, self.wrong_en_regex(), text)

    def en_contains(self, term: Term) -> set[str]:
        """Ids of the terms whose rendering is part of ``term``'s (itself included):
        "six-standard residential areas" also stands for "six-standard"."""

        def build():
            out = {}
            for t in self.terms:
                out[t.id] = {
                    u.id
                    for u in self.terms
                    if len(u.en_plain) <= len(t.en_plain) and self.en_term_regex(u).search(t.en_plain)
                }
            return out

        return self._memo("en_contains", build)[term.id]

    def en_term_regex(self, term: Term) -> re.Pattern:
        return self._memo(("en1", term.id), lambda: re.compile(en_pattern(term.en), re.I))

    def wrong_zh_map(self) -> dict[str, tuple[str, str]]:
        """wrong Chinese form -> (right form, why), for TRM001."""

        def build():
            out: dict[str, tuple[str, str]] = {}
            for t in self.terms:
                for w in t.wrong_zh:
                    out[w] = (t.zh, f"the term is “{t.zh}” ({t.id})")
            for w, r in self.misspellings.items():
                out[w] = (r, f"misspelling of “{r}”")
            return out

        return self._memo("wrong_zh_map", build)

    def wrong_zh_regex(self) -> re.Pattern:
        """Wrong forms and their correct longer contexts (exceptions), longest first."""

        def build():
            words = set(self.wrong_zh_map())
            for exc in self.misspelling_exceptions.values():
                words.update(exc)
            return _zh_alternation(sorted(words, key=lambda w: (-len(w), w)))

        return self._memo("wrong_zh_regex", build)

    def wrong_en_regex(self) -> re.Pattern:
        return self._memo("wrong_en_regex", lambda: _en_alternation([w for t in self.terms for w in t.wrong_en]))

    def wrong_en_of(self, text: str) -> tuple[str, Term] | None:
        """The wrong rendering ``text`` (a match of :meth:`wrong_en_regex`) is, and its term."""
        table = self._memo(
            "wrong_en_keys", lambda: {k: (w, t) for t in self.terms for w in t.wrong_en for k in _en_keys(w)}
        )
        return table.get(en_key(text))

    def prepare(self) -> TermBase:
        """Compile every matcher the checker uses now (before worker processes
        fork: they inherit them instead of compiling their own)."""
        self.zh_regex(), self.wrong_zh_regex(), self.wrong_zh_map(), self.by_zh("")
        self.en_spans(""), self.wrong_en_spans(""), self.term_of_en(""), self.wrong_en_of("")
        if self.terms:
            self.en_contains(self.terms[0])
        return self

    def jieba_words(self) -> list[str]:
        """Every Chinese term and its parts: the jieba user dictionary's words."""
        words = set()
        for t in self.terms:
            words.add(t.zh)
            words.update(w for w in re.split(r"[/、]", t.zh) if w)
            # 党员突击（服务）队 -> also 党员突击队 (jieba cuts at brackets)
            bare = re.sub(r"[（(][^）)]*[）)]", "", t.zh)
            if bare != t.zh:
                words.add(bare)
        return sorted(w for w in words if w and not re.search(r"[\s（）()]", w))

    def jieba_dict(self) -> str:
        """A jieba user dictionary: every Chinese term is one token."""
        return "".join(f"{w} 100000 n\n" for w in self.jieba_words())


def _line_of(node, index: int) -> int | str:
    if node is None:
        return "?"  # not composed (no error so far)
    try:
        return node.value[index].start_mark.line + 1
    except (AttributeError, IndexError):
        return 0


def _section(root, key: str):
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == key:
                return v
    return None


def load(path: Path = TERMS_FILE) -> TermBase:
    """Read and validate the term base; every problem is listed in the error,
    with its line (the YAML node tree is composed only then)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TermBaseError(f"{path}: cannot read the term base: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise TermBaseError(f"{path}: expected a mapping with a 'terms' list")
    try:
        return _validated(path, data, None)
    except TermBaseError:
        return _validated(path, yaml.load(text, Loader=LOADER), yaml.compose(text, Loader=LOADER))


def _validated(path: Path, data: dict, root) -> TermBase:
    terms_node = _section(root, "terms")
    errors: list[str] = []
    terms: list[Term] = []
    known = set(Term.__dataclass_fields__)
    for i, raw in enumerate(data["terms"]):
        where = f"{path}:{_line_of(terms_node, i)}: term #{i + 1}"
        if not isinstance(raw, dict):
            errors.append(f"{where}: expected a mapping")
            continue
        if raw.get("id"):
            where += f" ({raw['id']})"
        missing = [k for k in _REQUIRED if not isinstance(raw.get(k), str) or not raw.get(k).strip()]
        if missing:
            errors.append(f"{where}: missing or empty {', '.join(repr(k) for k in missing)}")
            continue
        unknown = sorted(set(raw) - known)
        if unknown:
            errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        if not _ID.match(raw["id"]):
            errors.append(f"{where}: id {raw['id']!r} must be an ASCII slug (a-z, 0-9, '-')")
        for k in ("wrong_en", "wrong_zh"):
            v = raw.get(k, [])
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                errors.append(f"{where}: {k!r} must be a list of strings")
                raw[k] = []
        if not isinstance(raw.get("own_rendering", False), bool):
            errors.append(f"{where}: 'own_rendering' must be true or false")
        if raw.get("group", "") and raw["group"] not in GROUPS:
            errors.append(f"{where}: group {raw['group']!r} is not one of {', '.join(GROUPS)}")
        terms.append(Term(**{k: v for k, v in raw.items() if k in known}))

    miss: dict[str, str] = {}
    exceptions: dict[str, list[str]] = {}
    miss_node = _section(root, "misspellings")
    for i, m in enumerate(data.get("misspellings") or []):
        where = f"{path}:{_line_of(miss_node, i)}: misspelling #{i + 1}"
        if (
            not isinstance(m, dict)
            or not isinstance(m.get("wrong"), str)
            or not isinstance(m.get("right"), str)
            or not m["wrong"]
            or not m["right"]
        ):
            errors.append(f"{where}: needs 'wrong' and 'right'")
            continue
        if m["wrong"] == m["right"]:
            errors.append(f"{where}: 'wrong' and 'right' are the same")
        if m["wrong"] in miss:
            errors.append(f"{where}: {m['wrong']!r} is listed twice")
        exc = m.get("except") or []
        if not isinstance(exc, list) or not all(isinstance(x, str) and m["wrong"] in x for x in exc):
            errors.append(f"{where}: 'except' must list longer correct words that contain {m['wrong']!r}")
            exc = []
        miss[m["wrong"]] = m["right"]
        exceptions[m["wrong"]] = exc

    # uniqueness: one name for one thing
    for attr, fold in (("id", str), ("zh", str), ("en", lambda s: s.lower())):
        seen: dict[str, Term] = {}
        for t in terms:
            key = fold(getattr(t, attr))
            if key in seen:
                errors.append(f"{path}: {attr} {getattr(t, attr)!r} is used by both {seen[key].id!r} and {t.id!r}")
            seen[key] = t
    # a wrong form must never be part of a correct term
    all_zh = [t.zh for t in terms]
    for t in terms:
        for w in t.wrong_zh:
            hits = [z for z in all_zh if w in z]
            if hits:
                errors.append(f"{path}: wrong_zh {w!r} of {t.id!r} is (part of) the real term {hits[0]!r}")
        for w in t.wrong_en:
            rx = re.compile(en_pattern(w), re.I)
            hits = [o.en for o in terms if rx.search(o.en_plain)]
            if hits:
                errors.append(f"{path}: wrong_en {w!r} of {t.id!r} matches the rendering {hits[0]!r}")
    for w in miss:
        hits = [z for z in all_zh if w in z]
        if hits:
            errors.append(f"{path}: misspelling {w!r} is part of the real term {hits[0]!r}")
    if errors:
        raise TermBaseError("the term base is malformed:\n  " + "\n  ".join(errors))
    return TermBase(terms, miss, exceptions)


def write_jieba_dict(tb: TermBase, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    content = tb.jieba_dict()
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return path
