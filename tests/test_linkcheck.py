"""scripts/linkcheck.py: linkchecker over the built site finds no broken link or
anchor, and does find the ones injected into a copy; the source checker
(check_xrefs.py) catches every broken link and anchor that linkchecker catches."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kb import linkcheck
from kb.checks import xrefs

ROOT = Path(__file__).resolve().parents[1]


PAGE = "en/cases/cd-shijicheng/index.html"
INJECT = '<p><a href="../no-such-case/">broken</a> <a href="../lz-longpanyuan-136/#no-such-anchor">anchor</a></p>'


def test_real_site_has_no_broken_links_or_anchors(built_site):
    assert linkcheck.check(built_site) == []


def test_injected_faults_are_caught(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / PAGE
    html = page.read_text(encoding="utf-8")
    marker = '<article class="md-content__inner md-typeset">'
    assert marker in html
    page.write_text(html.replace(marker, marker + INJECT, 1), encoding="utf-8")
    problems = linkcheck.check(site, pages=["en/cases/cd-shijicheng/", "cases/cd-shijicheng/"])
    got = {(p.url, p.parent) for p in problems}
    assert got == {
        ("/en/cases/no-such-case/", "/en/cases/cd-shijicheng/"),
        ("/en/cases/lz-longpanyuan-136/#no-such-anchor", "/en/cases/cd-shijicheng/"),
    }, problems
    assert any("404" in p.message for p in problems)
    assert any("Anchor `no-such-anchor' (decoded: `no-such-anchor') not found" in p.message for p in problems)


def test_cli_refuses_a_folder_that_is_not_a_built_site(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/linkcheck.py"), str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "not a built site" in proc.stderr


def test_source_checker_catches_what_linkchecker_catches(tmp_path):
    """Broken links and anchors written in Markdown: linkchecker finds them in the
    built HTML, check_xrefs finds every one of them in the source."""
    from sitebuild import build_site

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    faults = {
        "cases/cd-shijicheng.en.md": "\nSee [a case](lz-no-such-case.md) and [method](lz-longpanyuan-136.md#no-such-anchor).\n",
        "course/overview.md": "\n见[术语](../glossary.md#no-such-term)和[页面](no-such-page.md)和[本页](#没有这一节)。\n",
    }
    for rel, text in faults.items():
        with open(docs / rel, "a", encoding="utf-8") as fh:
            fh.write(text)
    site = tmp_path / "site"
    proc = build_site(site, docs_dir=docs, tmp=tmp_path, strict=False)
    assert proc.returncode == 0, proc.stderr
    pages = ["en/cases/cd-shijicheng/", "course/overview/"]
    problems = linkcheck.check(site, pages=pages)
    by_parent: dict[str, int] = {}
    for p in problems:
        by_parent[p.parent] = by_parent.get(p.parent, 0) + 1
    assert by_parent == {"/en/cases/cd-shijicheng/": 2, "/course/overview/": 3}, problems
    findings = xrefs.check(docs)
    source = {"/en/cases/cd-shijicheng/": "cases/cd-shijicheng.en.md", "/course/overview/": "course/overview.md"}
    for parent, n in by_parent.items():
        mine = [f for f in findings if f.path == source[parent] and f.code in ("XRF001", "XRF002")]
        assert len(mine) == n, (parent, problems, mine)
