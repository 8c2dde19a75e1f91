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


def test_the_build_keeps_each_pages_link_targets_by_its_body(tmp_path: Path) -> None:
    """ "Referenced by" reads the pages each page links to from the render cache,
    kept under the page's path and body (parsing every page was a tenth of a warm
    build); another body is another entry."""
    from kb.build import backlinks, render_cache
    from kb.build.registry import PageRecord

    store = render_cache.Store(tmp_path / "render")
    render_cache.use(store, "global")
    backlinks._KEPT.clear()
    try:
        rec = PageRecord(
            "cases/a.md", "cases/a.md", "zh", "cases/a/", "t", {}, "见[乙](b.md)和[模块](../course/m.md#x)。"
        )
        assert backlinks.page_targets(rec) == ["cases/b.md", "course/m.md"]
        assert len(list(store.folder.rglob("*.json"))) == 1
        backlinks._KEPT.clear()  # a new process: read back from the store
        assert backlinks.page_targets(rec) == ["cases/b.md", "course/m.md"]
        assert len(list(store.folder.rglob("*.json"))) == 1
        rec.markdown = "见[乙](b.md)。"
        assert backlinks.page_targets(rec) == ["cases/b.md"]
        assert len(list(store.folder.rglob("*.json"))) == 2
    finally:
        render_cache.use(None)
