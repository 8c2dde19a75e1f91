"""Shared fixtures: the real site is built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_support import launch_chromium
from playwright.sync_api import sync_playwright
from sitebuild import build_site

from kb.sites import SiteServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """A strict build of the real docs/ (the same build CI publishes)."""
    site = tmp_path_factory.mktemp("site") / "site"
    proc = build_site(site)
    assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
    return site


# --- one site server and one browser for every browser test -------------------


@pytest.fixture(scope="session")
def browser_site(request) -> Path:
    override = os.environ.get("KB_BROWSER_SITE")
    if override:
        return Path(override)
    return request.getfixturevalue("built_site")


@pytest.fixture(scope="session")
def site_server(browser_site: Path):
    with SiteServer(browser_site) as srv:
        yield srv


@pytest.fixture(scope="session")
def chromium():
    pw = sync_playwright().start()
    browser = launch_chromium(pw)
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


# --- long subprocess runs that overlap the rest of the session -----------------

QUICK_BENCH = "tests/test_bench.py::test_quick_benchmark_prints_the_table_with_every_row_and_ratio"
_STARTED = pytest.StashKey[dict]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the quick benchmark (about 90 s, most of it linkchecker on one
    core while the suite runs on the other) when its test is selected, so it
    runs beside the tests before it; its test waits for it and reads what it printed."""
    started: dict = {}
    session.config.stash[_STARTED] = started
    if any(item.nodeid == QUICK_BENCH for item in session.items):
        import subprocess
        import sys
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="kb-quick-bench-"))
        out, err = (folder / "stdout").open("w"), (folder / "stderr").open("w")
        args = [sys.executable, str(ROOT / "scripts/bench.py"), "--quick"]
        started[QUICK_BENCH] = (subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, text=True), folder)


def pytest_sessionfinish(session: pytest.Session) -> None:
    for proc, _folder in session.config.stash.get(_STARTED, {}).values():
        if proc.poll() is None:  # the session stopped before its test (-x, Ctrl-C)
            proc.kill()
            proc.wait()


@pytest.fixture
def quick_bench(request) -> tuple[int, str, str]:
    """The quick benchmark started with the session: its exit status, stdout and stderr."""
    import shutil

    proc, folder = request.config.stash[_STARTED][QUICK_BENCH]
    proc.wait(timeout=600)
    try:
        return proc.returncode, (folder / "stdout").read_text(), (folder / "stderr").read_text()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
