"""The page index's parse cache never serves a stale page."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitebuild import ROOT

from kb.model.site import Site, _cache_path


def test_cache_hit_equals_a_fresh_parse_and_a_change_is_seen(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "course", docs / "course")
    cold = Site.load(docs)
    assert _cache_path(docs).exists()
    warm = Site.load(docs)
    assert warm.docs == cold.docs == Site.load(docs, cache=False).docs
    page = docs / "course" / "overview.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## 新增小节 {#added}\n", encoding="utf-8")
    changed = Site.load(docs)
    assert "added" in changed.docs["course/overview.md"].anchors
    assert "added" not in cold.docs["course/overview.md"].anchors


def test_a_damaged_cache_is_a_cold_start(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "course", docs / "course")
    Site.load(docs)
    _cache_path(docs).write_bytes(b"not a pickle")
    assert Site.load(docs).docs == Site.load(docs, cache=False).docs
