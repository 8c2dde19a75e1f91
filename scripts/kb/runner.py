"""Check, build strictly, and leave a site that a publish may take.

    kb build [--site-dir DIR] [-f mkdocs.yml] [--skip-checks] [--no-cache]   (also: python scripts/build.py)

1. runs the source checks (terminology, cross-references) on docs/, in this process;
2. runs ``mkdocs build --strict`` into a staging directory beside the target;
3. makes the offline edition, a zip of the site for ``file://``, inside it
   (``downloads/kb-offline.zip``, linked from the about page: kb.build.offline);
4. writes ``.kb-build.json`` (commit, strict, check results, the zip's sha256) into it;
5. only then swaps it into place (``site/`` by default).

Pages whose rendering input is unchanged since an earlier build are taken
from the render cache in ``.cache/kb/render/`` (``kb.build.render_cache``);
the output is byte for byte that of a build without it (``--no-cache``).

A failed check or build leaves the previous ``site/`` untouched and no marker,
so ``scripts/publish.py`` refuses anything half-built. What is checked is the
``docs_dir`` of the config that is built (``-f``), and the marker records it
with a digest of the tree; a tree that changes while it is checked and built
is refused. The target must be a previous build (it holds a marker), an empty
folder or a new path: never the repository, its sources, the docs folder, a
parent of any of them, or a folder with anything else in it. The new site
replaces the old one in one step (``renameat2`` exchange), so there is never
a moment without a complete site; staging folders of killed builds are
removed at the next run. Exit status: 0 built, 1 a check or the build failed,
2 bad usage (a refused target, an unreadable config).
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import sites
from .build import offline, progress
from .checks import cli as check_cli
from .model import rules
from .model.findings import render
from .model.paths import ROOT
from .model.paths import display as _display
from .model.site import Site, UnreadableError, read_bytes, walk_files
from .model.tbs import gaps

PY = sys.executable
# the names the marker records; publish accepts a site whose every check "passed"
CHECKS = ("check_terms", "check_xrefs")


def _commit() -> tuple[str, bool]:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "docs", "mkdocs.yml", "overrides", "scripts"],
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
        return head, dirty
    except (OSError, subprocess.CalledProcessError):
        return "0" * 40, True


def run_checks(docs: Path, config: Path) -> dict[str, str]:
    """Both checks in one pass over ``docs``; prints the findings and returns
    ``{check name: "passed" | "failed"}`` for the marker."""
    t0 = time.perf_counter()
    try:
        found = check_cli.run(docs, _display(docs).rstrip("/") + "/", config if config.is_file() else None)
    except check_cli.CheckError as exc:
        print(f"==> checks: {exc}", file=sys.stderr)
        return {name: "failed" for name in CHECKS}
    took = time.perf_counter() - t0
    if found:
        print(render(found))
    owners = {rules.RULES[f.code].owner if f.code in rules.RULES else "" for f in found if f.severity == "error"}
    results = {
        "check_terms": "failed" if "terms" in owners else "passed",
        "check_xrefs": "failed" if owners - {"terms"} else "passed",
    }
    for name, verdict in results.items():
        print(f"==> {name}: {'passed' if verdict == 'passed' else 'FAILED'}", flush=True)
    print(f"==> checks took {took:.2f} s", flush=True)
    return results


_PROGRESS = re.compile(r"^INFO\s+-\s+(" + re.escape(progress.PREFIX) + r".*)$")


def _progress(line: str) -> None:
    """Print the build's progress lines (:mod:`kb.build.progress`) as they come."""
    m = _PROGRESS.match(line)
    if m:
        print(f"==> {m.group(1)}", flush=True)


def build(site_dir: Path, config: Path) -> Path | None:
    """Strict build into a staging directory; its path, or None on failure."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = site_dir.parent / f".site-staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    print(f"==> mkdocs build --strict -> {staging.name}", flush=True)
    t0 = time.perf_counter()
    # Not -q: with -q MkDocs drops warnings before strict mode counts them.
    proc = sites.build(config, staging, strict=True, cwd=ROOT, echo=_progress)
    took = time.perf_counter() - t0
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith(("WARNING", "ERROR", "Aborted", "Error", "Config value")) or "Traceback" in line:
            print(line, file=sys.stderr)
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"==> build FAILED after {took:.1f} s; {site_dir} left as it was", file=sys.stderr)
        return None
    print(f"==> build passed ({took:.1f} s)", flush=True)
    return staging


MARKER = ".kb-build.json"
_STAGING = re.compile(r"^\.site-(?:staging|old)-(\d+)$")


def _within(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def site_dir_problem(target: Path, docs: Path, config: Path) -> str | None:
    """Why ``target`` may not receive a build (None when it may): what the
    swap would replace must be a previous build, an empty folder or nothing."""
    target = Path(os.path.abspath(target))
    for what, place in (("the repository", ROOT), ("the docs directory", docs), ("the config's folder", config.parent)):
        place = Path(os.path.abspath(place))
        if target == place:
            return f"{target} is {what}"
        if _within(place, target):
            return f"{target} is a parent of {'the repository' if place == ROOT else what}"
    if _within(target, Path(os.path.abspath(docs))):
        return f"{target} is inside the docs directory"
    for sources in ("scripts", "overrides", "tests", ".git"):
        if _within(target, ROOT / sources):
            return f"{target} is inside the repository's sources ({sources}/)"
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return f"{target} is not a folder"
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        return f"{target} is not a previous build (no {MARKER}) and not empty: give another --site-dir"
    return None


def tree_digest(docs: Path) -> str:
    """SHA-256 over every file of ``docs`` (relative path and content), in path order."""
    h = hashlib.sha256()
    for rel in walk_files(Path(docs)):
        h.update(rel.encode() + b"\0")
        h.update(hashlib.sha256(read_bytes(Path(docs) / rel)).digest())
    return h.hexdigest()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False
    where the system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Make ``staging`` the site at ``site_dir``; the old site is removed
    afterwards (a kill before that leaves it under a staging name, removed
    at the next run)."""
    if site_dir.exists() and _exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    if not site_dir.exists():
        os.rename(staging, site_dir)
        return
    # no exchange on this system: two renames, a short moment without a site
    old = site_dir.parent / f".site-old-{os.getpid()}"
    os.rename(site_dir, old)
    os.rename(staging, site_dir)
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**22
    return True


