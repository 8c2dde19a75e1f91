"""The page index: every page of ``docs/`` read once and parsed once.

Parsed pages are kept in a content-addressed cache (like ruff's): a page whose
bytes have not changed since the last run is not parsed again, whichever
checker ran last. The cache is keyed by the SHA-1 of each file and by the
source of the parsing code itself, so a change to either invalidates it.
Set ``KB_NO_CACHE=1`` to bypass it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import posixpath
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import mdparse
from .mdparse import Doc, Link, base_path, doc_lang, lang_path, parse

@lru_cache(maxsize=1)
def _code_version() -> str:
    h = hashlib.sha1()
    for mod in (mdparse,):
        h.update(Path(mod.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def _cache_path(docs_dir: Path) -> Path:
    """Beside the docs folder, like .ruff_cache: <parent>/.cache/kb/parsed-<name>.pickle."""
    docs_dir = docs_dir.resolve()
    return docs_dir.parent / ".cache" / "kb" / f"parsed-{docs_dir.name}.pickle"


def _load_cache(path: Path) -> dict[str, tuple[str, Doc]]:
    try:
        with path.open("rb") as fh:
            version, entries = pickle.load(fh)
        return entries if version == _code_version() else {}
    except Exception:  # a missing, old or damaged cache is just a cold start
        return {}


def _save_cache(path: Path, entries: dict[str, tuple[str, Doc]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".parsed-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((_code_version(), entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout still checks, only slower


PARALLEL_FROM = 300  # pages: below this, starting worker processes costs more than it saves


def _parse_item(item: tuple[str, bytes]) -> Doc:
    return _parse_bytes(*item)


def _parse_all(items: list[tuple[str, bytes]]) -> list[Doc]:
    """Parse pages, on every core when there are many (a cold start on a big site)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_FROM or workers < 2:
        return [_parse_bytes(rel, data) for rel, data in items]
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(_parse_item, items, chunksize=max(16, len(items) // (workers * 4))))
    except (OSError, RuntimeError):  # no process support here: parse in this one
        return [_parse_bytes(rel, data) for rel, data in items]


def _parse_bytes(rel: str, data: bytes) -> Doc:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        d = Doc(rel_path=rel, text="")
        d.meta_error = mdparse.Finding(rel, 1, exc.start + 1, "KB002", "file is not valid UTF-8")
        return d
    return parse(rel, text)


@dataclass
class Site:
    docs_dir: Path
    docs: dict[str, Doc] = field(default_factory=dict)  # rel path -> Doc
    files: set[str] = field(default_factory=set)  # every file (posix, relative)

    @classmethod
    def load(cls, docs_dir: Path, cache: bool | None = None) -> "Site":
        docs_dir = Path(docs_dir)
        site = cls(docs_dir)
        if cache is None:
            cache = not os.environ.get("KB_NO_CACHE")
        cache_file = _cache_path(docs_dir)
        old = _load_cache(cache_file) if cache else {}
        new: dict[str, tuple[str, Doc]] = {}
        misses: list[tuple[str, bytes, str]] = []
        for path in sorted(docs_dir.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(docs_dir).as_posix()
            site.files.add(rel)
            if not rel.endswith(".md"):
                continue
            data = path.read_bytes()
            digest = hashlib.sha1(data).hexdigest()
            hit = old.get(rel)
            if hit and hit[0] == digest:
                new[rel] = hit
            else:
                misses.append((rel, data, digest))
        for (rel, _, digest), doc in zip(misses, _parse_all([(r, d) for r, d, _ in misses])):
            new[rel] = (digest, doc)
        for rel in sorted(new):
            site.docs[rel] = new[rel][1]
        changed = new.keys() != old.keys() or any(old[k][0] != v[0] for k, v in new.items())
        if cache and changed:
            _save_cache(cache_file, new)
        return site

    def bases(self) -> set[str]:
        return {d.base for d in self.docs.values()}

    def doc(self, base: str, lang: str) -> Doc | None:
        return self.docs.get(lang_path(base, lang))

    def resolve(self, doc: Doc, link: Link) -> str | None:
        """The file a relative link points to, as the i18n build resolves it.

        ``x.md`` from an English page means ``x.en.md`` when that exists.
        Returns None for external links; the raw joined path when missing.
        """
        if link.is_external or link.target.startswith("/"):
            return None
        if not link.path:
            return doc.rel_path
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc.rel_path), link.path))
        if joined.endswith(".md") and doc.lang != "zh" and not joined.endswith(f".{doc.lang}.md"):
            localized = lang_path(joined, doc.lang)
            if localized in self.docs:
                return localized
        return joined
