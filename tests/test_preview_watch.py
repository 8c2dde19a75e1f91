"""``kb serve``'s watching by file system events (:mod:`kb.preview_watch`):
which events count as a save, and the signature after one, looked at only
where the events point."""

from __future__ import annotations

import os
from pathlib import Path

from kb.preview_watch import Changes, updated


def _signature(root: Path) -> tuple:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            st = os.stat(os.path.join(dirpath, f))
            out.append((os.path.join(dirpath, f), st.st_size, st.st_mtime_ns))
    return tuple(out)


def test_the_signature_after_a_save_is_the_one_a_full_look_gives(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "cases").mkdir(parents=True)
    for name in ("a.md", "cases/b.md", "cases/c.md"):
        (docs / name).write_text(name, encoding="utf-8")
    before = _signature(docs)
    (docs / "a.md").write_text("changed", encoding="utf-8")
    assert sorted(updated(before, {str(docs / "a.md")})) == sorted(_signature(docs))
    (docs / "cases" / "c.md").unlink()  # a page deleted
    (docs / "new").mkdir()
    (docs / "new" / "d.md").write_text("d", encoding="utf-8")  # a folder moved in: one event, for it
    after = updated(before, {str(docs / "a.md"), str(docs / "cases" / "c.md"), str(docs / "new")})
    assert sorted(after) == sorted(_signature(docs))
    os.rename(docs / "cases", tmp_path / "elsewhere")  # a folder moved out: its files leave
    assert sorted(updated(after, {str(docs / "cases")})) == sorted(_signature(docs))


def test_reads_are_not_saves_and_a_save_is_one_batch(tmp_path: Path) -> None:
    docs, config = tmp_path / "docs", tmp_path / "mkdocs.yml"
    docs.mkdir()
    (docs / "a.md").write_text("a", encoding="utf-8")
    (docs / "__pycache__").mkdir()
    config.write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("x", encoding="utf-8")
    changes = Changes()
    changes.watch([config, docs])
    try:
        (docs / "__pycache__" / "x.pyc").write_bytes(b"x")  # left out of the signature
        (tmp_path / "other.txt").write_text("y", encoding="utf-8")  # beside the config, not watched
        assert changes.wait(0.5) == set()
        delivered = changes.delivered
        for _ in range(20):  # what a build does to every page and to the config
            (docs / "a.md").read_text(encoding="utf-8")
            config.read_text(encoding="utf-8")
        assert changes.wait(0.3) == set()
        # the kernel is not asked for reads at all: each one reported cost the build a Python call
        assert changes.delivered == delivered, changes.delivered - delivered
        tmp = docs / ".a.md.swp-tmp"  # an editor's save: a new file renamed over the page
        tmp.write_text("b", encoding="utf-8")
        os.replace(tmp, docs / "a.md")
        config.write_text("site_name: y\n", encoding="utf-8")
        got = changes.wait(5)
        assert str(docs / "a.md") in got and str(config) in got, got
        assert changes.wait(0.3) == set()  # the save's events came in one batch
    finally:
        changes.stop()