def clean_stale_staging(site_dir: Path) -> None:
    """Remove the staging folders of builds that were killed (named by a pid that is gone)."""
    parent = site_dir.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        m = _STAGING.match(entry.name)
        if m and entry.is_dir() and not entry.is_symlink() and not _alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def load_docs_dir(config: Path) -> Path:
    """The docs folder that ``config`` builds (MkDocs' own reading of it, INHERIT included)."""
    from mkdocs.config import load_config

    cfg = load_config(str(config))
    return Path(cfg.docs_dir).resolve()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kb build", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--site-dir", type=Path, default=ROOT / "site")
    ap.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    ap.add_argument(
        "--skip-checks", action="store_true", help="build without running the checkers (no publishable marker)"
    )
    ap.add_argument("--no-cache", action="store_true", help="render every page again (also KB_NO_CACHE=1); same output")
    args = ap.parse_args(argv)
    if args.no_cache:
        os.environ["KB_NO_CACHE"] = "1"  # read by the build's hooks (kb.build.render_cache)
    site_dir = Path(os.path.abspath(args.site_dir))
    config = args.config_file.resolve()
    if not config.is_file():
        print(f"kb build: {args.config_file}: no such config file", file=sys.stderr)
        return 2
    try:
        docs = load_docs_dir(config)
    except Exception as exc:  # MkDocs' own config errors: bad YAML, unknown keys, missing INHERIT
        print(f"kb build: {_display(config)}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    problem = site_dir_problem(site_dir, docs=docs, config=config)
    if problem:
        print(f"kb build: refusing --site-dir: {problem}", file=sys.stderr)
        return 2
    clean_stale_staging(site_dir)

    try:
        digest = tree_digest(docs)
    except UnreadableError as exc:
        print(f"kb build: {exc.strerror}", file=sys.stderr)
        return 2
    checks = {} if args.skip_checks else run_checks(docs, config)
    if any(v == "failed" for v in checks.values()):
        print("==> checks failed: not building", file=sys.stderr)
        return 1
    staging = build(site_dir, config)
    if staging is None:
        return 1
    if tree_digest(docs) != digest:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"==> {_display(docs)} changed while it was checked and built: build again", file=sys.stderr)
        return 1
    built = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    try:
        edition = offline.make_edition(staging, built)
    except (OSError, ValueError) as exc:  # a full disk, an unreadable index
        shutil.rmtree(staging, ignore_errors=True)
        print(f"==> offline edition FAILED: {exc}; {site_dir} left as it was", file=sys.stderr)
        return 1
    print(
        f"==> offline edition: {edition.path}, {edition.bytes:,} bytes ({time.perf_counter() - t0:.1f} s)", flush=True
    )
    commit, dirty = _commit()
    tbs = len(gaps(Site.load(docs)))
    print(f"==> to be supplied: {tbs} places where the source is silent (kb report lists them)")
    marker = {
        "commit": commit,
        "dirty": dirty,
        "strict": True,
        "checks": checks,
        "config": _relative(config),
        "docs_dir": _relative(docs),
        "docs_sha256": digest,
        "to_be_supplied": tbs,
        "built_at": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "offline_edition": edition.marker(),
    }
    (staging / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    # The site must be world-readable (web servers and link checkers run as nobody).
    for dirpath, _dirnames, filenames in os.walk(staging):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    swap_into_place(staging, site_dir)
    print(f"==> site ready in {site_dir} (commit {commit[:12]}{', uncommitted changes' if dirty else ''})")
    return 0


def _relative(path: Path) -> str:
    """A path as the marker records it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path.resolve())


if __name__ == "__main__":
    sys.exit(main())
