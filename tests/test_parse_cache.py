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


def test_the_build_uses_the_checkers_parse_of_a_page(tmp_path: Path) -> None:
    """Checks and "referenced by" share one parse per page: the build's state
    hands out the parse cache's Doc when the body is the one MkDocs read."""
    from kb.build.registry import BuildState, PageRecord
    from kb.model.mdparse import parse_front_matter

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "cases", docs / "cases")
    site = Site.load(docs)
    rel = "cases/lz-longpanyuan-136.md"
    doc = site.docs[rel]
    body = "\n".join(doc.lines[parse_front_matter(rel, doc.text)[3] - 1 :])
    state = BuildState(docs=site.docs)
    rec = PageRecord(rel, rel, "zh", "cases/lz-longpanyuan-136/", "t", {}, body.lstrip("\n"))
    assert state.parsed(rec) is doc
    changed = PageRecord(rel, rel, "zh", "cases/lz-longpanyuan-136/", "t", {}, "edited in memory")
    assert state.parsed(changed) is not doc and state.parsed(changed).text == "edited in memory"
