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
