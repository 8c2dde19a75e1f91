"""The render cache across builds: a page's Markdown rendered to HTML once,
reused by every later build (and preview rebuild) whose input is the same.

What a cached entry stands for is exactly the input of MkDocs' render of one
page, hashed into its key:

* the page's Markdown *as rendered*, i.e. after every hook of
  ``on_page_markdown`` (our generated sections, citations, the i18n plugin's
  admonition titles): whatever those depend on is in the text itself;
* the page's source path, URL and output path;
* the files of the language being built, each with its URL (relative links,
  link and anchor validation depend on them): adding, deleting or renaming a
  page changes this for every page;
* a *global* key: the config file and what it INHERITs (``mkdocs.yml``),
  everything under ``scripts/`` (our code, the term base, the schemas) and
  the theme's ``custom_dir`` (``overrides/``), the Markdown extensions and
  their options, the versions of Python and of the packages that render, and
  the language being built. What we could not track page by page is here.

Everything after the render ("referenced by", stale-translation notices,
tooltips, the navigation) runs on every build from the (cached or fresh)
render, so it always reflects the whole tree. Three more things are kept under
keys of everything they read: a page's search entries (URL, title, front
matter, content, table of contents: the jieba segmentation is the most
expensive part of indexing), its HTML transforms (the rendered page, its
path, URL and language) and its page from the theme's template
(:func:`kb.build.incremental.template_key`: navigation, page, context), each
also under the global key; and QR codes (:func:`remember`).

A render that logged anything (a warning that fails the strict build, or an
info) is never stored, so a cached render can never hide a message. Entries
are files under ``.cache/kb/render/``, named by their key: a JSON line with the
key, the name of the payload's longest text and the SHA-256 of that name and
all that follows, then the other fields as one JSON line, then that text as its UTF-8 bytes (a page's
HTML is neither escaped when written nor parsed when read); anything that does
not decode or match is a miss. Set
``KB_NO_CACHE=1`` (``kb build --no-cache``) to bypass the cache.

The cache holds what the last :data:`KEEP_BUILDS` full builds used: each
lists the keys it read or wrote under ``builds/`` and, at its end, removes
every entry neither its list nor the newest other one names
(:meth:`Store.finish`). A change of code, template or config keys every entry
anew, so without this the cache would grow by a whole site's entries at each
(CI keeps it between pipelines). Partial builds of ``kb serve``, ``--dirty``
builds and any full build after the first in one process remove nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from ..model.paths import SCRIPTS

VERSION = "3"  # of the entry format (3: a line of key, checksum and raw field, the rest as JSON, the raw field)
PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "mkdocs-static-i18n",
    "pymdown-extensions",
    "Markdown",
    "Pygments",
    "jieba",
    "backrefs",
    "segno",
)
ENV_OFF = "KB_NO_CACHE"
KEEP_BUILDS = 2  # full builds whose entries are kept: this one and the one before (two branches, two configs)
STALE_TMP = 3600.0  # seconds after which a half-written entry (a build killed while writing) is removed


def disabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip() not in ("", "0")


def _sha(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return h.hexdigest()


sha = _sha


def tree_digest(root: Path, names: Iterable[str]) -> str:
    """Every file under ``root/<name>`` (path and content), caches excluded."""
    h = hashlib.sha256()
    for name in names:
        base = root / name
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".cache", ".pytest_cache"))
            for f in sorted(filenames):
                if f.endswith((".pyc", ".pyo")):
                    continue
                p = Path(dirpath) / f
                h.update(_sha(p.relative_to(root).as_posix(), p.read_bytes()).encode())
    return h.hexdigest()


def _versions() -> str:
    out = [sys.version]
    for name in PACKAGES:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} absent")
    return "\n".join(out)


def _plain(value: Any) -> Any:
    """A stable rendering of extension options (functions by their qualified
    name and arguments, never by their address)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    func = getattr(value, "func", None)  # functools.partial
    if func is not None:
        return [_plain(func), _plain(getattr(value, "args", ())), _plain(getattr(value, "keywords", {}))]
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"{getattr(value, '__module__', '')}.{name}:{getattr(value, '__kwdefaults__', None)!r}"


_INHERIT = re.compile(r"^INHERIT:\s*(.+?)\s*$", re.M)


def config_chain(config_file: Path) -> list[Path]:
    """The config file and the files it INHERITs from, in order."""
    out: list[Path] = []
    path: Path | None = Path(config_file).resolve()
    while path is not None and path.is_file() and path not in out:
        out.append(path)
        m = _INHERIT.search(path.read_text(encoding="utf-8", errors="replace"))
        path = (path.parent / m.group(1).strip("'\"")).resolve() if m else None
    return out


