"""Case sets (``docs/sets/<id>.md``): what a set item refers to, and what is
wrong with a reference. Shared by the checker (XRF060-XRF066), the build (the
set page, "used in sets") and ``kb make-set``.

An item's ``ref`` names a Chinese page of a collection or of the course by
its docs-relative path, optionally with a section: ``cases/lz-liunan-red-steward.md#method``.
The English set uses the same reference; the build links the English page.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .tree import LANGS, id_problem

SETS = "sets"
# what an item may refer to: these collections and the course modules
ITEM_FOLDERS = ("cases", "playbooks", "policies", "course")
_SEGMENT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_OTHER_LANG = tuple(f".{lang}.md" for lang in LANGS[1:])


@dataclass(frozen=True)
class RefProblem:
    code: str
    message: str


@dataclass(frozen=True)
class Ref:
    base: str  # "cases/lz-liunan-red-steward.md"
    anchor: str | None  # "method"

    @property
    def folder(self) -> str:
        return self.base.split("/", 1)[0]

    @property
    def ident(self) -> str:
        return self.base.split("/", 1)[1][: -len(".md")]


def parse_ref(ref: object, set_id: str = "") -> Ref | RefProblem:
    """The page and section an item refers to, or why the reference cannot be
    one (path characters, another language's file, the set itself)."""
    if not isinstance(ref, str) or not ref.strip():
        return RefProblem("XRF066", f"reference {ref!r}: expected 'FOLDER/ID.md' or 'FOLDER/ID.md#SECTION'")
    path, _, anchor = ref.partition("#")
    if path.endswith(_OTHER_LANG):
        plain = path[: path.rindex(".", 0, -3)] + ".md"
        return RefProblem(
            "XRF064",
            f"reference '{ref}' points at the page of another language: write '{plain}'"
            " (the English set links the English page by itself)",
        )
    parts = path.split("/")
    if (
        len(parts) != 2
        or not path.endswith(".md")
        or not _SEGMENT.fullmatch(parts[0])
        or not _SEGMENT.fullmatch(parts[1][: -len(".md")])
    ):
        return RefProblem(
            "XRF066",
            f"reference '{ref}': an ID is lower-case ASCII words joined by '-', without path characters"
            " ('/', '..', '\\', ':'); write 'FOLDER/ID.md#SECTION' (e.g. cases/lz-liunan-red-steward.md#method)",
        )
    folder, ident = parts[0], parts[1][: -len(".md")]
    if folder == SETS and ident == set_id:
        return RefProblem("XRF065", f"reference '{ref}': a set cannot contain itself")
    if folder not in ITEM_FOLDERS:
        return RefProblem(
            "XRF066", f"reference '{ref}': an item refers to a page of {', '.join(f + '/' for f in ITEM_FOLDERS)}"
        )
    if anchor == "" and "#" in ref:
        return RefProblem("XRF062", f"reference '{ref}': empty section after '#'")
    return Ref(path, anchor or None)


def resolve(
    ref: Ref, bases: set[str], aliases: Mapping[str, str], anchors: Callable[[str], set[str] | None]
) -> tuple[str | None, RefProblem | None]:
    """The page ``ref`` names (following a former ID kept in ``aliases``:
    ``{"cases/old.md": "cases/new.md"}``) and what is wrong: XRF061 no such
    page, XRF063 an ID that looks renamed with no alias left behind, XRF062 no
    such section (``anchors(base)`` gives the section IDs of the page in the
    reader's language, None when unknown)."""
    base = ref.base if ref.base in bases else aliases.get(ref.base)
    if base is None:
        peers = sorted(b.split("/", 1)[1][: -len(".md")] for b in bases if b.startswith(ref.folder + "/"))
        close = difflib.get_close_matches(ref.ident, [p for p in peers if p != "index"], n=1, cutoff=0.6)
        if close and ref.folder != "course":
            return None, RefProblem(
                "XRF063",
                f"reference '{ref.base}': no page has the ID '{ref.ident}'; if it was renamed to '{close[0]}',"
                f" refer to '{ref.folder}/{close[0]}.md' and add '{ref.ident}' to that page's 'aliases'"
                " (the build then leaves a redirect at the old address)",
            )
        return None, RefProblem("XRF061", f"reference '{ref.base}': no such page in docs/")
    if ref.anchor is not None:
        ids = anchors(base)
        if ids is not None and ref.anchor not in ids:
            return base, RefProblem(
                "XRF062", f"reference '{ref.base}#{ref.anchor}': '{base}' has no section '#{ref.anchor}'"
            )
    return base, None


def alias_map(metas: Mapping[str, Mapping]) -> dict[str, str]:
    """``{"cases/old-id.md": "cases/new-id.md"}`` from the pages' ``aliases``
    (``metas``: language-neutral base -> front matter)."""
    out = {}
    for base, meta in metas.items():
        folder = base.split("/", 1)[0]
        for alias in (meta.get("aliases") or []) if isinstance(meta.get("aliases"), list) else []:
            if id_problem(alias) is None:
                out.setdefault(f"{folder}/{alias}.md", base)
    return out


def items(meta: Mapping) -> list[dict]:
    """The well-formed items of a set's front matter (mappings only)."""
    raw = meta.get("items")
    return [i for i in raw if isinstance(i, dict)] if isinstance(raw, list) else []


def sets_using(set_metas: Mapping[str, Mapping], bases: set[str], aliases: Mapping[str, str]) -> dict[str, list[str]]:
    """Which sets use each page: target base -> sorted set bases."""
    out: dict[str, set[str]] = {}
    for set_base, meta in set_metas.items():
        set_id = set_base.split("/", 1)[1][: -len(".md")]
        for item in items(meta):
            ref = parse_ref(item.get("ref"), set_id)
            if isinstance(ref, Ref):
                target, _ = resolve(ref, bases, aliases, lambda b: None)
                if target:
                    out.setdefault(target, set()).add(set_base)
    return {k: sorted(v) for k, v in out.items()}


def check_items(
    set_id: str,
    meta: Mapping,
    bases: set[str],
    aliases: Mapping[str, str],
    anchors: Callable[[str], set[str] | None],
) -> Iterable[tuple[int, RefProblem]]:
    """(item index, problem) for every item of one set."""
    for i, item in enumerate(items(meta)):
        ref = parse_ref(item.get("ref"), set_id)
        if isinstance(ref, RefProblem):
            yield i, ref
            continue
        _, problem = resolve(ref, bases, aliases, anchors)
        if problem is not None:
            yield i, problem
