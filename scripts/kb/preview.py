"""``kb serve``: the editors' preview, rebuilt after every save.

    kb serve [-f mkdocs.yml] [--port 8000] [--site-dir DIR] [--interval 0.3] [--poll]

One process builds the site strictly (the same MkDocs build as ``kb build``,
checks aside) into a staging folder, swaps it into the served folder and
serves it on http://127.0.0.1:PORT/. It then watches the docs folder, the
config (and what it INHERITs), ``scripts/`` and the theme overrides. After a
save of pages it builds, in the same process, only the pages the save
changes (:mod:`kb.build.dependents`: the pages themselves in both languages,
the pages with generated lists, the pages whose "referenced by" lists name
them; everything after a change of navigation, a set, a new or deleted page,
the config or the theme), reusing the others as the last build read them
(:mod:`kb.build.incremental`), and moves the files it wrote into the served
folder. A change to the code or data under ``scripts/`` restarts the process,
which has imported the old code and data. What it serves is what a full build
of the tree gives (``tests/test_render_cache.py`` compares them file by file).

A build that fails (a strict warning) keeps the previous preview and prints
why; the open pages show it too, in a bar across their top that the save
fixing the page removes (:mod:`kb.preview_reload`). The served folder is a
temporary one unless ``--site-dir`` is given; it is never the publishable
``site/`` (no marker is written). An open page reloads itself after each
successful build (:mod:`kb.preview_reload`: a script added to the served HTML,
not to the files). Exit status: 0 on Ctrl-C, 2 bad usage.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import preview_reload, preview_watch, runner, sites
from .build import dependents, incremental, progress
from .build.render_cache import config_chain
from .model.paths import ROOT, SCRIPTS

log = logging.getLogger("kb.preview")


class Preview:
    """Builds ``config`` into ``site_dir`` in this process, again and again."""

    def __init__(self, config: Path, site_dir: Path) -> None:
        incremental.install()
        incremental.keep_snapshots(True)  # what each page read, for the partial builds after a save
        self.config = Path(config).resolve()
        self.site_dir = Path(os.path.abspath(site_dir))
        self.last_error = ""
        self.seen: tuple = ()  # the watched files as the last build read them
        self._watched: list[Path] | None = None
        self.generation = preview_reload.Generation()  # open pages reload when it changes
        self.docs_dir: Path | None = None  # as the config names it (read by each build)
        self.partial = False  # whether the last build was a partial one
        self._ran = (0, -1)  # from the look that chose the last build's pages (less LATE_EVENT_NS) to its end, ns

    def rebuild(self, changed: list[str] | None = None, seen: tuple | None = None, looked: int | None = None) -> bool:
        """One strict build, put into place; False (old site kept) on failure.
        ``changed``: the docs files saved since the last build (docs-relative):
        only the pages they change are built (:mod:`kb.build.dependents`), the
        rest kept from the last build; None, or a change elsewhere: everything.
        ``seen``: the signature ``changed`` was read from (a save after it starts another build),
        ``looked``: when that look began (ns since the epoch; default: now).
        The watched files are looked at first: a save during the build starts another."""
        looked = time.time_ns() if looked is None else looked
        self.seen = seen if seen is not None else self.signature()
        self._watched = None  # the config may name another docs folder now
        only = None
        last = incremental.last_state()
        if changed is not None and last is not None and self.docs_dir is not None:
            try:
                if not self._saved_while_building(changed):  # else the last build may have read half of it
                    only = dependents.pages_to_build(changed, self.docs_dir, last)
            except Exception as exc:  # whatever it could not follow: build everything
                log.info(f"building every page: {type(exc).__name__}: {exc}")
        started = looked - LATE_EVENT_NS  # the build may read saves the look did not see (_saved_while_building)
        self.site_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = self.site_dir.parent / f".site-staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        os.environ.update(sites.BUILD_ENV)
        said = _Said()
        logging.getLogger("mkdocs").addHandler(said)
        try:
            only = self._build_checked(staging, only, last)
            self._ran = (started, time.time_ns())
            if only is None:
                runner.swap_into_place(staging, self.site_dir)
            else:  # the files a partial build wrote replace theirs, one by one
                _merge(staging, self.site_dir)
        except (Exception, SystemExit) as exc:  # MkDocs' Abort is a SystemExit
            shutil.rmtree(staging, ignore_errors=True)
            self.last_error = f"{type(exc).__name__}: {exc}"
            incremental.remember(None)  # the next build starts from no kept state: everything
            self.generation.fail(said.problems(self.last_error))
            return False
        finally:
            logging.getLogger("mkdocs").removeHandler(said)
        self.partial = only is not None
        self.last_error = ""
        self.generation.bump()
        return True

    def _saved_while_building(self, changed: list[str]) -> bool:
        """Whether a file of ``changed`` was saved while the last build ran, or
        between the look that chose what it built and its start, or so shortly
        before that look that its event may not have come in time (``LATE_EVENT_NS``):
        that build read it before or after the save, and kept what it read, while
        what it built was chosen without the save. A file of ``changed`` has
        changed since that look saw it, so an older save than ``LATE_EVENT_NS``
        before it is one the look saw: the usual save starts no full build."""
        docs, (start, end) = self.docs_dir, self._ran
        return docs is not None and any(
            (docs / c).exists() and start <= (docs / c).stat().st_mtime_ns <= end for c in changed
        )

    def settle(self) -> None:
        """Between saves: collect the last build's garbage, then set every object
        left aside from the collector (``gc.freeze``), so that no collection in
        the build after the next save walks what the preview keeps (at 2,000
        page pairs, about 0.3 s in one of every two builds)."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _build_checked(self, staging: Path, only: dict[str, set[str]] | None, last: object) -> dict | None:
        """Build ``only`` (None: everything) into ``staging``; after a partial
        build, the pages that show what it made of the pages it built and that it
        did not build (:func:`kb.build.dependents.unforeseen`) are built with
        them, from the start. Returns what was built in the end."""
        for _ in range(3):
            with incremental.partial(only):
                self._build(staging)
            if only is None:
                return None
            more = dependents.unforeseen(last, incremental.last_state(), only)
            if more is not None and not any(more.values()):
                return only
            shutil.rmtree(staging, ignore_errors=True)
            only = None if more is None else {lang: only.get(lang, set()) | more.get(lang, set()) for lang in more}
            what = "every page" if only is None else "the pages that show it"
            print(
                f"==> a saved page was built differently from what its Markdown suggested: building {what}", flush=True
            )
        with incremental.partial(None):
            self._build(staging)
        return None

    def _build(self, staging: Path) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        cfg = load_config(str(self.config), site_dir=str(staging), strict=True)
        self.docs_dir = Path(cfg.docs_dir)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()

    def docs_changes(self, before: tuple, after: tuple) -> list[str] | None:
        """The docs files that differ between two signatures (docs-relative), or
        None when anything else changed or a file came or went."""
        old = {p: rest for p, *rest in before}
        new = {p: rest for p, *rest in after}
        if old.keys() != new.keys() or self.docs_dir is None:
            return None
        out = []
        docs = _real(self.docs_dir)
        for p in sorted(p for p in new if old[p] != new[p]):
            if not Path(p).is_relative_to(docs):
                return None
            out.append(Path(p).relative_to(docs).as_posix())
        return out

    def watched(self) -> list[Path]:
        """The folders and files whose change starts a build (read from the config once per build)."""
        if self._watched is None:
            self._watched = self._read_watched()
        return self._watched

    def _read_watched(self) -> list[Path]:
        from mkdocs.config import load_config

        out = list(config_chain(self.config)) + [SCRIPTS]
        try:
            cfg = load_config(str(self.config))
            out.append(Path(cfg.docs_dir))
            if cfg.theme.custom_dir:
                out.append(Path(cfg.theme.custom_dir))
        except Exception:  # a broken config: watch the repository's docs until it is fixed
            out.append(ROOT / "docs")
        return [_real(p) for p in out]  # as the file system's events name them

    def signature(self) -> tuple:
        """Path, size and modification time of every watched file, sorted."""
        return tuple(sorted(entry for place in self.watched() for entry in preview_watch.look(str(place))))