def global_key(config_file: Path, custom_dir: str | None, extensions: Any, mdx_configs: Any, extra: str = "") -> str:
    """What every render depends on (see the module's docstring)."""
    trees = [tree_digest(SCRIPTS.parent, ("scripts",))]
    if custom_dir:
        trees.append(tree_digest(Path(custom_dir).resolve().parent, (Path(custom_dir).name,)))
    return _sha(
        VERSION,
        *(p.as_posix().encode() + b"\0" + p.read_bytes() for p in config_chain(config_file)),
        *trees,
        _versions(),
        json.dumps(_plain(list(extensions)), sort_keys=True),
        json.dumps(_plain(mdx_configs or {}), sort_keys=True),
        extra,
    )


def files_key(files: Iterable[tuple[str, str, str, str]]) -> str:
    """``(src_uri, url, dest_uri, inclusion)`` of every file of the build."""
    return _sha(*("\0".join(f) for f in sorted(files)))


def page_key(global_: str, files: str, src_uri: str, url: str, dest_uri: str, markdown: str) -> str:
    return _sha(global_, files, src_uri, url, dest_uri, markdown)


def search_key(global_: str, *parts: str) -> str:
    """The key of a page's search entries (what Material's index reads of it)."""
    return _sha("search", global_, *parts)


def remember(kind: str, parts: tuple[str, ...], compute: Callable[[], str]) -> str:
    """A string the build computes from ``parts`` alone (e.g. a QR code of an
    address), kept in the store of the build running (:func:`use`) under the
    global key; computed every time when the cache is off."""
    store, global_ = _CURRENT
    if store is None:
        return compute()
    key = _sha(kind, global_, *parts)
    entry = store.get(key)
    if entry is not None and isinstance(entry.get("value"), str):
        return entry["value"]
    value = compute()
    store.put(key, {"value": value})
    return value


def memo(table: dict, key: object, compute: Callable[[], Any], limit: int = 200_000) -> Any:
    """``compute()`` once per ``key`` for the life of the process (``kb serve``
    asks again after every save); the table is emptied when it holds ``limit``."""
    hit = table.get(key, _MISSING)
    if hit is _MISSING:
        if len(table) >= limit:
            table.clear()
        hit = table[key] = compute()
    return hit


_MISSING = object()
_CURRENT: list = [None, ""]  # the store and global key of the build running


def use(store: Store | None, global_: str = "") -> None:
    """The store (None: the cache is off) and global key :func:`remember` uses."""
    _CURRENT[:] = [store, global_]


def begin_build() -> None:
    """A full or partial build starts: the store of :func:`use` counts its keys anew."""
    if _CURRENT[0] is not None:
        _CURRENT[0].begin()


def finish_build() -> tuple[int, int] | None:
    """A full build ended: :meth:`Store.finish` (None: the cache is off)."""
    store = _CURRENT[0]
    return None if store is None else store.finish()


def current() -> tuple[Store | None, str]:
    """The store and global key of the build running (None: the cache is off)."""
    return _CURRENT[0], _CURRENT[1]


_HELD: dict[int, tuple[Any, str]] = {}


def held_files_key(files: Any) -> str:
    """:func:`files_key` of MkDocs' files (a ``Files`` or a list of them),
    computed once per object (the last few are held, so their ids cannot be reused)."""
    held = _HELD.get(id(files))
    if held is None or held[0] is not files:
        if len(_HELD) >= 4:
            _HELD.clear()
        key = files_key((f.src_uri, f.url, f.dest_uri, str(getattr(f, "inclusion", ""))) for f in files)
        held = _HELD[id(files)] = (files, key)
    return held[1]


