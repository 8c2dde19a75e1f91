"""Case sets (issue 15, items 1, 2 and 7): the collection's schema, the checked
references of its items (XRF060-XRF066; fixture pairs in tests/fixtures/sets/,
written by make_fixtures.py), the generated set pages and "used in sets"."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.build import set_pages
from kb.build.registry import BuildState, PageRecord
from kb.model import schema, sets
from kb.model.mdparse import read_doc

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "sets"
SCRIPT = ROOT / "scripts" / "check_xrefs.py"


def test_schema_fixture_pair() -> None:
    root = FIXTURES / "schema"
    good = read_doc(root, root / "sets" / "sl-good-set.md")
    assert schema.validate_front_matter(good) == []
    bad = read_doc(root, root / "sets" / "sl-bad-set.md")
    assert [f.text() for f in schema.validate_front_matter(bad)] == [
        "sets/sl-bad-set.md:1:1: KB102 field 'audience': missing (required)",
        "sets/sl-bad-set.md:5:1: KB101 field 'purpose': expected a non-empty text; got ''",
        "sets/sl-bad-set.md:6:1: KB101 field 'session_date': expected a real date (YYYY-MM-DD); got '2026-13-01'",
        "sets/sl-bad-set.md:8:5: KB102 field 'items[0].note': missing (required)",
        "sets/sl-bad-set.md:11:5: KB103 field 'items[1].promt': unknown field (did you mean 'prompt'?)",
    ]


def _check(tree: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--docs", "docs", "--select", "XRF06"],
        cwd=FIXTURES / "refs" / tree,
        capture_output=True,
        text=True,
    )


def test_good_references_are_silent() -> None:
    proc = _check("good")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_bad_references_name_file_line_col_and_code() -> None:
    proc = _check("bad")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    got = [" ".join(line.split(" ", 2)[:2]) for line in proc.stdout.splitlines()]
    zh = [
        "docs/sets/s1.md:8:5: XRF061",  # no such page
        "docs/sets/s1.md:10:5: XRF062",  # no such section
        "docs/sets/s1.md:12:5: XRF063",  # renamed without an alias
        "docs/sets/s1.md:14:5: XRF064",  # the English file
        "docs/sets/s1.md:16:5: XRF065",  # the set itself
        "docs/sets/s1.md:18:5: XRF066",  # path characters
    ]
    assert got[-6:] == zh
    assert got[0] == "docs/sets/s1.en.md:8:5: XRF060"  # the English set lists them in another order
    assert sorted(c.rsplit(" ", 1)[1] for c in got[1:7]) == sorted(c.rsplit(" ", 1)[1] for c in zh)
    out = proc.stdout
    assert (
        "item 3: reference 'cases/lz-alpah.md': no page has the ID 'lz-alpah'; if it was renamed to 'lz-alpha'" in out
    )
    assert "item 6: reference 'cases/../../etc/passwd.md': an ID is lower-case ASCII words" in out
    assert "item 2: reference 'cases/lz-alpha.md#nope': 'cases/lz-alpha.md' has no section '#nope'" in out


def test_a_former_id_kept_as_alias_resolves_to_the_new_page() -> None:
    ref = sets.parse_ref("cases/old.md#method")
    base, problem = sets.resolve(ref, {"cases/new.md"}, {"cases/old.md": "cases/new.md"}, lambda b: {"method"})
    assert (base, problem) == ("cases/new.md", None)


def test_the_build_refuses_a_broken_reference() -> None:
    def rec(src: str, meta: dict, html: str = "") -> PageRecord:
        base = src.replace(".en.md", ".md")
        return PageRecord(src, base, "zh", base[:-3] + "/", "t", meta, "", html)

    state = BuildState()
    state.record(rec("cases/c1.md", {}, '<h2 id="method">做法</h2>'))
    items = [{"ref": "cases/c1.md#method", "note": "n"}, {"ref": "cases/c1.md#nope", "note": "n"}]
    state.record(rec("sets/s.md", {"items": items + [{"ref": "cases/c2.md", "note": "n"}]}))
    found = [f.text() for f in set_pages.set_refs_valid(state, "zh")]
    assert found == [
        "sets/s.md:1:1: XRF062 item 2: reference 'cases/c1.md#nope': 'cases/c1.md' has no section '#nope'",
        "sets/s.md:1:1: XRF061 item 3: reference 'cases/c2.md': no such page in docs/",
    ]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_set_page_shows_items_as_cards_in_the_readers_language(built_site: Path, lang: str) -> None:
    prefix = "" if lang == "zh" else "en/"
    page = (built_site / prefix / "sets" / "new-community-secretaries" / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<li class="kb-set-item" id="item-\d+">(.*?)</li>', page, re.S)
    assert len(cards) == 5
    first = cards[0]
    title = "头雁计划 · 是什么" if lang == "zh" else "Lead Goose Program · What it is"
    assert title in _text(first)
    assert 'href="../../playbooks/lead-goose/#what"' in first  # relative: /en/ links stay on /en/
    assert f"/{prefix}playbooks/lead-goose/#what" in first
    assert "kb-set-item__summary" in first and "kb-set-item__note" in first and "kb-set-item__prompt" in first
    head = _text(page.split('<ol class="kb-set-items">')[0])
    assert ("新任社区党组织书记" if lang == "zh" else "New community Party secretaries") in head
    assert ("待补充" if lang == "zh" else "To be supplied") in head  # no studio named in the source
    assert ("导师对所选内容的解读" if lang == "zh" else "the mentor's interpretation") in head


def test_pages_list_the_sets_that_use_them(built_site: Path) -> None:
    page = (built_site / "policies" / "lz-community-access-list" / "index.html").read_text(encoding="utf-8")
    used = page.split('id="used-in-sets"')[1]
    assert "../../sets/new-community-secretaries/" in used and "../../sets/subdistrict-cadres/" in used
    page = (built_site / "en" / "cases" / "lz-yufeng-hongqi-grid" / "index.html").read_text(encoding="utf-8")
    assert 'id="used-in-sets"' not in page
    index = (built_site / "en" / "sets" / "index.html").read_text(encoding="utf-8")
    assert 'href="new-community-secretaries/"' in index and 'href="subdistrict-cadres/"' in index


def test_with_site_url_the_address_and_qr_code_are_absolute() -> None:
    from kb.build import share

    rec = PageRecord("en/cases/x.en.md", "cases/x.md", "en", "en/cases/x/", "X", {}, "", "")
    state = BuildState()
    state.memo["site_url"] = "https://kb.intranet.invalid/"
    html = share.share_box('<h1 id="x">X</h1><p>body</p>', rec, state)
    assert html.startswith('<h1 id="x">X</h1>\n<aside class="kb-share"')
    assert 'data-kb-qr="https://kb.intranet.invalid/en/cases/x/"' in html
    assert html.count("<svg") == 1  # what the code holds is decoded from the page by test_sets_browser.py
    assert "<code>x</code>" in html and "Copy link" in html


def test_the_intranet_address_comes_from_the_environment(monkeypatch) -> None:
    from mkdocs.config import load_config

    monkeypatch.delenv("KB_SITE_URL", raising=False)
    assert load_config(str(ROOT / "mkdocs.yml")).site_url is None
    monkeypatch.setenv("KB_SITE_URL", "http://kb.academy.lan/")
    assert load_config(str(ROOT / "mkdocs.yml")).site_url == "http://kb.academy.lan/"
