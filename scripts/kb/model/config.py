"""What ``mkdocs.yml`` and ``scripts/data/single-language.yml`` say about the docs tree.

The navigation (with the line and column of every entry, for findings), the
pages left out of it, the course modules in navigation order, and the pages
that exist in one language only (each with its reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .findings import Finding
from .paths import ROOT
from .tree import SINGLE_LANGUAGE_FILE, base_path, doc_lang, lang_path
from .yamlio import TolerantLoader, compose_and_load


@dataclass
class NavEntry:
    path: str  # docs-relative
    line: int
    col: int


@dataclass
class MkdocsConfig:
    path: str  # as displayed
    nav: list[NavEntry] | None = None  # None: no nav key (MkDocs then lists every page)


class ConfigError(ValueError):
    """mkdocs.yml cannot be read: the message is ``path:line:col: what``."""


def load_config(path: Path, display: str) -> MkdocsConfig:
    try:
        text = Path(path).read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=TolerantLoader)  # composing never constructs tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise ConfigError(f"{display}:{where}: malformed YAML: {exc.problem or exc.context}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{display}: cannot read: {exc}") from exc
    cfg = MkdocsConfig(display)
    if not isinstance(node, yaml.MappingNode):
        return cfg
    for key, value in node.value:
        if key.value == "nav":
            cfg.nav = []
            _walk_nav(value, cfg.nav)
    return cfg


def _walk_nav(node: yaml.Node, out: list[NavEntry]) -> None:
    if isinstance(node, yaml.ScalarNode):
        v = str(node.value)
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", v) and not v.startswith("/"):
            out.append(NavEntry(v, node.start_mark.line + 1, node.start_mark.column + 1))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk_nav(item, out)
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            _walk_nav(value, out)


def load_single_language(path: Path, display: str) -> tuple[dict[str, str], list[Finding]]:
    entries, _lines, findings = load_single_language_lines(path, display)
    return entries, findings


def load_single_language_lines(path: Path, display: str) -> tuple[dict[str, str], dict[str, int], list[Finding]]:
    """``{docs-relative path: reason}`` from single-language.yml.

    Format::

        pages:
          - path: about/legal-notice.md
            reason: a Chinese legal text with no official translation
    """
    findings: list[Finding] = []
    text = Path(path).read_text(encoding="utf-8")
    try:
        node = node, data = compose_and_load(text)
        data = data or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return (
            {},
            {},
            [
                Finding(
                    display,
                    (mark.line + 1) if mark else 1,
                    (mark.column + 1) if mark else 1,
                    "XRF022",
                    f"malformed YAML: {exc.problem}",
                )
            ],
        )
    entries: dict[str, str] = {}
    entries_lines: dict[str, int] = {}
    pages = data.get("pages") if isinstance(data, dict) else None
    nodes = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == "pages" and isinstance(v, yaml.SequenceNode):
                nodes = v.value
    if pages is None:
        pages = []
    if not isinstance(pages, list):
        return {}, {}, [Finding(display, 1, 1, "XRF022", "expected 'pages:' with a list of {path, reason}")]
    for i, item in enumerate(pages):
        line = nodes[i].start_mark.line + 1 if i < len(nodes) else 1
        if not isinstance(item, dict) or not item.get("path"):
            findings.append(Finding(display, line, 1, "XRF022", "entry without 'path'"))
            continue
        reason = str(item.get("reason") or "").strip()
        if not reason:
            findings.append(Finding(display, line, 1, "XRF022", f"entry '{item['path']}' gives no 'reason'"))
        entries[str(item["path"])] = reason or "?"
        entries_lines[str(item["path"])] = line
    return entries, entries_lines, findings


def nav_pages(nav: object) -> list[str]:
    """The docs-relative pages of a navigation as MkDocs loads it (nested
    lists of ``{title: path or list}`` and paths), in its order, each once."""
    seen: dict[str, None] = {}

    def walk(node: object) -> None:
        if isinstance(node, str):
            if node.endswith(".md"):
                seen.setdefault(node.removeprefix("./"), None)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(nav)
    return list(seen)


LANG_NAMES = {"zh": "Chinese", "en": "English"}


def missing_counterpart(rel: str, missing_lang: str, single_display: str = SINGLE_LANGUAGE_FILE) -> Finding:
    """XRF020 for the page ``rel`` that has no page in ``missing_lang`` (the
    checker and the build report it in these same words)."""
    missing = lang_path(base_path(rel), missing_lang)
    return Finding(
        rel,
        1,
        1,
        "XRF020",
        f"no {LANG_NAMES.get(missing_lang, missing_lang)} counterpart '{missing}': the {missing_lang} site would "
        f"show the {LANG_NAMES.get(doc_lang(rel), doc_lang(rel))} page (add it, or list this page in "
        f"{single_display} with a reason)",
    )


@lru_cache(maxsize=4)
def single_language_pages(root: Path = ROOT) -> frozenset[str]:
    """The pages listed in single-language.yml (empty when there is no such file)."""
    path = root / SINGLE_LANGUAGE_FILE
    if not path.exists():
        return frozenset()
    entries, _ = load_single_language(path, SINGLE_LANGUAGE_FILE)
    return frozenset(entries)