class Store:
    """Entries on disk (``kb serve`` keeps what it reuses of its last build in
    memory itself: :mod:`kb.build.incremental`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.counts: dict[str, list[int]] = {}  # language -> [reused, rendered] pages
        self.used: set[str] = set()  # the keys this build read or wrote (:meth:`finish`)
        self.finished = False  # whether a full build of this process has listed its keys

    def begin(self) -> None:
        """A new build: no key used yet."""
        self.used = set()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, count: str = "") -> dict | None:
        """The entry of ``key`` or None; ``count``: the language whose :attr:`counts` it adds to."""
        entry = self._read(key)
        if count:
            c = self.counts.setdefault(count, [0, 0])
            c[entry is None] += 1
        if entry is not None:
            self.used.add(key)
        return entry

    def _read(self, key: str) -> dict | None:
        """The payload under ``key`` if the file holds that key and the payload's checksum."""
        try:
            raw = self._path(key).read_bytes()
            head, _, body = raw.partition(b"\n")
            meta = json.loads(head)
            name = meta.get("raw")
            if meta.get("key") != key or meta.get("sum") != _entry_sum(name, body):
                return None
            rest, _, text = body.partition(b"\n")  # JSON has no raw line break
            payload = json.loads(rest)
            if not isinstance(payload, dict) or (name is not None and (not isinstance(name, str) or name in payload)):
                return None
            if name is not None:
                payload[name] = text.decode("utf-8")
            return payload
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, payload: dict) -> None:
        """Write an entry: a line with its key, the checksum of the rest and the
        name of its longest text; the other fields as JSON on one line; that
        text as its UTF-8 bytes (a page's HTML: no JSON escaping either way)."""
        path = self._path(key)
        texts = [k for k, v in payload.items() if isinstance(v, str)]
        raw = max(texts, key=lambda k: len(payload[k])) if texts else None
        rest = {k: v for k, v in payload.items() if k != raw}
        try:
            body = json.dumps(rest, ensure_ascii=False).encode("utf-8") + b"\n"
            if raw is not None:
                body += payload[raw].encode("utf-8")
            head = json.dumps({"key": key, "sum": _entry_sum(raw, body), "raw": raw}).encode("utf-8")
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(head + b"\n" + body)
            os.replace(tmp, path)
            self.used.add(key)
        except (OSError, ValueError):  # ValueError: a text that is not Unicode (a lone surrogate)
            pass  # a cache that cannot be written only makes the next build slower

    def finish(self) -> tuple[int, int]:
        """At the end of a full build: list the keys it used (``builds/``), keep
        its list and the newest other one, and remove every entry neither
        names. Only the first full build of a process does this: later ones
        take some answers from the process's memory without asking the store,
        so their lists would lack keys they use. Returns the entries and bytes removed."""
        if self.finished:
            return 0, 0
        self.finished = True
        builds = self.folder / "builds"
        removed = [0, 0]
        try:
            builds.mkdir(parents=True, exist_ok=True)
            own = builds / f"{time.time_ns():020d}-{os.getpid()}.keys"  # sorts by when it was written
            fd, tmp = tempfile.mkstemp(dir=builds, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write("".join(k + "\n" for k in sorted(self.used)))
            os.replace(tmp, own)
            others = sorted((p for p in builds.glob("*.keys") if p != own), reverse=True)
            live = set(self.used)
            for i, listed in enumerate(others):
                if i < KEEP_BUILDS - 1:
                    live.update(_listed_keys(listed))
                else:
                    listed.unlink(missing_ok=True)
            now = time.time()
            for shard in os.scandir(self.folder):
                if len(shard.name) != 2 or not shard.is_dir(follow_symlinks=False):
                    continue
                for f in os.scandir(shard.path):
                    try:
                        stale = f.name.endswith(".json") and f.name[:-5] not in live
                        if stale or (f.name.startswith(".tmp-") and now - f.stat().st_mtime > STALE_TMP):
                            size = f.stat().st_size
                            os.unlink(f.path)
                            removed[0], removed[1] = removed[0] + 1, removed[1] + size
                    except FileNotFoundError:  # another build removed it first
                        continue
        except OSError:  # a read-only cache, a list another build removed: left as it is
            pass
        return removed[0], removed[1]


_KEY_LINE = re.compile(rb"^[0-9a-f]{64}$")


def _listed_keys(path: Path) -> set[str]:
    """The keys a build's list names (a damaged line names none)."""
    try:
        return {line.decode("ascii") for line in path.read_bytes().splitlines() if _KEY_LINE.match(line)}
    except OSError:
        return set()


def _entry_sum(raw: Any, body: bytes) -> str:
    """The checksum of an entry: its fields and the name of the one kept as text."""
    return hashlib.sha256(json.dumps(raw).encode("utf-8") + b"\n" + body).hexdigest()


_STORES: dict[Path, Store] = {}


def store_for(config_file: Path) -> Store:
    """The one store of a project (kept for the life of the process)."""
    folder = Path(config_file).resolve().parent / ".cache" / "kb" / "render"
    return _STORES.setdefault(folder, Store(folder))


def toc_tokens(toc: Iterable[Any]) -> list[dict]:
    """A table of contents (MkDocs' ``AnchorLink`` items) as plain data."""
    return [
        {"level": a.level, "id": a.id, "name": a.title, "children": toc_tokens(a.children)}
        for a in toc  # noqa: B020
    ]