class _Said(logging.Handler):
    """The warnings and errors a build logs (why a strict build failed), as the open pages show them."""

    MOST = 30  # lines shown; the console has them all
    LONGEST = 600  # characters of one message

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []  # the first MOST messages, each cut at LONGEST
        self.said: set[str] = set()  # every message, whole: said once

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage().strip()
        except Exception:  # a message that cannot be formatted: its template
            text = str(record.msg)
        if text and text not in self.said:
            self.said.add(text)
            if len(self.lines) < self.MOST:
                self.lines.append(text[: self.LONGEST])

    def problems(self, error: str) -> list[str]:
        """The messages of the failed build, ending with why it stopped."""
        out = list(self.lines)
        if len(self.said) > self.MOST:
            out.append(f"… {len(self.said) - self.MOST} more in the console")
        return out if error in self.said else out + [error]


def _real(path: Path) -> Path:
    """``path`` absolute, without ``..`` and links (a docs folder that is a link is watched where it is)."""
    return Path(os.path.realpath(path))


def code_changed(before: tuple, after: tuple) -> list[str]:
    """The files under ``scripts/`` that differ between two signatures: this
    process has imported the old code, and its cached loaders hold the old data
    (vocabularies, schemas, the single-language list), so it must start again."""
    old = {p: rest for p, *rest in before}
    new = {p: rest for p, *rest in after}
    scripts = _real(SCRIPTS)
    return sorted(p for p in old.keys() | new.keys() if Path(p).is_relative_to(scripts) and old.get(p) != new.get(p))


