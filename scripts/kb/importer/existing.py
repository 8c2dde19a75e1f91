"""The case pages already in docs/: the IDs and aliases they hold, and whether
the importer may replace them (``--update``, ``--force-overwrite``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.mdparse import parse_front_matter
from ..model.tree import collection_of, stem_of
from ..model.yamlio import LOADER
from .pages import digest_state

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass
class Existing:
    owners: dict[str, str] = field(default_factory=dict)  # id or alias -> the page that holds it
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # page -> its front matter
    broken: dict[str, str] = field(default_factory=dict)  # page -> why its front matter cannot be trusted


def read_front_matter(rel: str, text: str) -> tuple[dict[str, Any], list[str], str | None]:
    """(front matter, the aliases under every ``aliases:`` key, what is wrong with it):
    a key given twice is wrong (YAML keeps the last one silently)."""
    meta, _, error, _ = parse_front_matter(rel, text)
    if error is not None:
        return {}, [], error.message
    aliases = [str(a) for a in meta.get("aliases") or [] if isinstance(meta.get("aliases"), list)]
    m = _FRONT_MATTER.match(text)
    node = yaml.compose(m.group(1), Loader=LOADER) if m and m.group(1) else None
    problem, lines = None, {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 2
            if key in lines and problem is None:
                problem = f"front matter key '{key}' twice (lines {lines[key]} and {line})"
            lines.setdefault(key, line)
            if key == "aliases" and isinstance(value, yaml.SequenceNode):
                aliases += [str(v.value) for v in value.value if isinstance(v, yaml.ScalarNode)]
    return meta, list(dict.fromkeys(aliases)), problem


def scan(docs: Path) -> Existing:
    """Every case page: its ID (the file name) and aliases belong to the Chinese
    page, or to the English page when there is no Chinese one."""
    out = Existing()
    for path in sorted((docs / "cases").glob("*.md")):
        rel = path.relative_to(docs).as_posix()
        if collection_of(rel) != "cases":
            continue
        meta, aliases, problem = read_front_matter(rel, path.read_text(encoding="utf-8"))
        out.meta[rel] = meta
        if problem:
            out.broken[rel] = problem
        english_only = rel.endswith(".en.md") and not (docs / "cases" / f"{stem_of(rel)}.md").is_file()
        if rel.endswith(".en.md") and not english_only:
            continue
        out.owners[stem_of(rel)] = rel
        for alias in aliases:
            out.owners.setdefault(alias, rel)
    return out


def replace_problems(docs: Path, existing: Existing, cid: str, force: bool) -> tuple[list[str], set[str]]:
    """Why the pages of ``cid`` may not be replaced (``--update``), and the pages
    to keep as they are (a reviewed English translation, without ``--force-overwrite``)."""
    problems, keep = [], set()
    for rel in (f"cases/{cid}.md", f"cases/{cid}.en.md"):
        path = docs / rel
        if not path.is_file():
            continue
        if rel in existing.broken:
            problems.append(f"{rel}: {existing.broken[rel]}; fix the page first")
            continue
        if force:
            continue
        if rel.endswith(".en.md") and existing.meta.get(rel, {}).get("untranslated") is not True:
            keep.add(rel)  # a reviewed translation
            continue
        state = digest_state(path.read_text(encoding="utf-8"))
        if state == "changed":
            problems.append(f"{rel} was changed since it was imported; give --force-overwrite to replace it")
        elif state == "not imported":
            problems.append(
                f"{rel} was not written by the importer (it has no import_digest); give --force-overwrite to replace it"
            )
    return problems, keep
