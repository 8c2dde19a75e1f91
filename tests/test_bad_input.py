"""Bad input gives a clear error, never a traceback nor a silent skip
(issue 20, items 11, 12, 14 and the --fix hardening)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.checks import terms_cli

ROOT = Path(__file__).resolve().parents[1]
PAGE = "---\ntitle: 测试页面\ndescription: 一句话说明。\n---\n\n# 测试页面 {#test}\n\n社区党组织引领基层治理。\n"


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    return tmp_path


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


def test_a_byte_order_mark_does_not_hide_the_front_matter(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_bytes("\ufeff".encode() + PAGE.encode())
    for script in ("check_terms.py", "check.py"):
        proc = run(script, *(["docs"] if script == "check_terms.py" else ["--docs", "docs"]), cwd=project)
        no_traceback(proc)
        assert "TYP001" not in proc.stdout, proc.stdout
    fixed = run("check_terms.py", "--fix", "docs", cwd=project)
    no_traceback(fixed)
    assert page.read_bytes() == "\ufeff".encode() + PAGE.encode(), "--fix changed a page with nothing to fix"


@pytest.mark.parametrize(
    "damage",
    ["\r", "\r\r\n", "社区\r党组织", "\n\r", "第一段\r\r\r\r## 小节 {#s}\r\r段落，内容。\r\r- 列表\r- 项目\r\n"],
)
def test_stray_carriage_returns_are_read_like_mkdocs_reads_them(project: Path, damage: str) -> None:
    page = project / "docs" / "index.md"
    page.write_bytes((PAGE + damage + "居民议事会，每月召开。\n").encode())
    for script, args in (("check_terms.py", ["docs"]), ("check.py", ["--docs", "docs"])):
        proc = run(script, *args, cwd=project)
        no_traceback(proc)
        assert proc.returncode in (0, 1), proc.stderr


def test_fix_keeps_crlf_line_endings(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_bytes(PAGE.replace("。\n", ",好。\n", 1).replace("\n", "\r\n").encode())
    proc = run("check_terms.py", "--fix", "docs", cwd=project)
    no_traceback(proc)
    data = page.read_bytes()
    assert "，好".encode() in data, data
    assert b"\n" not in data.replace(b"\r\n", b""), "--fix turned CRLF into LF"


def test_fix_does_not_write_through_a_symlink(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(PAGE.replace("。\n", ",好。\n", 1), encoding="utf-8")
    before = outside.read_bytes()
    (project / "docs" / "linked.md").symlink_to(outside)
    proc = run("check_terms.py", "--fix", "docs", cwd=project)
    no_traceback(proc)
    assert outside.read_bytes() == before
    assert "linked.md" in proc.stdout + proc.stderr and "symbolic link" in proc.stdout + proc.stderr


def test_an_unreadable_folder_is_an_error_not_a_skip(project: Path, monkeypatch, capsys) -> None:
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    (project / "docs" / "secret").mkdir()
    (project / "docs" / "secret" / "page.md").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(project)
    assert terms_cli.main(["docs"]) == 2
    err = capsys.readouterr().err
    assert "secret" in err and "Permission denied" in err


def test_an_unreadable_file_is_an_error_not_a_traceback(project: Path, monkeypatch, capsys) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "index.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.chdir(project)
    assert terms_cli.main(["docs"]) == 2
    assert "index.md" in capsys.readouterr().err


def test_a_symlink_loop_in_docs_is_reported(project: Path) -> None:
    (project / "docs" / "loop").symlink_to(project / "docs")
    for script, args in (("check_terms.py", ["docs"]), ("check.py", ["--docs", "docs"])):
        proc = run(script, *args, cwd=project)
        no_traceback(proc)
        assert proc.returncode == 2 and "loop" in proc.stderr, proc.stderr


def test_a_malformed_mkdocs_yml_is_a_clear_error(project: Path) -> None:
    (project / "mkdocs.yml").write_text("site_name: x\nnav:\n  - [unclosed\n", encoding="utf-8")
    proc = run("check.py", "--docs", "docs", cwd=project)
    no_traceback(proc)
    assert proc.returncode == 2 and "mkdocs.yml:" in proc.stderr, proc.stderr
    built = run("build.py", "-f", str(project / "mkdocs.yml"), "--site-dir", str(project / "site"), cwd=project)
    no_traceback(built)
    assert built.returncode == 2 and "mkdocs.yml" in built.stderr, built.stderr


def test_a_broken_term_base_is_a_clear_error_for_each_checker(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "terms.yml"
    bad.write_text("terms:\n  - id: [\n", encoding="utf-8")
    proc = run("check_terms.py", "--terms", str(bad), "docs", cwd=project)
    no_traceback(proc)
    assert proc.returncode == 2 and "terms.yml" in proc.stderr
    shutil.rmtree(tmp_path / "docs", ignore_errors=True)


def test_a_front_matter_key_given_twice_is_reported(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_text(PAGE.replace("description:", "title: 另一个标题\ndescription:", 1), encoding="utf-8")
    proc = run("check.py", "--docs", "docs", cwd=project)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "docs/index.md:3:1: KB001" in proc.stdout and "'title' twice" in proc.stdout, proc.stdout


def test_kb_build_refuses_a_symlink_loop_with_a_message(project: Path) -> None:
    (project / "docs" / "loop").symlink_to(project / "docs")
    (project / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    proc = run("build.py", "-f", str(project / "mkdocs.yml"), "--site-dir", str(project / "site"), cwd=project)
    no_traceback(proc)
    assert proc.returncode == 2 and "loop" in proc.stderr, proc.stderr