SETTLE_AFTER = 1.0  # seconds without a save after a build before the preview settles
LATE_EVENT_NS = 1_000_000_000  # a margin: a save's event comes within milliseconds, file times lag by a clock tick


def watch(preview: Preview, interval: float, stop_after: float | None = None, poll: bool = False) -> list[str]:
    """Build whenever the watched files change (until ``stop_after`` seconds, or
    forever); returns early, with the changed files, when our own code changed.
    The file system's events say what changed (:mod:`kb.preview_watch`), with a
    look at every file every ``FULL_LOOK`` seconds; where it gives none (or
    ``poll``), every file is looked at each ``interval`` seconds."""
    changes = None if poll else _events(preview)
    how = "file system events" if changes is not None else f"a look at every file each {interval} s"
    print(f"==> watching for saves ({how})", flush=True)
    look = True  # every file, once: what changed before the events were watched
    looked = started = time.monotonic()
    built = None  # when the last build ended, until the preview settles
    try:
        while stop_after is None or time.monotonic() - started < stop_after:
            if changes is not None and (changes.lost or time.monotonic() - looked >= preview_watch.FULL_LOOK):
                look = True  # what events cannot report; a watched folder deleted and made again
                if changes.lost:
                    changes = _events(preview, changes)
            # a save that only a look at every file finds while events are watched came
            # without its events, at any time since the last look: builds may have read it
            unreported = look and changes is not None
            if look or changes is None:
                if not look:
                    time.sleep(interval)
                at = time.time_ns()
                now, look, looked = preview.signature(), False, time.monotonic()
            else:
                paths = changes.wait(SETTLE_AFTER)
                at = time.time_ns()
                now = preview_watch.updated(preview.seen, paths) if paths else preview.seen
            if now == preview.seen:
                if built is not None and time.monotonic() - built >= SETTLE_AFTER:
                    preview.settle()  # not before the browser has fetched the new page
                    built = None
                continue
            code = code_changed(preview.seen, now)
            if code:
                return code
            t0 = time.perf_counter()
            changed = None if unreported else preview.docs_changes(preview.seen, now)
            ok = preview.rebuild(changed, seen=now, looked=at)
            took = time.perf_counter() - t0
            built = time.monotonic()
            if ok:
                print(
                    f"==> preview rebuilt in {took:.2f} s ({'the pages it changes' if preview.partial else 'every page'})",
                    flush=True,
                )
            else:
                print(f"==> build FAILED ({took:.2f} s), previous preview kept: {preview.last_error}", flush=True)
            if changes is not None and changes.watch_needed(preview.watched()):
                changes, look = _events(preview, changes), True  # the config may name another docs folder now
    finally:
        if changes is not None:
            changes.stop()
    return []


