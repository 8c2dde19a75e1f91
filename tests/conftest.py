"""Shared fixtures: the real site is built once per test session."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
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

_STARTED = pytest.StashKey[dict]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that wait for the quick benchmark go last: it runs beside all the others."""
    items.sort(key=lambda item: "quick_bench" in getattr(item, "fixturenames", ()))  # stable: the rest keep their order


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the quick benchmark (about 80 s alone, most of it linkchecker) when
    a test that uses it is selected, so that it runs beside the rest of the
    session (its test runs last and waits for it)."""
    started: dict = {}
    session.config.stash[_STARTED] = started
    if session.config.option.collectonly or not any("quick_bench" in item.fixturenames for item in session.items):
        return
    folder = Path(tempfile.mkdtemp(prefix="kb-quick-bench-"))
    args = [sys.executable, str(ROOT / "scripts/bench.py"), "--quick"]
    with (folder / "stdout").open("w") as out, (folder / "stderr").open("w") as err:
        # its own process group: its builds, linkchecker and browser end with it
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, text=True, start_new_session=True)
    started["quick_bench"] = (proc, folder)


def pytest_sessionfinish(session: pytest.Session) -> None:
    for proc, folder in session.config.stash.get(_STARTED, {}).values():
        if proc.poll() is None:  # the session stopped before its test (-x, Ctrl-C): Ctrl-C it too
            os.killpg(proc.pid, signal.SIGINT)  # it removes its corpus and sites
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def quick_bench(request) -> tuple[int, str, str]:
    """``scripts/bench.py --quick``, started with the session: its exit status, stdout and stderr."""
    proc, folder = request.config.stash[_STARTED]["quick_bench"]
    proc.wait(timeout=600)
    return proc.returncode, (folder / "stdout").read_text(), (folder / "stderr").read_text()
