"""scripts/import_cases.py: spreadsheets (xlsx, csv) to case pages in both languages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from import_support import FIX, ROOT, copy_docs, run, snapshot
from sitebuild import build_site

from kb.model import schema as kbc
from kb.model.mdparse import parse

DOCS = ROOT / "docs"


@pytest.fixture
def docs(tmp_path) -> Path:
    return copy_docs(tmp_path)


# ---------------------------------------------------------------------------
# Round trip: spreadsheet -> pages -> strict build

NEW = ["sl-test-community-a", "sl-test-community-b", "sl-test-xlsx-community", "sl-test-xlsx-second"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import")
    docs = tmp / "docs"
    shutil.copytree(DOCS, docs)
    for f in ("cases-good.csv", "cases-good.xlsx"):
        proc = run(FIX / f, "--docs", docs)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = build_site(tmp / "site", docs, tmp)
    assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
    return docs, tmp / "site"


def test_import_writes_valid_pages_in_both_languages(imported):
    docs, _ = imported
    for cid in NEW:
        for name in (f"{cid}.md", f"{cid}.en.md"):
            doc = parse(f"cases/{name}", (docs / "cases" / name).read_text(encoding="utf-8"))
            assert doc.meta_error is None
            assert kbc.validate_front_matter(doc) == []
            assert doc.meta["id"] == cid
    en = parse("cases/x.en.md", (docs / "cases" / "sl-test-community-a.en.md").read_text(encoding="utf-8"))
    assert en.meta["untranslated"] is True
    zh = parse("cases/x.md", (docs / "cases" / "sl-test-community-a.md").read_text(encoding="utf-8"))
    # labels and Chinese header aliases map to the vocabulary
    assert zh.meta["themes"] == ["volunteer-service", "grid-governance"] and zh.meta["year"] == 2018
    x = parse("cases/x.md", (docs / "cases" / "sl-test-xlsx-community.md").read_text(encoding="utf-8"))
    assert x.meta["list"] == "local" and x.meta["year"] == 2019
    assert x.meta["themes"] == ["party-organisation", "residents-self-governance"]
    assert x.meta["subdistrict"] is None


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_imported_pages_are_built_with_script_as_text(imported, prefix):
    _, site = imported
    for cid in NEW:
        page = site / prefix / "cases" / cid / "index.html"
        assert page.is_file()
    a = (site / prefix / "cases" / "sl-test-community-a" / "index.html").read_text(encoding="utf-8")
    x = (site / prefix / "cases" / "sl-test-xlsx-community" / "index.html").read_text(encoding="utf-8")
    for text in (a, x):
        assert "<script>alert" not in text
    assert re.search(r"<h1[^>]*>[^<]*&lt;script&gt;alert\(", a)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in x  # a body cell
    assert "<b>粗体</b>" not in a and "&lt;b&gt;粗体&lt;/b&gt;" in a  # markup in cells stays text
    assert "<em>星号</em>" not in a and "&#42;星号&#42;" in a  # Markdown in cells is not interpreted
    if prefix:
        assert '<span class="kb-tbs">To be supplied: English translation pending.</span>' in a
        assert "Translation pending" in a and 'href="../../../cases/sl-test-community-a/"' in a
    else:
        assert '<span class="kb-tbs">待补充：原文未载明</span>' in (
            site / "cases" / "sl-test-xlsx-second" / "index.html"
        ).read_text(encoding="utf-8")
    index = (site / prefix / "cases" / "index.html").read_text(encoding="utf-8")
    for cid in NEW:
        assert f'href="{cid}/"' in index
    assert "<script>alert" not in index
    for p in site.rglob("*.html"):
        assert "<script>alert" not in p.read_text(encoding="utf-8"), p


def test_the_import_record_is_not_on_the_site(imported):
    docs, site = imported
    assert "import_digest: " in (docs / "cases" / "sl-test-community-a.md").read_text(encoding="utf-8")
    assert "import_digest: " in (docs / "cases" / "sl-test-community-a.en.md").read_text(encoding="utf-8")
    for p in site.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".json", ".xml", ".txt", ".csv"):
            assert "import_digest" not in p.read_text(encoding="utf-8", errors="replace"), p


# ---------------------------------------------------------------------------
# Refusals: all or nothing, FILE:ROW:COL: CODE message


@pytest.mark.parametrize(
    "name,expected",
    [
        ("dup-id.csv", ["tests/fixtures/import/dup-id.csv:4:1: KB124 duplicate id 'sl-test-dup': also in row 2"]),
        (
            "dup-id.xlsx",
            [
                "tests/fixtures/import/dup-id.xlsx:3:1: KB124 duplicate id 'sl-test-dup': also in row 2",
                "tests/fixtures/import/dup-id.xlsx:4:13: KB123 required cell 'sources' is empty",
            ],
        ),
        (
            "missing-required.csv",
            ["tests/fixtures/import/missing-required.csv:3:4: KB123 required cell 'sources' is empty"],
        ),
        (
            "bad-values.csv",
            [
                "tests/fixtures/import/bad-values.csv:2:3: KB126 field 'list': expected one of mca-2018-100, local; got 'mca-2019'",
                "tests/fixtures/import/bad-values.csv:3:4: KB126 field 'year': expected an integer or null; got '去年'",
                "tests/fixtures/import/bad-values.csv:3:5: KB126 field 'themes[0]': expected one of "
                + ", ".join(kbc.vocabulary()["theme"])
                + "; got 'unknown-theme'",
            ],
        ),
    ],
)
def test_refused_rows_write_nothing(docs, name, expected):
    before = snapshot(docs)
    proc = run(Path("tests/fixtures/import") / name, "--docs", docs)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == expected
    assert "nothing was written" in proc.stderr
    assert snapshot(docs) == before  # all or nothing: the good rows are not written either


def test_existing_page_needs_update(docs):
    assert run(FIX / "cases-good.csv", "--docs", docs).returncode == 0
    page = docs / "cases" / "sl-test-community-a.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n编辑者的修改。\n", encoding="utf-8")
    before = snapshot(docs)
    proc = run(FIX / "cases-good.csv", "--docs", docs)
    assert proc.returncode == 1
    assert (
        f"{FIX / 'cases-good.csv'}:2:1: KB125 id 'sl-test-community-a': a page cases/sl-test-community-a.md "
        "already exists; give --update to overwrite it"
    ) in proc.stdout
    assert snapshot(docs) == before
    # --update does not replace what an editor changed since the import without saying so
    proc = run(FIX / "cases-good.csv", "--docs", docs, "--update")
    assert proc.returncode == 1
    assert "KB128 cases/sl-test-community-a.md was changed since it was imported" in proc.stdout
    assert snapshot(docs) == before
    proc = run(FIX / "cases-good.csv", "--docs", docs, "--update", "--force-overwrite")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "编辑者的修改" not in page.read_text(encoding="utf-8")


def test_existing_case_of_the_real_docs_is_refused(docs, tmp_path):
    sheet = tmp_path / "existing.csv"
    sheet.write_text(
        "编号,标题,名单,来源\nlz-longpanyuan-136,示例市测试社区,local,示例来源：测试用虚构资料\n", encoding="utf-8"
    )
    before = snapshot(docs)
    proc = run(sheet, "--docs", docs, "--format", "json")
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)
    assert finding["code"] == "KB125" and finding["line"] == 2 and finding["col"] == 1
    assert snapshot(docs) == before


def test_header_problems_and_unknown_related_pages(docs, tmp_path):
    sheet = tmp_path / "bad-header.csv"
    sheet.write_text("编号,标题,社 区,来源\nsl-x,示例,示例社区,示例来源\n", encoding="utf-8")
    proc = run(sheet, "--docs", docs)
    assert proc.returncode == 1
    assert f"{sheet}:1:3: KB121 unknown column '社 区' (see --help for the columns)" in proc.stdout
    assert f"{sheet}:1:1: KB122 required column 'list' (名单/所属名单) is missing" in proc.stdout
    sheet.write_text("id,title,list,playbooks,sources\nsl-x,示例,local,no-such-playbook,示例来源\n", encoding="utf-8")
    proc = run(sheet, "--docs", docs)
    assert proc.returncode == 1
    assert "2:4: KB127 playbooks: 'no-such-playbook' not found" in proc.stdout


def test_usage_errors_exit_2(docs, tmp_path):
    bad = tmp_path / "cases.txt"
    bad.write_text("id\n", encoding="utf-8")
    assert run(bad, "--docs", docs).returncode == 2
    assert run(tmp_path / "missing.csv", "--docs", docs).returncode == 2
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    proc = run(fake, "--docs", docs)
    assert proc.returncode == 2 and "not a readable .xlsx" in proc.stderr
    assert run(FIX / "cases-good.csv", "--docs", tmp_path / "nowhere").returncode == 2


def test_help_documents_columns_and_codes():
    out = run("--help").stdout
    for word in (
        "编号",
        "社区",
        "街道",
        "城区",
        "城市",
        "省区",
        "工作法",
        "名单",
        "年份",
        "主题",
        "来源",
        "KB123",
        "KB124",
        "KB125",
        "--update",
        "--force-overwrite",
        "KB128",
        "import_digest",
        "10000 rows",
    ):
        assert word in out


def test_imported_english_pages_are_pending_not_errors(imported):
    """The checker warns (XRF042) about pending translations but passes them.
    (The rows' facts cite no source paragraph: the provenance rules PRV report
    them until an editor cites them, which tests/test_provenance.py covers.)"""
    docs, _ = imported
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_xrefs.py"), "--docs", str(docs), "--ignore", "PRV"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    pending = [l for l in proc.stdout.splitlines() if " XRF042 " in l]
    assert len(pending) == len(NEW), proc.stdout
    assert proc.returncode == 0, proc.stdout