def _events(preview: Preview, old: preview_watch.Changes | None = None) -> preview_watch.Changes | None:
    """The watched places' events, watched anew (None, said, where the system gives none)."""
    changes = old or preview_watch.Changes()
    try:
        changes.watch(preview.watched(), again=True)
        return changes
    except (OSError, ImportError) as exc:
        changes.stop()
        print(f"==> no file system events ({exc}): looking at every file instead", flush=True)
        return None


def _merge(staging: Path, site_dir: Path) -> None:
    """Move every file of ``staging`` over its namesake in ``site_dir`` (each
    replaced at once: a page is never served half written), then drop ``staging``."""
    for dirpath, _dirs, filenames in os.walk(staging):
        for f in filenames:
            src = Path(dirpath) / f
            dest = site_dir / src.relative_to(staging)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
    shutil.rmtree(staging, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kb serve", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--site-dir", type=Path, help="the served folder (default: a temporary one)")
    ap.add_argument(
        "--interval",
        type=float,
        default=0.3,
        help="seconds between looks at the files where the system gives no events",
    )
    ap.add_argument("--poll", action="store_true", help="look at every file each --interval seconds, never at events")
    args = ap.parse_args(argv)
    if not args.config_file.is_file():
        print(f"kb serve: {args.config_file}: no such config file", file=sys.stderr)
        return 2
    tmp = None
    if args.site_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="kb-preview-"))
        site_dir = tmp / "site"
    else:
        site_dir = args.site_dir
        try:
            problem = runner.site_dir_problem(
                site_dir, docs=runner.load_docs_dir(args.config_file.resolve()), config=args.config_file.resolve()
            )
        except Exception as exc:
            print(f"kb serve: {args.config_file}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 2
        if problem:
            print(f"kb serve: refusing --site-dir: {problem}", file=sys.stderr)
            return 2
    mk = logging.getLogger("mkdocs")  # MkDocs' warnings (why a build failed) on the console
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mk.addHandler(handler)
    mk.setLevel(logging.INFO)
    said = logging.StreamHandler(sys.stdout)  # how far a long build is (kb.build.progress)
    said.setFormatter(logging.Formatter("==> %(message)s"))
    logging.getLogger(progress.LOGGER).addHandler(said)
    preview = Preview(args.config_file, site_dir)
    t0 = time.perf_counter()
    if not preview.rebuild():
        print(f"==> build FAILED: {preview.last_error}; fix the page and save again", flush=True)
        site_dir.mkdir(parents=True, exist_ok=True)
    else:
        print(f"==> preview built in {time.perf_counter() - t0:.1f} s", flush=True)
    preview.settle()
    code: list[str] = []
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated preview removes its folder too
    try:
        handler = preview_reload.handler_for(preview.generation)
        with sites.SiteServer(site_dir, args.port, handler_class=handler) as server:
            print(f"==> serving on {server.url('/')} (Ctrl-C to stop)", flush=True)
            code = watch(preview, args.interval, poll=args.poll)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"kb serve: cannot serve on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if code:  # the build's code changed: start again with it (same command line)
        print(f"==> {os.path.relpath(code[0], ROOT)} changed: restarting the preview", flush=True)
        os.execv(sys.executable, sys.orig_argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
