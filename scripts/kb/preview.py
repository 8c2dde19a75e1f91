"""``kb serve``: the editors' preview, rebuilt after every save.

    kb serve [-f mkdocs.yml] [--port 8000] [--site-dir DIR] [--interval 0.3]

One process builds the site strictly (the same MkDocs build as ``kb build``,
checks aside) into a staging folder, swaps it into the served folder and
serves it on http://127.0.0.1:PORT/. It then watches the docs folder, the
config (and what it INHERITs), ``scripts/`` and the theme overrides, and on
every save builds again *in the same process*: the render cache
(:mod:`kb.build.render_cache`) is warm in memory, so only the pages whose
rendering input changed are rendered again; everything that depends on the
whole tree (navigation, "referenced by", stale notices, search index) is
recomputed by every build (a change to the code or data under ``scripts/``
restarts the process, which has imported the old code and data), so the preview is always what a full build of the
tree gives (``tests/test_render_cache.py`` compares them file by file).

A build that fails (a strict warning) keeps the previous preview and prints
why. The served folder is a temporary one unless ``--site-dir`` is given; it
is never the publishable ``site/`` (no marker is written). An open page
reloads itself after each successful build (:mod:`kb.preview_reload`: a script
added to the served HTML, not to the files). Exit status: 0 on Ctrl-C, 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import preview_reload, runner, sites
from .build import render_cache
from .build.render_cache import config_chain
from .model.paths import ROOT, SCRIPTS

log = logging.getLogger("kb.preview")


class Preview:
    """Builds ``config`` into ``site_dir`` in this process, again and again."""

    def __init__(self, config: Path, site_dir: Path) -> None:
        render_cache.KEEP_IN_MEMORY = True  # entries stay in this process between rebuilds
        self.config = Path(config).resolve()
        self.site_dir = Path(os.path.abspath(site_dir))
        self.last_error = ""
        self.seen: tuple = ()  # the watched files as the last build read them
        self._watched: list[Path] | None = None
        self.generation = preview_reload.Generation()  # open pages reload when it changes

    def rebuild(self) -> bool:
        """One strict build, swapped into place; False (old site kept) on failure.
        The watched files are looked at first: a save during the build starts another."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        self._watched = None  # the config may name another docs folder now
        self.seen = self.signature()
        self.site_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = self.site_dir.parent / f".site-staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        os.environ.update(sites.BUILD_ENV)
        try:
            cfg = load_config(str(self.config), site_dir=str(staging), strict=True)
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                build(cfg)
            finally:
                cfg.plugins.on_shutdown()
        except (Exception, SystemExit) as exc:  # MkDocs' Abort is a SystemExit
            shutil.rmtree(staging, ignore_errors=True)
            self.last_error = f"{type(exc).__name__}: {exc}"
            return False
        runner.swap_into_place(staging, self.site_dir)
        self.last_error = ""
        self.generation.bump()
        return True

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
        return out

    def signature(self) -> tuple:
        """Path, size and modification time of every watched file."""
        items: list[tuple[str, int, int]] = []
        for place in self.watched():
            if place.is_file():
                st = place.stat()
                items.append((str(place), st.st_size, st.st_mtime_ns))
                continue
            for dirpath, dirnames, filenames in os.walk(place):
                dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".cache"))
                for f in sorted(filenames):
                    try:
                        st = os.stat(os.path.join(dirpath, f))
                    except OSError:
                        continue
                    items.append((os.path.join(dirpath, f), st.st_size, st.st_mtime_ns))
        return tuple(items)


def code_changed(before: tuple, after: tuple) -> list[str]:
    """The files under ``scripts/`` that differ between two signatures: this
    process has imported the old code, and its cached loaders hold the old data
    (vocabularies, schemas, the single-language list), so it must start again."""
    old = {p: rest for p, *rest in before}
    new = {p: rest for p, *rest in after}
    return sorted(p for p in old.keys() | new.keys() if Path(p).is_relative_to(SCRIPTS) and old.get(p) != new.get(p))


def watch(preview: Preview, interval: float, stop_after: float | None = None) -> list[str]:
    """Build whenever the watched files change (until ``stop_after`` seconds, or
    forever); returns early, with the changed files, when our own code changed."""
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        time.sleep(interval)
        now = preview.signature()
        if now == preview.seen:
            continue
        code = code_changed(preview.seen, now)
        if code:
            return code
        t0 = time.perf_counter()
        ok = preview.rebuild()
        took = time.perf_counter() - t0
        if ok:
            print(f"==> preview rebuilt in {took:.2f} s", flush=True)
        else:
            print(f"==> build FAILED ({took:.2f} s), previous preview kept: {preview.last_error}", flush=True)
    return []


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kb serve", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--site-dir", type=Path, help="the served folder (default: a temporary one)")
    ap.add_argument("--interval", type=float, default=0.3, help="seconds between looks at the files")
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
    preview = Preview(args.config_file, site_dir)
    t0 = time.perf_counter()
    if not preview.rebuild():
        print(f"==> build FAILED: {preview.last_error}; fix the page and save again", flush=True)
        site_dir.mkdir(parents=True, exist_ok=True)
    else:
        print(f"==> preview built in {time.perf_counter() - t0:.1f} s", flush=True)
    code: list[str] = []
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated preview removes its folder too
    try:
        handler = preview_reload.handler_for(preview.generation)
        with sites.SiteServer(site_dir, args.port, handler_class=handler) as server:
            print(f"==> serving on {server.url('/')} (Ctrl-C to stop)", flush=True)
            code = watch(preview, args.interval)
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
