"""scripts/check_xrefs.py: cross-references, translation pairs and stale translations.

Each rule has a good and a bad docs tree under tests/fixtures/xrefs/<rule>/
(written by tests/fixtures/xrefs/make_fixtures.py). The checker runs as a user
runs it (a subprocess, in the fixture's directory, ``--docs docs``): the bad
tree gives exactly the expected ``path:line:col: CODE`` lines, the good tree
nothing. The collection schema codes of kb.collections (another engineer's
rules) are left out with ``--select XRF,KB00`` except where tested on purpose.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.model import translations, tree

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_xrefs.py"
FIXTURES = ROOT / "tests" / "fixtures" / "xrefs"


SELECT = ["--select", "XRF,KB00"]

EXPECTED = {
    "absolute-link": [
        "docs/a.en.md:8:15: XRF003",
        "docs/a.md:7:9: XRF003",
    ],
    "cross-language": ["docs/a.md:7:9: XRF021"],
    "duplicate-id": [
        "docs/course/m.en.md:3:1: XRF011",
        "docs/course/m.md:3:1: XRF011",
    ],
    "front-matter": ["docs/a.md:3:1: KB001"],
    "heading-structure": [
        "docs/a.en.md:5:1: XRF030",
        "docs/a.en.md:10:1: XRF030",
    ],
    "id-stem": [
        "docs/cases/c1.en.md:3:1: XRF012",
        "docs/cases/c1.md:3:1: XRF012",
    ],
    "ignore": [
        "docs/a.en.md:8:15: XRF001",
        "docs/a.md:7:9: XRF001",
    ],
    "link-targets": [
        "docs/a.en.md:5:1: XRF031",
        "docs/a.en.md:8:15: XRF031",
    ],
    "missing-anchor": [
        "docs/b.en.md:8:24: XRF002",
        "docs/b.en.md:8:46: XRF002",
        "docs/b.md:7:8: XRF002",
        "docs/b.md:7:26: XRF002",
    ],
    "missing-page": [
        "docs/a.en.md:8:15: XRF001",
        "docs/a.en.md:8:32: XRF001",
        "docs/a.en.md:8:58: XRF001",
        "docs/a.md:7:9: XRF001",
        "docs/a.md:7:20: XRF001",
        "docs/a.md:7:36: XRF001",
    ],
    "missing-translation": [
        "docs/guide.en.md:1:1: XRF020",
        "docs/notice.md:1:1: XRF020",
    ],
    "nav-missing": ["mkdocs.yml:5:12: XRF051"],
    "orphan": ["docs/b.md:1:1: XRF050"],
    "related-ids": [
        "docs/cases/c1.en.md:4:1: XRF010",
        "docs/cases/c1.en.md:4:1: XRF010",
        "docs/cases/c1.en.md:14:26: XRF001",
        "docs/cases/c1.md:4:1: XRF010",
        "docs/cases/c1.md:4:1: XRF010",
        "docs/cases/c1.md:13:10: XRF001",
    ],
    "single-language-file": [
        "scripts/data/single-language.yml:2:1: XRF022",
        "scripts/data/single-language.yml:3:1: XRF022",
        "scripts/data/single-language.yml:5:1: XRF022",
    ],
    "stale": ["docs/a.en.md:3:1: XRF040"],
    "untracked": ["docs/a.en.md:1:1: XRF041"],
}


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True)


def codes_of(stdout: str) -> list[str]:
    return [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in stdout.splitlines()]


def test_every_rule_has_fixtures():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_bad_tree_gives_exactly_the_expected_findings(rule):
    proc = run("--docs", "docs", *SELECT, cwd=FIXTURES / rule / "bad")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert codes_of(proc.stdout) == EXPECTED[rule], proc.stdout


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_good_tree_is_silent(rule):
    proc = run("--docs", "docs", *SELECT, cwd=FIXTURES / rule / "good")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr


def test_messages_name_the_problem():
    out = run("--docs", "docs", cwd=FIXTURES / "missing-anchor" / "bad").stdout
    assert "docs/b.en.md:8:24: XRF002 link 'a.md#三事分流': 'a.en.md' has no anchor '#三事分流'" in out
    out = run("--docs", "docs", cwd=FIXTURES / "related-ids" / "bad").stdout
    assert "XRF010 related.policies: no policy with ID 'p-missing'" in out
    assert "XRF001 link '../playbooks/nope.md': target 'playbooks/nope.md' no playbook with ID 'nope'" in out


def test_json_output():
    proc = run("--docs", "docs", "--format", "json", *SELECT, cwd=FIXTURES / "stale" / "bad")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert len(data) == 1
    item = data[0]
    assert set(item) == {"path", "line", "col", "code", "severity", "message"}
    assert (item["path"], item["line"], item["col"], item["code"], item["severity"]) == (
        "docs/a.en.md",
        3,
        1,
        "XRF040",
        "error",
    )
    assert "stale translation" in item["message"]
    proc = run("--docs", "docs", "--format", "json", *SELECT, cwd=FIXTURES / "stale" / "good")
    assert (proc.returncode, json.loads(proc.stdout)) == (0, [])


def test_usage_errors_exit_2(tmp_path):
    assert run("--format", "xml").returncode == 2
    assert run("--docs", str(tmp_path / "nope")).returncode == 2
    assert run("--mark-translated", str(tmp_path / "page.md")).returncode == 2


def test_help_documents_every_code():
    out = run("--help").stdout
    for code in ("XRF001", "XRF002", "XRF010", "XRF020", "XRF030", "XRF040", "XRF041", "XRF050", "XRF051", "KB001"):
        assert code in out


def test_mark_translated_round_trip(tmp_path):
    shutil.copytree(FIXTURES / "stale" / "good", tmp_path / "p")
    proj = tmp_path / "p"
    assert run("--docs", "docs", cwd=proj).returncode == 0
    zh, en = proj / "docs/a.md", proj / "docs/a.en.md"
    before = en.read_text(encoding="utf-8")
    # trailing whitespace is not a change of the original
    zh.write_text(zh.read_text(encoding="utf-8").replace("正文。", "正文。   ") + "\n\n", encoding="utf-8")
    assert run("--docs", "docs", cwd=proj).returncode == 0
    zh.write_text(zh.read_text(encoding="utf-8").replace("正文。", "正文有变化。"), encoding="utf-8")
    proc = run("--docs", "docs", cwd=proj)
    assert proc.returncode == 1 and codes_of(proc.stdout) == ["docs/a.en.md:3:1: XRF040"], proc.stdout
    proc = run("--mark-translated", "docs/a.en.md", cwd=proj)
    assert proc.returncode == 0, proc.stderr
    fp = translations.file_fingerprint(zh)
    assert proc.stdout.strip() == f"docs/a.en.md: translated_from {fp}"
    after = en.read_text(encoding="utf-8")
    # only the translated_from line changed
    diff = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    old_line = before.splitlines()[2]
    assert old_line.startswith("translated_from: ")
    assert diff == [(old_line, f'translated_from: "{fp}"')]
    assert len(before.splitlines()) == len(after.splitlines())
    assert run("--docs", "docs", cwd=proj).returncode == 0


def test_mark_translated_inserts_the_line_and_keeps_the_rest(tmp_path):
    shutil.copytree(FIXTURES / "untracked" / "bad", tmp_path / "p")
    proj = tmp_path / "p"
    en = proj / "docs/a.en.md"
    before = en.read_text(encoding="utf-8")
    assert run("--docs", "docs", cwd=proj).returncode == 1
    assert run("--mark-translated", "docs/a.en.md", cwd=proj).returncode == 0
    after = en.read_text(encoding="utf-8")
    fp = translations.file_fingerprint(proj / "docs/a.md")
    assert after == before.replace("title: Page 甲\n", f'title: Page 甲\ntranslated_from: "{fp}"\n')
    assert run("--docs", "docs", cwd=proj).returncode == 0


def test_stamp_text_edge_cases():
    assert translations.stamp_text("# A\n", "abc") == '---\ntranslated_from: "abc"\n---\n# A\n'
    crlf = "---\r\ntitle: A\r\ntranslated_from: old\r\n---\r\n\r\n# A\r\n"
    assert translations.stamp_text(crlf, "abc") == crlf.replace("old", '"abc"')
    assert translations.recorded({"translated_from": 123456789012}) == "123456789012"


def test_fingerprint_matches_what_mkdocs_hands_to_the_hooks():
    from mkdocs.utils.meta import get_data

    text = (FIXTURES / "stale" / "good" / "docs" / "a.md").read_text(encoding="utf-8")
    body, _ = get_data(text)
    assert translations.fingerprint(body) == translations.file_fingerprint(FIXTURES / "stale/good/docs/a.md")


def test_schema_validation_of_kb_collections_is_wired(tmp_path):
    shutil.copytree(FIXTURES / "id-stem" / "good", tmp_path / "p")
    proc = run("--docs", "docs", cwd=tmp_path / "p")  # fixture cases have no schema fields
    assert proc.returncode == 1
    assert any(not c.split()[-1].startswith(("XRF", "KB00")) for c in codes_of(proc.stdout)), proc.stdout


def test_real_docs_are_clean():
    proc = run()
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout


# ---------------------------------------------------------------- the build
def test_built_english_page_shows_stale_notice(tmp_path):
    from sitebuild import build_site

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    zh = docs / "cases" / "lz-longpanyuan-136.md"
    zh.write_text(zh.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    site = tmp_path / "site"
    proc = build_site(site, docs_dir=docs, tmp=tmp_path, strict=False)
    assert proc.returncode == 0, proc.stderr
    stale = (site / "en/cases/lz-longpanyuan-136/index.html").read_text(encoding="utf-8")
    assert '<p class="admonition-title">Translation out of date</p>' in stale
    assert '<a href="../../../cases/lz-longpanyuan-136/">Read the Chinese original</a>' in stale
    assert (site / "cases/lz-longpanyuan-136/index.html").is_file()
    # the other English pages are up to date, and Chinese pages never get the notice
    assert "kb-stale" not in (site / "en/cases/cd-shijicheng/index.html").read_text(encoding="utf-8")
    assert "kb-stale" not in (site / "cases/lz-longpanyuan-136/index.html").read_text(encoding="utf-8")
    # the checker agrees with the build
    out = run("--docs", str(docs), "--select", "XRF04").stdout
    assert codes_of(out) == [f"{docs}/cases/lz-longpanyuan-136.en.md:{_line(docs)}:1: XRF040"], out


def _line(docs: Path) -> int:
    lines = (docs / "cases/lz-longpanyuan-136.en.md").read_text(encoding="utf-8").splitlines()
    return next(i for i, l in enumerate(lines, 1) if l.startswith("translated_from:"))


def test_relative_url_of_the_notice():
    assert tree.relative_url("en/", "") == "../"
    assert tree.relative_url("en/cases/x/", "cases/x/") == "../../../cases/x/"
    assert tree.relative_url("en/cases/", "cases/") == "../../cases/"
    assert tree.relative_url("en/a.html", "a.html") == "../a.html"
