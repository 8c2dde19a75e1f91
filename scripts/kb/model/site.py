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
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import cache as cachefile
from . import mdparse, tree, yamlio
from .mdparse import Doc, Link, parse
from .tree import DEFAULT_LANG, base_path, doc_lang, join_link, lang_path, localized_target


@lru_cache(maxsize=1)
def _code_version() -> str:
    h = hashlib.sha1()
    for mod in (mdparse, tree, yamlio, cachefile):
        h.update(Path(mod.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def source_digest(*parts: Path | str | bytes) -> str:
    """A short digest of files (by content) and strings: a task's ``version``."""
    h = hashlib.sha1()
    for part in parts:
        if isinstance(part, Path):
            try:
                h.update(part.read_bytes())
            except OSError:
                h.update(b"<missing>")
        else:
            h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class PageTask:
    """Per-page work done where the page is parsed and cached with it.

    ``fn(page, chinese)`` gets the parsed page and, for an English page, its
    Chinese counterpart (None for a Chinese page or when there is none). Its
    result must pickle (it comes back from worker processes) and be made of
    plain data and the classes named in ``types`` (the cache makes no others).
    ``version`` is everything the result depends on apart
    from the page(s): the digest of the rule code and of the data it reads,
    so that an edited term base or rule re-runs the task on every page.
    On a cold start the tasks run in the worker processes that parse.
    """

    name: str
    version: str
    fn: Callable[[Doc, Doc | None], Any]
    types: tuple[type, ...] = ()  # the data classes the result is made of (the cache makes only these)


def _cache_path(docs_dir: Path) -> Path:
    """Beside the docs folder, like .ruff_cache: <parent>/.cache/kb/parsed-<name>.jsonl."""
    docs_dir = docs_dir.resolve()
    return docs_dir.parent / ".cache" / "kb" / f"parsed-{docs_dir.name}.jsonl"


# rel path -> (digest of the file, Doc, {task name: (task key, result)})
Entry = tuple[str, Doc, dict[str, tuple[str, Any]]]


@dataclass(frozen=True)
class _Raw:
    """A cached task result of a task this run does not use: kept as read."""

    data: Any


def _load_cache(path: Path, tasks: tuple[PageTask, ...]) -> dict[str, Entry]:
    model_types = {t.__name__: t for t in cachefile.MODEL_TYPES}
    task_types = {t.name: {**model_types, **{c.__name__: c for c in t.types}} for t in tasks}
    out: dict[str, Entry] = {}
    for rel, payload in cachefile.read(path, _code_version()).items():
        try:
            doc = cachefile.decode(payload["doc"], model_types)
            if not isinstance(doc, Doc) or doc.rel_path != rel:
                continue
            done: dict[str, tuple[str, Any]] = {}
            for name, (key, result) in payload["tasks"].items():
                try:
                    done[name] = (
                        key,
                        cachefile.decode(result, task_types[name]) if name in task_types else _Raw(result),
                    )
                except (cachefile.CacheError, TypeError, ValueError):
                    continue  # re-run this task
            out[rel] = (payload["digest"], doc, done)
        except (cachefile.CacheError, KeyError, TypeError, ValueError):
            continue  # a miss: parsed again
    return out


def _save_cache(path: Path, entries: dict[str, Entry]) -> None:
    def payloads():
        for rel, (digest, doc, done) in sorted(entries.items()):
            try:
                tasks = {
                    name: [key, result.data if isinstance(result, _Raw) else cachefile.encode(result)]
                    for name, (key, result) in done.items()
                }
                yield rel, {"digest": digest, "doc": cachefile.encode(doc), "tasks": tasks}
            except cachefile.CacheError:
                continue  # not cached: computed again next time

    cachefile.write(path, _code_version(), payloads())


# Below this many pages to parse, starting worker processes costs more than
# it saves (measured on 2 cores: forking is cheap, the docs come back pickled).
PARALLEL_FROM = 60

# The tasks of the running load, for forked workers (they inherit it; a
# closure over a term base does not pickle, and need not).
_TASKS: tuple[PageTask, ...] = ()


def _task_key(task: PageTask, zh_digest: str | None) -> str:
    return task.version + (":" + zh_digest if zh_digest else "")


def _work(unit: list[tuple[str, bytes | None, Doc | None, list[str]]]) -> list[tuple[Doc, dict[str, Any]]]:
    """Parse the pages of one base (Chinese first) and run their missing tasks."""
    tasks = {t.name: t for t in _TASKS}
    out: list[tuple[Doc, dict[str, Any]]] = []
    zh_doc: Doc | None = None
    for rel, data, doc, names in unit:
        if doc is None:
            doc = _parse_bytes(rel, data or b"")
        if doc_lang(rel) == DEFAULT_LANG:
            zh_doc = doc
        counterpart = zh_doc if doc_lang(rel) != DEFAULT_LANG else None
        out.append((doc, {n: tasks[n].fn(doc, counterpart) for n in names}))
    return out


def _run_units(units: list[list], pages: int) -> list[list[tuple[Doc, dict[str, Any]]]]:
    """Run work units, on every core when there are many pages (a cold start on a big site)."""
    workers = min(os.cpu_count() or 1, 8)
    import multiprocessing

    if pages < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_work(u) for u in units]
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_work, units, chunksize=max(4, len(units) // (workers * 8))))
    except (OSError, RuntimeError):  # no process support here: do it in this one
        return [_work(u) for u in units]


def _parse_bytes(rel: str, data: bytes) -> Doc:
    try:
        text = mdparse.decode_page(data)
    except UnicodeDecodeError as exc:
        d = Doc(rel_path=rel, text="")
        d.meta_error = mdparse.Finding(rel, 1, exc.start + 1, "KB002", "file is not valid UTF-8")
        return d
    return parse(rel, text)


class UnreadableError(OSError):
    """A file or folder of the docs that cannot be read (the tools exit 2 and name it)."""


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableError(exc.errno, f"{path}: cannot read: {exc.strerror or exc}") from exc


def walk_files(root: Path) -> list[str]:
    """Every file under ``root`` (posix paths relative to it, sorted), following
    links to folders as MkDocs does. An unreadable folder or a link that loops
    back is an :class:`UnreadableError`, never a silent skip."""
    root = Path(root)
    out: list[str] = []
    seen: set[str] = set()

    def fail(exc: OSError) -> None:
        raise UnreadableError(exc.errno, f"{exc.filename}: cannot read: {exc.strerror or exc}") from exc

    for dirpath, dirnames, filenames in os.walk(root, onerror=fail, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            raise UnreadableError(40, f"{dirpath}: a symbolic link loops back to {real}: remove the link")
        seen.add(real)
        dirnames.sort()
        rel_dir = Path(dirpath).relative_to(root)
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_symlink() and not path.exists():
                raise UnreadableError(2, f"{path}: cannot read: a broken symbolic link")
            out.append((rel_dir / name).as_posix())
    return sorted(out)


@dataclass
class Site:
    docs_dir: Path
    docs: dict[str, Doc] = field(default_factory=dict)  # rel path -> Doc
    files: set[str] = field(default_factory=set)  # every file (posix, relative)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # task name -> rel path -> result
    _resolved: dict[tuple[str, str, str], str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, docs_dir: Path, cache: bool | None = None, tasks: Iterable[PageTask] = ()) -> Site:
        """Read every file once; parse the pages and run ``tasks`` on them,
        from the cache where a page (and, for an English page, its Chinese
        page) has not changed since the last run."""
        global _TASKS
        docs_dir = Path(docs_dir)
        tasks = tuple(tasks)
        site = cls(docs_dir, results={t.name: {} for t in tasks})
        if cache is None:
            cache = not os.environ.get("KB_NO_CACHE")
        cache_file = _cache_path(docs_dir)
        old = _load_cache(cache_file, tasks) if cache else {}
        data: dict[str, bytes] = {}
        digests: dict[str, str] = {}
        for rel in walk_files(docs_dir):
            site.files.add(rel)
            if rel.endswith(".md"):
                data[rel] = read_bytes(docs_dir / rel)
                digests[rel] = hashlib.sha1(data[rel]).hexdigest()

        new: dict[str, Entry] = {}
        by_base: dict[str, list[str]] = {}
        for rel in data:
            by_base.setdefault(base_path(rel), []).append(rel)
        units, pending = [], 0
        for base, rels in by_base.items():
            rels.sort(key=lambda r: doc_lang(r) != DEFAULT_LANG)  # Chinese first
            zh_digest = digests.get(base) if base in data else None
            unit, work = [], False
            for rel in rels:
                hit = old.get(rel)
                doc = hit[1] if hit and hit[0] == digests[rel] else None
                done = dict(hit[2]) if doc is not None else {}
                missing = []
                for t in tasks:
                    key = _task_key(t, zh_digest if doc_lang(rel) != DEFAULT_LANG else None)
                    if done.get(t.name, ("",))[0] != key:
                        missing.append(t.name)
                new[rel] = (digests[rel], doc, done)  # type: ignore[arg-type]
                work = work or doc is None or bool(missing)
                unit.append((rel, None if doc is not None else data[rel], doc, missing))
            if work:
                # a Chinese page is always passed on: an English page's tasks need it
                units.append(unit)
                pending += len(unit)
        _TASKS = tasks
        try:
            computed = _run_units(units, pending)
        finally:
            _TASKS = ()
        for unit, results in zip(units, computed):
            for (rel, _, _, _names), (doc, res) in zip(unit, results):
                digest, _, done = new[rel]
                zh = base_path(rel)
                zh_digest = digests.get(zh) if doc_lang(rel) != DEFAULT_LANG and zh in data else None
                for t in tasks:
                    if t.name in res:
                        done[t.name] = (_task_key(t, zh_digest), res[t.name])
                new[rel] = (digest, doc, done)
        for rel in sorted(new):
            _, doc, done = new[rel]
            site.docs[rel] = doc
            for t in tasks:
                site.results[t.name][rel] = done[t.name][1]
        if cache and (units or new.keys() != old.keys()):
            _save_cache(cache_file, new)
        return site

    def result(self, task: str, rel: str, default: Any = None) -> Any:
        """What ``task`` gave for page ``rel`` (when the load ran it)."""
        return self.results.get(task, {}).get(rel, default)

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
        key = (posixpath.dirname(doc.rel_path), link.path, doc.lang)
        hit = self._resolved.get(key)
        if hit is None:
            hit = localized_target(join_link(doc.rel_path, link.path), doc.lang, self.docs.__contains__)
            self._resolved[key] = hit  # pages of one folder link to the same few pages
        return hit
