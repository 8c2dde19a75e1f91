"""The real pipeline end to end: checks + strict build -> marker -> publish.

scripts/build.py leaves a marker that scripts/publish.py accepts, and the
"to be supplied" report counts the same places the marker records."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sitebuild import ROOT

PY = sys.executable


def _run_timed(args: list[str], env: dict) -> tuple[int, list[tuple[float, str]]]:
    """Run a command; its exit status and each line of its output with the time it arrived."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = [(time.monotonic(), line.rstrip("\n")) for line in proc.stdout]  # type: ignore[union-attr]
    return proc.wait(), lines


def test_build_then_publish_to_a_local_target(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "KB_PROGRESS_EVERY": "0", "PYTHONUNBUFFERED": "1"}  # a progress line per page
    rc, timed = _run_timed([PY, "scripts/build.py", "--site-dir", str(site)], env)
    out = "\n".join(line for _, line in timed)
    assert rc == 0, out
    # the build says how far it is while it runs, not once it has ended
    progress = [(t, line) for t, line in timed if line.startswith("==> building: ")]
    passed = next(t for t, line in timed if line.startswith("==> build passed"))
    assert any(re.fullmatch(r"==> building: zh, \d+/\d+ pages read \(\d+ s\)", line) for _, line in progress), out
    assert any(re.fullmatch(r"==> building: en, \d+/\d+ pages written \(\d+ s\)", line) for _, line in progress), out
    assert passed - progress[0][0] > 0.3, out
    proc = subprocess.CompletedProcess([], rc, stdout=out, stderr="")
    assert "==> check_terms: passed" in proc.stdout and "==> check_xrefs: passed" in proc.stdout
    marker = json.loads((site / ".kb-build.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{40}", marker["commit"]) and marker["strict"] is True
    assert marker["checks"] == {"check_terms": "passed", "check_xrefs": "passed"}
    report = subprocess.run([PY, "scripts/report_tbs.py", "--format", "json"], cwd=ROOT, capture_output=True, text=True)
    assert report.returncode == 0
    assert json.loads(report.stdout)["total"] == marker["to_be_supplied"] > 0
    # world-readable, for web servers and link checkers running as nobody
    assert all(p.stat().st_mode & 0o004 for p in site.rglob("*"))

    target = tmp_path / "www"
    args = ["--allow-dirty"] if marker.get("dirty") else []
    pub = subprocess.run(
        [PY, "scripts/publish.py", "publish", str(site), str(target), *args], cwd=ROOT, capture_output=True, text=True
    )
    assert pub.returncode == 0, pub.stdout + pub.stderr
    live = target / "current"
    assert (live / "index.html").read_bytes() == (site / "index.html").read_bytes()
    assert (live / "en" / "404.html").exists()


def test_report_lists_each_place_with_its_position(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text('# 甲\n\n发文日期：<span class="kb-tbs">待补充：原文未载明。</span>\n', encoding="utf-8")
    (docs / "a.en.md").write_text(
        '# A\n\nDate: <span class="kb-tbs">To be supplied: not given.</span>\n', encoding="utf-8"
    )
    proc = subprocess.run([PY, "scripts/report_tbs.py", "--docs", str(docs)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0
    assert "docs/a.md:3:6: TBS 待补充：原文未载明。" in proc.stdout
    assert "docs/a.en.md:3:7: TBS To be supplied: not given." in proc.stdout
    assert proc.stdout.strip().endswith("to be supplied: 2 places on 2 pages (zh 1, en 1)")
