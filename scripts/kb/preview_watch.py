"""What ``kb serve`` watches, learned from the file system's events
(watchdog: inotify on Linux) rather than by looking at every file at an
interval: a look costs in proportion to the site (at 2,000 page pairs, 23 ms
of CPU for 4,297 files, 0.84 s in 10 s idle at 0.3 s), an event only what changed.

:class:`Changes` collects the paths the events name (writes, creations,
deletions, moves, time stamps; not the reads of a build) under the watched
folders and files; :func:`updated` turns the last signature and those paths
into the new signature, looking only at them. ``kb serve`` still looks at every
file every :data:`FULL_LOOK` seconds, for what events do not report (a page
that is a link to a file elsewhere, a network folder whose changes come from
another machine). Where events cannot be had at all (no inotify, its limit
reached, ``--poll``), it looks at every file at its interval, as before.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SKIPPED = ("__pycache__", ".cache")  # folders the signature leaves out
QUIET = 0.05  # seconds without an event before a save counts as finished (an editor's write, rename, chmod)
LONGEST = 0.5  # at most this long, however busy the folder
FULL_LOOK = 30.0  # seconds between looks at every file while events are watched


class Changes:
    """The paths changed under ``places`` since the last :meth:`wait`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._event = threading.Event()
        self._places: list[tuple[Path, bool]] = []  # each place, and whether it is a folder
        self.lost = False  # a watched folder itself was deleted or moved: watch again
        self._files: set[str] = set()
        self._folders: list[str] = []
        self._observer: Any = None
        self.delivered = 0  # events the observer handed over (reads are not asked for)

    def watch(self, places: list[Path], again: bool = False) -> bool:
        """Watch these folders (recursively) and files (through their folder);
        False if they were watched already (``again``: watch them anew). Raises
        OSError where the system gives no events."""
        shape = [(p, p.is_dir()) for p in places]
        if not again and not self.lost and shape == self._places and self._observer is not None:
            return False
        from watchdog import events as ev
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        if Observer.__name__ == "PollingObserver":  # watchdog's own looking, once a second
            raise OSError("this system gives watchdog no file system events")
        # what a save does (not the reads: a build opens every page, the code and the templates,
        # and each read the kernel reported cost the build the time of a Python call)
        kinds = [
            ev.FileCreatedEvent,
            ev.FileModifiedEvent,
            ev.FileAttribEvent,  # touch: a new modification time
            ev.FileClosedEvent,
            ev.FileDeletedEvent,
            ev.FileMovedEvent,
            ev.DirCreatedEvent,
            ev.DirDeletedEvent,
            ev.DirMovedEvent,
        ]

        changes = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                changes.delivered += 1
                changes._add(event.src_path, getattr(event, "dest_path", "") or "")

        self.stop()
        folders = {p for p in places if p.is_dir()}
        self._files = {os.path.abspath(p) for p in places if not p.is_dir()}
        self._folders = sorted(os.path.abspath(p) for p in folders)
        observer = Observer()
        try:
            for folder in sorted(folders):
                observer.schedule(Handler(), str(folder), recursive=True, event_filter=kinds)
            for parent in sorted({p.parent for p in places if not p.is_dir()} - folders):
                observer.schedule(Handler(), str(parent), recursive=False, event_filter=kinds)
            observer.start()
        except BaseException:
            observer.stop()
            raise
        self._observer, self._places, self.lost = observer, shape, False
        return True

    def watch_needed(self, places: list[Path]) -> bool:
        """Whether ``places`` are not what is watched (another docs folder, a file now a folder)."""
        return [(p, p.is_dir()) for p in places] != self._places or self._observer is None

    def _add(self, *paths: str) -> None:
        with self._lock:
            for p in paths:
                p = os.path.abspath(p) if p else ""
                if p in self._folders:  # a watched folder itself deleted or moved: its watch is gone
                    self.lost = True
                    self._event.set()
                elif p and self._watched(p):
                    self._paths.add(p)
                    self._event.set()

    def _watched(self, path: str) -> bool:
        """Whether the signature holds ``path``: a watched file, or a file in a
        watched folder outside the folders it leaves out."""
        if path in self._files:
            return True
        for folder in self._folders:
            if path.startswith(folder + os.sep):
                parts = Path(path[len(folder) + 1 :]).parts
                if parts and parts[-1] in SKIPPED and os.path.isdir(path):
                    return False
                return not any(part in SKIPPED for part in parts[:-1])
        return False

    def wait(self, timeout: float | None) -> set[str]:
        """The paths changed, once a save has finished (empty after ``timeout``
        seconds without one, or when a watched folder itself went: :attr:`lost`)."""
        if not self._event.wait(timeout):
            return set()
        deadline = time.monotonic() + LONGEST
        while time.monotonic() < deadline:  # the rest of the save's events
            self._event.clear()
            if not self._event.wait(QUIET):
                break
        with self._lock:
            out, self._paths = self._paths, set()
            self._event.clear()
        return out

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        self._observer, self._places = None, []


def look(path: str) -> Iterator[tuple[str, int, int]]:
    """Path, size and modification time of the file ``path`` (a link: of its
    target), or of every file under the folder ``path`` (not through linked
    folders, leaving out ``__pycache__`` and ``.cache``): what ``kb serve``
    compares between saves, in a look at every file or only where events point."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if not stat.S_ISDIR(st.st_mode):
        yield path, st.st_size, st.st_mtime_ns
        return
    if os.path.islink(path) or os.path.basename(path) in SKIPPED:
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED)
        for f in sorted(filenames):
            try:
                st = os.stat(os.path.join(dirpath, f))
            except OSError:
                continue
            yield os.path.join(dirpath, f), st.st_size, st.st_mtime_ns


def updated(signature: tuple, paths: Iterable[str]) -> tuple:
    """``signature`` (path, size, modification time of every watched file,
    sorted) after changes to ``paths`` only, as a look at every file would see
    them: each path and everything under it leaves the signature, then what is
    there now comes back (:func:`look`)."""
    items = {p: rest for p, *rest in signature}
    for path in sorted(paths):
        prefix = path + os.sep
        for p in [p for p in items if p == path or p.startswith(prefix)]:
            del items[p]
        for p, size, mtime in look(path):
            items[p] = [size, mtime]
    return tuple(sorted((p, *rest) for p, rest in items.items()))
