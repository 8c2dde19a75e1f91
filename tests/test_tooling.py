"""The editor's tooling: the `kb` command and the pre-commit hooks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def test_kb_lists_its_subcommands_and_refuses_an_unknown_one() -> None:
    out = run(str(BIN / "kb"), "--help")
    assert out.returncode == 0
    for sub in ("check", "fix", "build", "serve", "publish", "import-cases", "report", "bench", "rehearse-ci"):
        assert f"kb {sub}" in out.stdout, sub
    bad = run(str(BIN / "kb"), "no-such-command")
    assert bad.returncode == 2 and "unknown command 'no-such-command'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_kb_check_is_the_script(tmp_path: Path) -> None:
    a = run(str(BIN / "kb"), "check", "--format", "json")
    b = run(sys.executable, "scripts/check.py", "--format", "json")
    assert (a.returncode, a.stdout) == (b.returncode, b.stdout) == (0, "[]\n")


def test_pre_commit_hooks_pass_on_the_repository_and_stop_a_damaged_page(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    for hook in hooks:
        assert (ROOT / hook["entry"].split()[0]).exists(), hook["entry"]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    shutil.copy2(ROOT / ".pre-commit-config.yaml", clone / ".pre-commit-config.yaml")
    env_home = {"PRE_COMMIT_HOME": str(tmp_path / "pc-home")}
    pc = [str(BIN / "pre-commit"), "run", "--all-files"]
    ok = subprocess.run(pc, cwd=clone, capture_output=True, text=True, env={**_env(), **env_home})
    assert ok.returncode == 0, ok.stdout + ok.stderr
    page = clone / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8").replace("。", ".", 1), encoding="utf-8")
    bad = subprocess.run(pc, cwd=clone, capture_output=True, text=True, env={**_env(), **env_home})
    assert bad.returncode == 1, bad.stdout
    assert "docs/about.md:" in bad.stdout and "TYP001" in bad.stdout


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PRE_COMMIT_HOME"} | {"PATH": f"{BIN}:{os.environ['PATH']}"}


def test_a_reader_that_stops_reading_early_gets_no_traceback() -> None:
    # `kb --help | head -1`: the pipe closes before kb has written everything
    proc = subprocess.Popen([str(BIN / "kb"), "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before kb has started writing
    err = proc.stderr.read().decode()
    proc.wait(timeout=30)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_kb_serve_checks_the_docs_of_the_config_it_previews(tmp_path: Path, monkeypatch) -> None:
    import kb.preview
    import kb.runner
    from kb.cli import serve

    docs = tmp_path / "other-docs"
    docs.mkdir()
    cfg = tmp_path / "other.yml"
    cfg.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nhooks:\n  - {ROOT / 'scripts' / 'mkdocs_hooks.py'}\n"
        f"theme:\n  name: material\n  custom_dir: {ROOT / 'overrides'}\n",
        encoding="utf-8",
    )
    checked: list[tuple[Path, Path]] = []
    monkeypatch.setattr(kb.runner, "run_checks", lambda d, c: checked.append((Path(d), Path(c))))
    monkeypatch.setattr(kb.preview, "main", lambda argv: 0)
    assert serve(["-f", str(cfg)]) == 0
    assert checked == [(docs, cfg)]


def test_scripts_dev_finds_nothing_missing_once_it_has_set_the_machine_up() -> None:
    """The tests run after ``bash scripts/dev test`` installed what they need: its
    check must then find nothing missing. (Under ``set -o pipefail``, ``fc-list |
    grep -q`` failed whenever grep stopped reading early: the font was "missing"
    on every run, and every run called apt-get, with sudo for a user.)"""
    proc = subprocess.run(["bash", str(ROOT / "scripts/dev"), "missing"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", proc.stdout
