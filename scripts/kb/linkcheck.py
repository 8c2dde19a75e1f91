#!/usr/bin/env python3
"""Check every link and anchor of a BUILT site with linkchecker.

    python scripts/linkcheck.py SITE_DIR [--format text|json] [--threads N]

Serves SITE_DIR on 127.0.0.1 (a small threaded http.server) and runs
``linkchecker`` (from the venv) on every HTML page of it, with the AnchorCheck
plugin. Prints one line per problem, ``URL: parent PARENT line:col: message``
(or JSON), and exits 0 when clean, 1 on broken links or anchors, 2 on bad usage.

How it is configured, and why:

* Throttle. Over HTTP linkchecker waits 0.1-0.6 s between two requests to the
  same host (``maxrequestspersecond``, at most 10/s) unless the server answers
  with a ``LinkChecker`` response header (linkcheck/checker/httpurl.py:
  ``if "LinkChecker" in self.headers: aggregate.set_maxrated_for_host``): our
  server sends it, and the rc file raises ``maxrequestspersecond``.
* AnchorCheck. With the plugin enabled linkchecker caches a URL *with* its
  fragment (urlbase.set_cache_url), so ``page/#a`` and ``page/#b`` are two
  downloads and two BeautifulSoup parses of the same page - every toc and
  permalink entry of every page is one more request. Most of the cost of
  anchor checking is that fan-out times the throttle delay; with the throttle
  lifted and threads, it is bounded by parsing.
* A missing anchor is a *warning* in linkchecker, not an error, so warnings
  stay on (never ``--no-warnings``) and every warning counts as a failure,
  except the tags in IGNORE_WARNINGS (redirects of a static server).
* Every HTML page is a start URL, so pages that nothing links to are checked
  too; the search index, sitemaps and theme assets are not followed. The
  whole served site is declared internal (``internlinks``): by default only
  URLs under a start URL's directory are fetched, the others get a syntax
  check only - a broken link from /en/cases/a/ to /en/cases/b/#x would pass.
* Run as root, linkchecker drops its privileges to ``nobody``: the rc file and
  its directory are made world-readable (the site is served by this process).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .sites import SiteServer

ROOT = Path(__file__).resolve().parents[1]
LINKCHECKER = Path(sys.executable).parent / "linkchecker"

IGNORE_URLS = [
    r"/search/search_index\.json$",
    r"/sitemap\.xml(\.gz)?$",
    r"/assets/(javascripts|stylesheets|images)/",
    r"^https?://(?!127\.0\.0\.1)",  # external links: the intranet build has none to check
]
IGNORE_WARNINGS = ["http-redirected", "url-effective-url"]

RC = r"""[checking]
threads={threads}
maxrequestspersecond=1000
recursionlevel=1
timeout=30

[filtering]
ignore=
{ignore}
ignorewarnings={ignorewarnings}
# every URL of the served site is internal: without this, linkchecker takes the
# directory of each start URL as "internal" and only syntax-checks the rest
internlinks=^http://127\.0\.0\.1:[0-9]+/
checkextern=0

[output]
warnings=1

[AnchorCheck]
"""


@dataclass(frozen=True, order=True)
class Problem:
    url: str
    parent: str
    line: int
    col: int
    message: str

    def text(self) -> str:
        return f"{self.url}: parent {self.parent or '-'} {self.line}:{self.col}: {self.message}"


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1; yields the base URL (``http://127.0.0.1:PORT/``)."""
    # the header lifts linkchecker's per-host throttle (see the module docstring)
    with SiteServer(site_dir, headers={"LinkChecker": "allow"}) as server:
        yield server.url("/")


def html_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site, as site-relative URLs (directory URLs for index.html)."""
    out = []
    for p in sorted(site_dir.rglob("*.html")):
        rel = p.relative_to(site_dir).as_posix()
        if rel.startswith(("assets/", "search/")) or "/search/" in rel:
            continue
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def _world_readable(path: Path) -> None:
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        mode = p.stat().st_mode
        p.chmod(
            mode
            | stat.S_IRUSR
            | stat.S_IRGRP
            | stat.S_IROTH
            | ((stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH) if p.is_dir() else 0)
        )


def check(site_dir: Path, threads: int = 10, jobs: int | None = None, pages: list[str] | None = None) -> list[Problem]:
    """Run linkchecker over every HTML page of a built site; the problems found.

    linkchecker is CPU-bound here (one BeautifulSoup parse per checked URL with
    its fragment, under the GIL), so the pages are split over ``jobs`` processes.
    ``pages`` (site-relative URLs) limits the start pages; default: every page.
    """
    site_dir = Path(site_dir).resolve()
    _world_readable(site_dir)
    tmp = Path(tempfile.mkdtemp(prefix="kb-linkcheck-"))
    try:
        rc = tmp / "linkcheckerrc"
        rc.write_text(
            RC.format(
                threads=threads,
                ignore="\n".join(f"  {r}" for r in IGNORE_URLS),
                ignorewarnings=",".join(IGNORE_WARNINGS),
            ),
            encoding="utf-8",
        )
        _world_readable(tmp)
        with serve(site_dir) as base:
            pages = html_pages(site_dir) if pages is None else pages
            jobs = max(1, min(jobs or os.cpu_count() or 1, len(pages)))
            chunks = [pages[i::jobs] for i in range(jobs)]
            procs = [
                subprocess.Popen(
                    [
                        str(LINKCHECKER),
                        "--config",
                        str(rc),
                        "--no-status",
                        "-o",
                        "csv/utf-8",
                        *[base + u for u in chunk],
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    cwd=tmp,
                )
                for chunk in chunks
            ]
            results = [(p, *p.communicate()) for p in procs]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    problems: set[Problem] = set()
    for proc, out, err in results:
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"linkchecker failed ({proc.returncode}):\n{err}")
        found = parse_csv(out, base)
        if proc.returncode == 1 and not found:
            raise RuntimeError(f"linkchecker reported problems that could not be read:\n{out}")
        problems.update(found)
    return sorted(problems)


def parse_csv(out: str, base: str = "") -> list[Problem]:
    # comment lines start with "# "; a row of a same-page anchor starts with "#id;"
    rows = [l for l in out.splitlines() if l and not l.startswith("# ") and l != "#"]
    problems = []
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        valid = row.get("valid") == "True"
        warning = (row.get("warningstring") or "").strip()
        if valid and not warning:
            continue
        message = row.get("result") if not valid else warning
        url = row.get("url") or row.get("urlname") or ""
        parent = row.get("parentname") or ""
        problems.append(
            Problem(
                _rel(url, base),
                _rel(parent, base),
                int(row.get("line") or 0),
                int(row.get("column") or 0),
                " ".join((message or "").split()),
            )
        )
    return sorted(set(problems))


def _rel(url: str, base: str) -> str:
    return "/" + url[len(base) :] if base and url.startswith(base) else url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Check links and anchors of a built site with linkchecker.")
    ap.add_argument("site_dir", type=Path)
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--threads", type=int, default=10, help="threads of each linkchecker process")
    ap.add_argument("--jobs", type=int, default=None, help="linkchecker processes (default: CPU count)")
    args = ap.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        print(f"linkcheck.py: {args.site_dir}: not a built site (no index.html)", file=sys.stderr)
        return 2
    problems = check(args.site_dir, args.threads, args.jobs)
    if args.format == "json":
        print(json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2))
    else:
        for p in problems:
            print(p.text())
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
