"""Shared fixtures: the real site is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitebuild import build_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """A strict build of the real docs/ (the same build CI publishes)."""
    site = tmp_path_factory.mktemp("site") / "site"
    proc = build_site(site)
    assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
    return site
