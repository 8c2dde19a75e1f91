"""`kb build` (scripts/build.py) never deletes what it did not make, checks
exactly the tree it builds, and swaps the new site in with no moment without one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb import runner

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "scripts" / "build.py"


def build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD), *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize(
    "target, why",
    [
        (ROOT, "the repository"),
        (ROOT.parent, "a parent of the repository"),
        (ROOT / "docs", "the docs directory"),
        (ROOT / "docs" / "cases", "inside the docs directory"),
        (ROOT / "scripts", "inside the repository's sources"),
        (Path("/"), "a parent of the repository"),
    ],
)
def test_targets_that_hold_sources_are_refused(target: Path, why: str) -> None:
    problem = runner.site_dir_problem(target, docs=ROOT / "docs", config=ROOT / "mkdocs.yml")
    assert problem is not None and why in problem, problem


def test_the_default_target_and_a_previous_build_are_accepted(tmp_path: Path) -> None:
    assert runner.site_dir_problem(ROOT / "site", docs=ROOT / "docs", config=ROOT / "mkdocs.yml") is None
    prev = tmp_path / "out"
    prev.mkdir()
    (prev / ".kb-build.json").write_text("{}")
    (prev / "index.html").write_text("old")
    assert runner.site_dir_problem(prev, docs=ROOT / "docs", config=ROOT / "mkdocs.yml") is None
    assert runner.site_dir_problem(tmp_path / "new", docs=ROOT / "docs", config=ROOT / "mkdocs.yml") is None


def test_a_non_empty_folder_that_is_no_build_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "mine.txt").write_text("an editor's file", encoding="utf-8")
    proc = build("--site-dir", str(target), "--skip-checks")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "not a previous build" in proc.stderr and "Traceback" not in proc.stderr
    assert (target / "mine.txt").read_text(encoding="utf-8") == "an editor's file"
    assert sorted(os.listdir(target)) == ["mine.txt"]


def test_another_config_is_checked_on_its_own_docs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    page = docs / "about.md"
    page.write_text(page.read_text(encoding="utf-8").replace("。", ",", 1), encoding="utf-8")  # TYP001
    cfg = tmp_path / "other.yml"
    cfg.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nhooks:\n  - {ROOT / 'scripts/mkdocs_hooks.py'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    proc = build("-f", str(cfg), "--site-dir", str(site))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "about.md" in proc.stdout and "TYP001" in proc.stdout
    assert not site.exists()


def test_the_marker_names_the_tree_and_config_that_were_checked(tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = build("--site-dir", str(site))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    marker = json.loads((site / ".kb-build.json").read_text(encoding="utf-8"))
    assert marker["checks"] == {"check_terms": "passed", "check_xrefs": "passed"}
    assert marker["docs_dir"] == "docs" and marker["config"] == "mkdocs.yml"
    assert len(marker["docs_sha256"]) == 64
    assert marker["docs_sha256"] == runner.tree_digest(ROOT / "docs")


def test_a_failure_during_the_swap_leaves_a_complete_site(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / ".kb-build.json").write_text("{}")
    (site / "index.html").write_text("old")
    staging = tmp_path / ".site-staging-1"
    staging.mkdir()
    (staging / "index.html").write_text("new")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies right after its first step

    monkeypatch.setattr(os, "rename", killed)
    monkeypatch.setattr(Path, "rename", killed)
    monkeypatch.setattr(shutil, "rmtree", killed)
    with pytest.raises(KeyboardInterrupt):
        runner.swap_into_place(staging, site)
    assert (site / "index.html").read_text() in ("old", "new")


def test_stale_staging_folders_are_cleaned_at_the_next_run(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the kernel's pid_max: never a live process
    stale = [tmp_path / f".site-staging-{dead}", tmp_path / f".site-old-{dead}"]
    for d in stale:
        (d / "sub").mkdir(parents=True)
        (d / "sub" / "x.html").write_text("x")
    live = tmp_path / f".site-staging-{os.getpid()}"
    live.mkdir()
    keep = tmp_path / ".site-staging-notapid"
    keep.mkdir()
    runner.clean_stale_staging(tmp_path / "site")
    assert not any(d.exists() for d in stale)
    assert live.exists() and keep.exists()
