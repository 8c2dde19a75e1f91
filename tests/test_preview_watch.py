"""``kb serve``'s watching by file system events (:mod:`kb.preview_watch`):
which events count as a save, and the signature after one, looked at only
where the events point."""

from __future__ import annotations

import os
import shutil
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


def test_a_touch_a_folder_made_again_and_a_project_under_a_cache_folder_are_seen(tmp_path: Path) -> None:
    root = tmp_path / ".cache" / "checkout"  # e.g. a clone kept under ~/.cache: its pages still count
    docs = root / "docs"
    (docs / "cases").mkdir(parents=True)
    (docs / "a.md").write_text("a", encoding="utf-8")
    changes = Changes()
    changes.watch([docs])
    try:
        os.utime(docs / "a.md", ns=(1, 2_000_000_000))  # touch: only the time changes
        assert changes.wait(5) == {str(docs / "a.md")}
        (docs / ".cache").mkdir()
        (docs / ".cache" / "x.json").write_text("{}", encoding="utf-8")  # a cache inside: left out
        assert changes.wait(0.5) == set()
        shutil.rmtree(docs)  # e.g. a checkout of another branch
        changes.wait(5)
        assert changes.lost  # the watch of the folder itself is gone
        docs.mkdir()
        (docs / "b.md").write_text("b", encoding="utf-8")
        assert changes.watch([docs])  # kb serve watches anew (and looks at every file once)
        (docs / "b.md").write_text("bb", encoding="utf-8")
        assert changes.wait(5) == {str(docs / "b.md")}
    finally:
        changes.stop()


def test_a_busy_folder_waits_out_its_events_up_to_the_longest_wait(tmp_path: Path, monkeypatch) -> None:
    """A checkout writes many files in a burst: the build starts once the burst
    is over or after :data:`LONGEST` seconds, not after a count of events."""
    import threading
    import time

    from kb import preview_watch

    monkeypatch.setattr(preview_watch, "QUIET", 0.2)
    monkeypatch.setattr(preview_watch, "LONGEST", 0.6)
    changes = Changes()
    changes.watch([tmp_path])
    stop = threading.Event()

    def burst() -> None:
        i = 0
        while not stop.is_set():
            (tmp_path / f"p{i % 50}.md").write_text(str(i), encoding="utf-8")
            i += 1
            time.sleep(0.01)

    writer = threading.Thread(target=burst)
    try:
        writer.start()
        t0 = time.monotonic()
        got = changes.wait(5)
        took = time.monotonic() - t0
        assert got and 0.5 <= took <= 2.0, took  # counting wake-ups ended it after a few events
    finally:
        stop.set()
        writer.join()
        changes.stop()


def test_a_save_only_the_look_at_every_file_found_builds_every_page(tmp_path: Path, monkeypatch) -> None:
    """A save whose events never came (here a page that is a link to a file
    outside the watched folder) is found by the look at every file, seconds or
    minutes after it: what the builds since then read of it cannot be known, so
    the build after that look is a full one; a save the events report builds
    only the pages it changes."""
    import threading
    import time

    from kb import preview, preview_watch

    docs, outside = tmp_path / "docs", tmp_path / "elsewhere"
    docs.mkdir()
    outside.mkdir()
    (outside / "target.md").write_text("# 甲\n", encoding="utf-8")
    (docs / "linked.md").symlink_to(outside / "target.md")
    (docs / "plain.md").write_text("# 乙\n", encoding="utf-8")
    asked: list[list[str] | None] = []

    class Recorded(preview.Preview):
        def watched(self) -> list[Path]:
            return [docs.resolve()]

        def rebuild(self, changed=None, seen=None, looked=None) -> bool:
            asked.append(changed)
            self.seen = seen
            return True

    p = Recorded(tmp_path / "mkdocs.yml", tmp_path / "site")
    p.docs_dir = docs
    p.seen = p.signature()
    monkeypatch.setattr(preview_watch, "FULL_LOOK", 2.0)
    monkeypatch.setattr(preview.Preview, "settle", lambda self: None)
    saves = [
        (0.5, lambda: (docs / "plain.md").write_text("# 乙\n\n新段落。\n", encoding="utf-8")),  # an event
        (1.0, lambda: (outside / "target.md").write_text("# 甲\n\n新段落。\n", encoding="utf-8")),  # no event
    ]
    timers = [threading.Timer(delay, save) for delay, save in saves]
    for timer in timers:
        timer.start()
    t0 = time.monotonic()
    preview.watch(p, interval=60, stop_after=4.0)
    for timer in timers:
        timer.join()
    assert time.monotonic() - t0 >= 2.0
    assert asked == [["plain.md"], None], asked
