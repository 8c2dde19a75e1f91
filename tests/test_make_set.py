"""``scripts/make_set.py`` (= ``kb make-set``, issue 15 item 6): a case set from a
spreadsheet or a list of IDs, run as a mentor runs it (a subprocess on a copy
of docs/): every problem named by row, nothing written on error, an editor's
file never replaced without --update/--force-overwrite, notes shown as typed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb.build import set_pages
from kb.build.registry import BuildState, PageRecord
from kb.model.mdparse import parse_front_matter

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_set.py"
ARGS = ["--title", "测试案例集", "--audience", "学员", "--purpose", "测试。"]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    out = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", out)
    return out


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True)


def sets_files(docs: Path) -> set[str]:
    return {p.name for p in (docs / "sets").iterdir()}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_sheet_with_bad_rows_is_refused_row_by_row_and_nothing_is_written(docs: Path) -> None:
    before = sets_files(docs)
    sheet = write_csv(
        docs.parent / "bad.csv",
        [
            ["引用", "点评", "讨论题"],
            ["cases/no-such-case-zz.md", "a", ""],
            ["cases/lz-liunan-red-steward.md#nope", "b", ""],
            ["", "c", ""],
            ["cases/lz-liunan-red-steward.md#method", "", ""],
            ["cases/lz-liunan-red-steward.md#method", "e", ""],
            ["cases/../../x.md", "f", ""],
            ["cases/lz-liunan-red-steward.en.md", "g", ""],
            ["sets/t1.md", "h", ""],
        ],
    )
    proc = run("t1", sheet.name, "--docs", "docs", *ARGS, cwd=docs.parent)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert [" ".join(line.split(" ", 2)[:2]) for line in proc.stdout.splitlines()] == [
        "bad.csv:2:1: XRF061",  # unknown reference
        "bad.csv:3:1: XRF062",  # no such section
        "bad.csv:4:1: KB123",  # missing field
        "bad.csv:5:2: KB123",
        "bad.csv:6:1: KB124",  # duplicate
        "bad.csv:7:1: XRF066",  # path characters
        "bad.csv:8:1: XRF064",  # the English file
        "bad.csv:9:1: XRF065",  # the set itself
    ]
    assert "reference 'cases/lz-liunan-red-steward.md#method' twice: rows 5 and 6" in proc.stdout
    assert "nothing was written" in proc.stderr
    assert sets_files(docs) == before


@pytest.mark.parametrize("set_id", ["../evil", "Bad_ID"])
def test_an_id_with_path_characters_is_refused(docs: Path, set_id: str) -> None:
    before = sets_files(docs)
    proc = run(set_id, "--ids", "lz-liunan-red-steward", "--docs", "docs", *ARGS, cwd=docs.parent)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"set ID {set_id!r}" in proc.stderr
    assert sets_files(docs) == before and not (docs.parent / "evil.md").exists()


def _render(docs: Path, rel: str) -> str:
    text = (docs / rel).read_text(encoding="utf-8")
    meta, _, err, _ = parse_front_matter(rel, text)
    assert err is None
    state = BuildState()
    for base in ("cases/lz-liunan-red-steward.md", "playbooks/three-way-triage.md"):
        state.record(PageRecord(base, base, "zh", base[:-3] + "/", "t", {}, "", '<h2 id="method">做法</h2>'))
    rec = PageRecord(rel, rel, "zh", rel[:-3] + "/", meta["title"], meta, "")
    state.record(rec)
    return set_pages.set_items(rec, state)


def test_a_sheet_makes_both_language_files_with_notes_shown_as_typed(docs: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ref", "note", "prompt"])
    ws.append(["cases/lz-liunan-red-steward.md#method", "<script>alert(1)</script> **粗体** [链接](x.md)", "为什么？"])
    ws.append(["playbooks/three-way-triage.md", "看步骤。", None])
    wb.save(docs.parent / "set.xlsx")
    proc = run("t1", "set.xlsx", "--docs", "docs", *ARGS, "--date", "2026-12-01", cwd=docs.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    zh = yaml.safe_load((docs / "sets" / "t1.md").read_text(encoding="utf-8").split("---")[1])
    en = yaml.safe_load((docs / "sets" / "t1.en.md").read_text(encoding="utf-8").split("---")[1])
    assert [i["ref"] for i in zh["items"]] == [i["ref"] for i in en["items"]]
    assert zh["session_date"] == "2026-12-01" and en["untranslated"] is True
    html = _render(docs, "sets/t1.md")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; **粗体** [链接](x.md)" in html
    # no English notes were given: the English set says so where the notes go, and the report counts them
    en_html = _render(docs, "sets/t1.en.md")
    assert en_html.count('<span class="kb-tbs">To be supplied: the mentor&#x27;s note.</span>') == 2, en_html
    report = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "report_tbs.py"), "--docs", "docs"],
        cwd=docs.parent,
        capture_output=True,
        text=True,
    )
    assert sum("sets/t1.en.md:" in line for line in report.stdout.splitlines()) == 2, report.stdout
    # what the checkers say of the new set: nothing but the English page's pending translation
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_xrefs.py"), "--docs", "docs"],
        cwd=docs.parent,
        capture_output=True,
        text=True,
    )
    assert [line.split(" ")[1] for line in check.stdout.splitlines()] == ["XRF042"], check.stdout


def test_an_existing_set_is_replaced_only_with_update_and_an_edited_one_only_with_force(docs: Path) -> None:
    ids = ["--ids", "lz-liunan-red-steward", "playbooks/three-way-triage.md#steps"]
    assert run("t1", *ids, "--docs", "docs", *ARGS, cwd=docs.parent).returncode == 0
    page = docs / "sets" / "t1.md"
    assert "ref: cases/lz-liunan-red-steward.md" in page.read_text(encoding="utf-8")
    proc = run("t1", *ids, "--docs", "docs", *ARGS, cwd=docs.parent)
    assert proc.returncode == 1 and "KB125 the set exists: give --update" in proc.stdout
    assert run("t1", *ids, "--docs", "docs", *ARGS, "--update", cwd=docs.parent).returncode == 0
    edited = page.read_text(encoding="utf-8").replace("测试。", "编辑改过。")
    page.write_text(edited, encoding="utf-8")
    proc = run("t1", *ids, "--docs", "docs", *ARGS, "--update", cwd=docs.parent)
    assert proc.returncode == 1 and "KB128 an editor changed it" in proc.stdout
    assert page.read_text(encoding="utf-8") == edited
    proc = run("t1", *ids, "--docs", "docs", *ARGS, "--update", "--force-overwrite", cwd=docs.parent)
    assert proc.returncode == 0 and "编辑改过" not in page.read_text(encoding="utf-8")
