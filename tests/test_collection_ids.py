"""Collection IDs: reserved names, the index page, alias clashes. What the
strict build refuses, the checkers report too (issue 20, items 2 and 5)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import build_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", d)
    return d


def check(docs: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--docs", str(docs), "--config", str(ROOT / "mkdocs.yml")],
        capture_output=True,
        text=True,
    )


def test_an_index_page_without_its_list_is_reported(docs: Path, tmp_path: Path) -> None:
    # what an import of a case with ID "index" did: the case list replaced by a case page
    for name in ("index.md", "index.en.md"):
        page = docs / "cases" / name
        page.write_text(page.read_text(encoding="utf-8").replace("<!-- kb:collection-index -->", ""), "utf-8")
    proc = check(docs)
    assert proc.returncode == 1
    assert "cases/index.md:1:1: XRF014" in proc.stdout and "cases/index.en.md:1:1: XRF014" in proc.stdout
    built = build_site(tmp_path / "site", docs_dir=docs, tmp=tmp_path)
    assert built.returncode != 0 and "XRF014" in built.stdout + built.stderr


def test_a_reserved_or_malformed_id_is_reported(docs: Path) -> None:
    for old, new in (("cd-shijicheng", "con"), ("lz-longpanyuan-136", "LZ_Longpanyuan")):
        for suffix in (".md", ".en.md"):
            src = docs / "cases" / f"{old}{suffix}"
            text = src.read_text(encoding="utf-8").replace(f"id: {old}", f"id: {new}")
            (docs / "cases" / f"{new}{suffix}").write_text(text, encoding="utf-8")
            src.unlink()
    proc = check(docs)
    assert "cases/con.md:1:1: XRF013" in proc.stdout and "reserved" in proc.stdout
    assert "cases/LZ_Longpanyuan.md:1:1: XRF013" in proc.stdout


def test_an_alias_that_is_another_pages_id_is_reported_by_the_checkers(docs: Path) -> None:
    for suffix in (".md", ".en.md"):
        page = docs / "cases" / f"cd-shijicheng{suffix}"
        text = page.read_text(encoding="utf-8").replace("aliases: []", "aliases: [lz-longpanyuan-136]")
        page.write_text(text, encoding="utf-8")
    proc = check(docs)
    assert proc.returncode == 1, proc.stdout
    assert "docs/cases/cd-shijicheng.md:14:1: KB105" in proc.stdout.replace(str(docs.parent) + "/", ""), proc.stdout
    assert "lz-longpanyuan-136" in proc.stdout
