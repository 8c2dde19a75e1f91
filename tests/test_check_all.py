"""scripts/check.py (both checkers in one process) and the per-page result
cache it shares with them: same findings as the two checkers, and a cached
result is never stale (an English page is re-checked when only its Chinese
page changed; every page when the term base changed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import ROOT

from kb.checks import termcheck, xrefs
from kb.model import site as kbsite
from kb.model import terms
from kb.model.paths import TERMS_FILE

PY = sys.executable
SCRIPTS = ROOT / "scripts"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, *args], capture_output=True, text=True, cwd=ROOT, env=env)


def finding_lines(out: str) -> list[str]:
    return sorted(line for line in out.splitlines() if line.strip())


@pytest.fixture()
def damaged(tmp_path: Path) -> Path:
    """A copy of docs/ with a broken link, a wrong term, a half-width comma and a stale translation."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "scripts" / "data").mkdir(parents=True)
    shutil.copy(SCRIPTS / "data" / "single-language.yml", tmp_path / "scripts" / "data" / "single-language.yml")
    page = docs / "course" / "overview.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n三事分离,见[缺页](no-such-page.md)。\n", encoding="utf-8")
    return docs


def test_one_process_reports_what_the_two_checkers_report(damaged: Path) -> None:
    both = run(str(SCRIPTS / "check.py"), "--docs", str(damaged))
    terms_run = run(str(SCRIPTS / "check_terms.py"), str(damaged))
    xrefs_run = run(str(SCRIPTS / "check_xrefs.py"), "--docs", str(damaged))
    assert both.returncode == 1, both.stderr
    expected = finding_lines(terms_run.stdout + xrefs_run.stdout)
    assert finding_lines(both.stdout) == expected
    codes = {line.split(": ")[1].split()[0] for line in expected}
    assert {"TRM001", "TYP001", "XRF001", "XRF040"} <= codes, expected
    js = run(str(SCRIPTS / "check.py"), "--docs", str(damaged), "--format", "json")
    rows = json.loads(js.stdout)
    assert js.returncode == 1
    assert sorted(f"{r['path']}:{r['line']}:{r['col']}: {r['code']} {r['message']}" for r in rows) == expected
    only = run(str(SCRIPTS / "check.py"), "--docs", str(damaged), "--select", "XRF001")
    assert [line.split(": ")[1].split()[0] for line in finding_lines(only.stdout)] == ["XRF001"]


def test_the_real_docs_are_clean_and_bad_usage_is_exit_2() -> None:
    r = run(str(SCRIPTS / "check.py"))
    assert (r.returncode, r.stdout) == (0, ""), r.stdout + r.stderr
    missing = run(str(SCRIPTS / "check.py"), "--docs", "no/such/dir")
    assert missing.returncode == 2 and "not a directory" in missing.stderr


def _tasks(terms_file: Path = TERMS_FILE):
    tb = terms.load(terms_file)
    return [termcheck.page_task(tb, terms_file), *xrefs.page_tasks()]


def _term_codes(site: kbsite.Site, rel: str) -> list[str]:
    return sorted(f.code for f in site.result("terms", rel).findings)


def test_an_english_page_is_rechecked_when_only_its_chinese_page_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "a").mkdir(parents=True)
    zh, en = docs / "a" / "index.md", docs / "a" / "index.en.md"  # index pages need no sources section
    zh.write_text("# 标题\n\n社区实行三事分流。\n", encoding="utf-8")
    en.write_text("# Title\n\nThe community applies three-way issue triage.\n", encoding="utf-8")
    first = kbsite.Site.load(docs, cache=True, tasks=_tasks())
    assert _term_codes(first, "a/index.en.md") == []
    # the English file is untouched; the Chinese page now uses another term
    zh.write_text("# 标题\n\n社区实行三事分流，推行“四联双报到”。\n", encoding="utf-8")
    second = kbsite.Site.load(docs, cache=True, tasks=_tasks())
    assert "TRM002" in _term_codes(second, "a/index.en.md")
    assert (
        second.result("terms", "a/index.en.md").findings
        == kbsite.Site.load(docs, cache=False, tasks=_tasks()).result("terms", "a/index.en.md").findings
    )


def test_every_page_is_rechecked_when_the_term_base_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 标题\n\n这是一个普通的段落，写着试点社区。\n", encoding="utf-8")
    tb_file = tmp_path / "terms.yml"
    shutil.copy(TERMS_FILE, tb_file)
    assert _term_codes(kbsite.Site.load(docs, cache=True, tasks=_tasks(tb_file)), "index.md") == []
    text = tb_file.read_text(encoding="utf-8")
    tb_file.write_text(
        text.replace("misspellings:\n", "misspellings:\n  - wrong: 试点社区\n    right: 示范社区\n", 1),
        encoding="utf-8",
    )
    assert "TRM001" in _term_codes(kbsite.Site.load(docs, cache=True, tasks=_tasks(tb_file)), "index.md")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the load never forks")
def test_parallel_and_serial_loads_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cold start on every core gives what one process gives."""
    monkeypatch.setattr(kbsite, "PARALLEL_FROM", 10**9)
    serial = kbsite.Site.load(ROOT / "docs", cache=False, tasks=_tasks())
    pools = []
    import concurrent.futures as cf

    class CountingPool(cf.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(cf, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(kbsite, "PARALLEL_FROM", 1)
    parallel = kbsite.Site.load(ROOT / "docs", cache=False, tasks=_tasks())
    assert pools, "the parallel load did not start worker processes"
    assert parallel.docs == serial.docs
    for name in ("terms", "fingerprint", "schema"):
        assert parallel.results[name] == serial.results[name], name


def test_a_warm_load_parses_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "course", docs / "course")
    cold = kbsite.Site.load(docs, cache=True, tasks=_tasks())
    parsed: list[str] = []
    real = kbsite._parse_bytes
    monkeypatch.setattr(kbsite, "_parse_bytes", lambda rel, data: parsed.append(rel) or real(rel, data))
    monkeypatch.setattr(kbsite, "PARALLEL_FROM", 10**9)  # parse in this process, where the counter is
    warm = kbsite.Site.load(docs, cache=True, tasks=_tasks())
    assert parsed == [] and warm.docs == cold.docs and warm.results == cold.results
    page = docs / "course" / "overview.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAn added line.\n", encoding="utf-8")
    kbsite.Site.load(docs, cache=True, tasks=_tasks())
    assert parsed == ["course/overview.en.md"]
