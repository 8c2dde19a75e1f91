"""import_cases.py --update never overwrites what an editor changed since the import
without an explicit --force-overwrite, and keeps a reviewed English translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from import_support import FIX, ROOT, copy_docs, run, snapshot

from kb.model.mdparse import parse

GOOD = FIX / "cases-good.csv"


@pytest.fixture
def docs(tmp_path) -> Path:
    d = copy_docs(tmp_path)
    assert run(GOOD, "--docs", d).returncode == 0
    return d


def _page(docs: Path, name: str) -> Path:
    return docs / "cases" / name


def test_an_unchanged_import_is_updated(docs):
    proc = run(GOOD, "--docs", docs, "--update")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"updated {_page(docs, 'sl-test-community-a.md')}" in proc.stderr


def test_an_edited_chinese_page_needs_force_overwrite(docs):
    page = _page(docs, "sl-test-community-a.md")
    page.write_text(page.read_text(encoding="utf-8") + "\n编辑者的修改。\n", encoding="utf-8")
    before = snapshot(docs)
    proc = run(GOOD, "--docs", docs, "--update")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        f"{GOOD}:2:1: KB128 cases/sl-test-community-a.md was changed since it was imported; "
        "give --force-overwrite to replace it"
    ) in proc.stdout
    assert snapshot(docs) == before
    proc = run(GOOD, "--docs", docs, "--update", "--force-overwrite")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "编辑者的修改" not in page.read_text(encoding="utf-8")


def test_a_page_not_written_by_the_importer_needs_force_overwrite(docs):
    page = _page(docs, "sl-test-community-b.md")
    text = "".join(l for l in page.read_text(encoding="utf-8").splitlines(True) if not l.startswith("import_digest:"))
    page.write_text(text, encoding="utf-8")
    proc = run(GOOD, "--docs", docs, "--update")
    assert proc.returncode == 1
    assert "KB128 cases/sl-test-community-b.md was not written by the importer" in proc.stdout


def test_a_reviewed_translation_is_kept(docs):
    en = _page(docs, "sl-test-community-a.en.md")
    doc = parse("cases/sl-test-community-a.en.md", en.read_text(encoding="utf-8"))
    assert doc.meta["untranslated"] is True
    reviewed = (
        en.read_text(encoding="utf-8")
        .replace("untranslated: true\n", "")
        .replace("To be supplied: English translation pending.", "A reviewed translation.")
    )
    en.write_text(reviewed, encoding="utf-8")
    zh = _page(docs, "sl-test-community-a.md")
    zh_before = zh.read_text(encoding="utf-8")
    sheet = GOOD.read_text(encoding="utf-8").replace("第二段：本行为虚构测试数据。", "第二段：更新后的虚构测试数据。")
    changed = docs.parent / "changed.csv"
    changed.write_text(sheet, encoding="utf-8")
    proc = run(changed, "--docs", docs, "--update")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert en.read_text(encoding="utf-8") == reviewed
    assert zh.read_text(encoding="utf-8") != zh_before and "更新后的" in zh.read_text(encoding="utf-8")
    assert f"kept {en}" in proc.stderr and "reviewed translation" in proc.stderr
    proc = run(changed, "--docs", docs, "--update", "--force-overwrite")
    assert proc.returncode == 0
    assert "untranslated: true" in en.read_text(encoding="utf-8")


def test_an_edited_pending_english_page_needs_force_overwrite(docs):
    en = _page(docs, "sl-test-community-b.en.md")
    en.write_text(en.read_text(encoding="utf-8") + "\nA draft by a translator.\n", encoding="utf-8")
    proc = run(GOOD, "--docs", docs, "--update")
    assert proc.returncode == 1
    assert "KB128 cases/sl-test-community-b.en.md was changed since it was imported" in proc.stdout
    assert "A draft by a translator." in en.read_text(encoding="utf-8")


def test_an_english_only_page_blocks_a_new_row(tmp_path):
    d = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", d)
    en = d / "cases" / "sl-test-community-b.en.md"
    en.write_text(
        "---\nid: sl-test-community-b\ntitle: An English-only page\n---\n\n# Hand written\n", encoding="utf-8"
    )
    before = snapshot(d)
    proc = run(GOOD, "--docs", d)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        f"{GOOD}:5:1: KB125 id 'sl-test-community-b': a page cases/sl-test-community-b.en.md already exists; "
        "give --update to overwrite it"
    ) in proc.stdout
    assert snapshot(d) == before


def test_an_existing_page_with_a_key_twice_is_refused(docs):
    page = _page(docs, "sl-test-community-b.md")
    text = page.read_text(encoding="utf-8").replace("aliases: []\n", "aliases: []\naliases: [sl-old-b]\n", 1)
    assert "aliases: [sl-old-b]" in text
    page.write_text(text, encoding="utf-8")
    proc = run(GOOD, "--docs", docs, "--update", "--force-overwrite")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "KB128 cases/sl-test-community-b.md: front matter key 'aliases' twice (lines 13 and 14)" in proc.stdout
