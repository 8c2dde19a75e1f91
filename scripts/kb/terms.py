"""The term base: one YAML file, read by the build, the checkers and the tests."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .paths import TERMS_FILE


class TermBaseError(Exception):
    """The term base cannot be read or is malformed."""


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

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def definition(self, lang: str) -> str:
        return self.def_zh if lang == "zh" else self.def_en


@dataclass
class TermBase:
    terms: list[Term]
    misspellings: dict[str, str]

    def jieba_dict(self) -> str:
        """A jieba user dictionary: every Chinese term is one token."""
        words = {t.zh for t in self.terms}
        for t in self.terms:
            words.update(w for w in re.split(r"[/、]", t.zh) if w)
        return "".join(f"{w} 100000 n\n" for w in sorted(words) if " " not in w)


def load(path: Path = TERMS_FILE) -> TermBase:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TermBaseError(f"{path}: cannot read the term base: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise TermBaseError(f"{path}: expected a mapping with a 'terms' list")
    terms = []
    for i, raw in enumerate(data["terms"]):
        if not isinstance(raw, dict) or not raw.get("zh") or not raw.get("en"):
            raise TermBaseError(f"{path}: term #{i + 1} needs 'zh' and 'en'")
        known = {k: v for k, v in raw.items() if k in Term.__dataclass_fields__}
        terms.append(Term(**known))
    miss = {m["wrong"]: m["right"] for m in data.get("misspellings") or []}
    return TermBase(terms, miss)


def write_jieba_dict(tb: TermBase, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    content = tb.jieba_dict()
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return path
