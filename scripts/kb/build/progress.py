"""The progress line of a long build: which language, how many of its pages
have been read (rendered or taken from the cache) or written, and for how long.

At most one line every :data:`EVERY` seconds, and none before the build has
run that long: a small site, a warm build or a preview's rebuild after a save
prints nothing. ``KB_PROGRESS_EVERY`` sets the interval (0: a line per page).
The lines go to the logger ``mkdocs.hooks.kb.progress`` (INFO): ``mkdocs
build`` shows them, ``kb build`` and ``kb serve`` print them as they come.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

ENV = "KB_PROGRESS_EVERY"
EVERY = 3.0
LOGGER = "mkdocs.hooks.kb.progress"
PREFIX = "building: "


def interval() -> float:
    """Seconds between two lines (``KB_PROGRESS_EVERY``, else :data:`EVERY`)."""
    try:
        return max(0.0, float(os.environ.get(ENV, EVERY)))
    except ValueError:
        return EVERY


class Progress:
    """Says how far a build is, at most once per interval."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, interval: float | None = None) -> None:
        self.clock = clock
        self.interval = interval
        self.start()

    def start(self) -> None:
        """A build starts: nothing is said for one interval."""
        self.every = interval() if self.interval is None else self.interval
        self.t0 = self.clock()
        self.due = self.t0 + self.every

    def step(self, lang: str, phase: str, done: int, total: int) -> str | None:
        """The line to print after ``done`` of ``total`` pages of ``lang`` were
        ``phase`` ("read" or "written"), or None when the last was too recent."""
        now = self.clock()
        if now < self.due:
            return None
        self.due = now + self.every
        return f"{PREFIX}{lang}, {done}/{total} pages {phase} ({now - self.t0:.0f} s)"


_PROGRESS = Progress()
_COUNTS: dict[tuple[str, str], int] = {}


def start() -> None:
    """A new build (not the nested build of another language): counts from zero."""
    _PROGRESS.start()
    _COUNTS.clear()


def page_done(lang: str, phase: str, total: Callable[[], int]) -> None:
    """One more page of ``lang`` read or written; ``total()``: how many there
    are (asked only when a line is due: counting them is not free)."""
    done = _COUNTS[(lang, phase)] = _COUNTS.get((lang, phase), 0) + 1
    if _PROGRESS.clock() < _PROGRESS.due:
        return
    line = _PROGRESS.step(lang, phase, done, total())
    if line is not None:
        logging.getLogger(LOGGER).info(line)
