"""Collections: front matter schemas, generated index pages, "referenced by"
sections, stable IDs and redirects for renamed IDs (scripts/kb/collections.py)."""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sitebuild import build_site

from kb.build import backlinks, redirects
from kb.build.registry import BuildState, PageRecord
from kb.model import schema as kbc
from kb.model import tree
from kb.model.mdparse import parse, read_doc
from kb.model.paths import DOCS, SCHEMAS
from kb.model.tree import page_url

FIXTURES = Path(__file__).parent / "fixtures" / "collections"

# ---------------------------------------------------------------------------
# Schemas and vocabulary


def test_schemas_are_valid_and_generated_from_the_vocabulary():
    assert kbc.sync_schemas(check=True) == [], "schemas are stale: run `.venv/bin/kb schemas --sync`"
    vocab = kbc.vocabulary()
    for name in ("policy", "case", "playbook"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"].endswith("2020-12/schema")
        for vname, defn in schema["$defs"].items():
            if vname in vocab:
                assert defn["enum"] == list(vocab[vname])
    # every vocabulary value has both labels
    for vname, entries in vocab.items():
        for value, entry in entries.items():
            assert entry.get("zh") and entry.get("en"), f"{vname}.{value} needs zh and en labels"


def test_sync_schemas_rewrites_a_stale_enum(tmp_path):
    for p in SCHEMAS.glob("*.schema.json"):
        shutil.copy(p, tmp_path / p.name)
    case = tmp_path / "case.schema.json"
    data = json.loads(case.read_text(encoding="utf-8"))
    data["$defs"]["list"]["enum"] = ["mca-2018-100"]
    case.write_text(json.dumps(data), encoding="utf-8")
    assert kbc.sync_schemas(check=True, schemas_dir=tmp_path) == [case]
    kbc.sync_schemas(schemas_dir=tmp_path)
    assert json.loads(case.read_text(encoding="utf-8"))["$defs"]["list"]["enum"] == list(kbc.vocabulary()["list"])
    assert kbc.sync_schemas(check=True, schemas_dir=tmp_path) == []


EXPECTED = {
    "cases/sl-good-case.md": [],
    "cases/sl-bad-list.md": [
        "cases/sl-bad-list.md:10:1: KB101 field 'list': expected one of mca-2018-100, local; got 'mca-2019'"
    ],
    "cases/sl-missing-id.md": ["cases/sl-missing-id.md:1:1: KB102 field 'id': missing (required)"],
    "cases/sl-wrong-year.md": [
        "cases/sl-wrong-year.md:11:1: KB101 field 'year': expected an integer or null; got '2020'"
    ],
    "cases/sl-id-not-stem.md": [
        "cases/sl-id-not-stem.md:2:1: KB104 field 'id': expected 'sl-id-not-stem' (the file name); got 'sl-other-id'"
    ],
    "cases/sl-bad-nested.md": [
        "cases/sl-bad-nested.md:1:1: KB102 field 'district': missing (required)",
        "cases/sl-bad-nested.md:6:1: KB103 field 'distirct': unknown field (did you mean 'district'?)",
        "cases/sl-bad-nested.md:16:32: KB101 field 'related.policies[1]': expected lower-case ASCII words "
        "joined by '-' (e.g. lz-longpanyuan-136); got 'Bad_ID'",
    ],
    "policies/sl-bad-policy.md": [
        "policies/sl-bad-policy.md:3:1: KB101 field 'title': expected a title without 《》; got '《示例市测试方案》'",
        "policies/sl-bad-policy.md:5:1: KB101 field 'kind': expected one of 方案, 制度, 措施, 清单, 办法; got '通知'",
        "policies/sl-bad-policy.md:7:1: KB101 field 'date': expected a real date (YYYY-MM-DD); got '2020-13-01'",
        "policies/sl-bad-policy.md:14:1: KB101 field 'sources': expected at least 1 entry; got an empty list",
    ],
    "playbooks/sl-bad-playbook.en.md": [
        "playbooks/sl-bad-playbook.en.md:1:1: KB102 field 'owner': missing (required)",
        "playbooks/sl-bad-playbook.en.md:4:1: KB101 field 'kind': expected one of brand, mechanism; got 'brand-new'",
        "playbooks/sl-bad-playbook.en.md:6:13: KB101 field 'related.modules[0]': expected a docs-relative path "
        "of a Chinese page, e.g. course/flagship-brands.md; got 'course/overview.en.md'",
    ],
}


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_front_matter_findings_name_file_line_field_and_expectation(rel):
    doc = read_doc(FIXTURES, FIXTURES / rel)
    assert [f.text() for f in kbc.validate_front_matter(doc)] == EXPECTED[rel]


def test_collection_of():
    assert tree.collection_of("cases/lz-longpanyuan-136.md") == "cases"
    assert tree.collection_of("cases/lz-longpanyuan-136.en.md") == "cases"
    assert tree.collection_of("policies/x.md") == "policies"
    assert tree.collection_of("playbooks/x.en.md") == "playbooks"
    assert tree.collection_of("cases/index.md") is None
    assert tree.collection_of("cases/index.en.md") is None
    assert tree.collection_of("course/overview.md") is None
    assert tree.collection_of("cases/sub/x.md") is None


def test_unquoted_yaml_date_is_accepted_as_a_date():
    meta = yaml_meta("policies/p.md", date="2022-08-01")
    import datetime

    meta["date"] = datetime.date(2022, 8, 1)  # what `date: 2022-08-01` loads as
    assert kbc.validate_meta("policies/p.md", meta) == []


def yaml_meta(rel, **over):
    base = {
        "id": "p",
        "title": "示例方案",
        "issuer": None,
        "kind": "方案",
        "status": "已出台",
        "date": None,
        "doc_number": None,
        "summary": "测试。",
        "related": {"modules": [], "cases": [], "playbooks": []},
        "sources": ["示例来源"],
    }
    base.update(over)
    return base


# ---------------------------------------------------------------------------
# Referenced by (pure function)


def _docs(pages: dict) -> dict:
    return {b: parse(tree.lang_path(b, lang), md) for b, (lang, md) in pages.items()}


def test_referenced_by_graph():
    pages = {
        "course/m.md": (
            "zh",
            "见[案例](../cases/a.md)和[手册](../playbooks/p.md#x)，[外部](https://example.invalid/cases/b.md)。",
        ),
        "playbooks/p.md": ("zh", "[案例 A](../cases/a.md) [政策](../policies/q.md)\n\n![图](../cases/b.md)"),
        "policies/q.md": ("zh", "[自己](q.md) [案例 B](../cases/b.md)"),
        "cases/a.md": ("zh", "[同一名单](b.md) [自己](#top)"),
        "cases/b.md": ("zh", "无链接"),
        "index.md": ("zh", "[案例库](cases/index.md) [A](cases/a.md)"),
        "cases/index.md": ("zh", "<!-- kb:collection-index -->"),
    }
    graph = backlinks.referenced_by(_docs(pages))
    assert graph == {
        "cases/a.md": ["course/m.md", "playbooks/p.md", "index.md"],
        "cases/b.md": ["policies/q.md", "cases/a.md"],
        "playbooks/p.md": ["course/m.md"],
        "policies/q.md": ["playbooks/p.md"],
    }


def test_referenced_by_english_pages_use_base_names():
    pages = {
        "course/m.md": ("en", "[Case](../cases/a.md) [explicit](../cases/b.en.md)"),
        "cases/a.md": ("en", ""),
        "cases/b.md": ("en", ""),
    }
    assert backlinks.referenced_by(_docs(pages)) == {"cases/a.md": ["course/m.md"], "cases/b.md": ["course/m.md"]}


# ---------------------------------------------------------------------------
# Redirects (pure function)


def _rec(src, lang, url, title="T", **meta):
    return PageRecord(src, tree.base_path(src), lang, url, title, meta, "")


def test_redirect_pages_for_aliases_in_both_languages():
    st = BuildState()
    st.record(_rec("cases/new-id.md", "zh", "cases/new-id/", "新", aliases=["old-id"]))
    st.record(_rec("cases/new-id.en.md", "en", "en/cases/new-id/", "New", aliases=["old-id"]))
    st.record(_rec("cases/other.md", "zh", "cases/other/", aliases=["other"]))  # own id: no redirect
    pages = redirects.redirect_pages(st)
    assert sorted(pages) == ["cases/old-id/index.html", "en/cases/old-id/index.html"]
    for page in pages.values():
        assert '<meta http-equiv="refresh" content="0; url=../new-id/">' in page
        assert '<link rel="canonical" href="../new-id/">' in page
        assert '<a href="../new-id/">' in page


def test_rel_href():
    assert tree.relative_url("cases/", "cases/a/") == "a/"
    assert tree.relative_url("en/cases/", "en/cases/a/") == "a/"
    assert tree.relative_url("cases/a/", "course/m/") == "../../course/m/"
    assert tree.relative_url("en/cases/a/", "en/") == "../../"
    assert tree.relative_url("", "cases/") == "cases/"


# ---------------------------------------------------------------------------
# The built site

_HREF = re.compile(r'<a href="([^"]+)"')


def _index_links(site: Path, coll: str, lang: str) -> set[str]:
    prefix = "" if lang == "zh" else "en/"
    page = (site / prefix / coll / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="kb-collection[^"]*">(.*?)</div>', page, re.S)
    assert blocks, f"no generated index in {prefix}{coll}/index.html"
    links = set()
    for block in blocks:
        for href in _HREF.findall(block):
            links.add(posixpath.normpath(posixpath.join(f"{prefix}{coll}", html.unescape(href))) + "/")
    return links


def _collection_bases(docs: Path, coll: str) -> set[str]:
    return {
        p.name.replace(".en.md", ".md")[: -len(".md")]
        for p in (docs / coll).glob("*.md")
        if tree.collection_of(f"{coll}/{p.name}")
    }


@pytest.mark.parametrize("coll", ["policies", "cases", "playbooks"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_generated_index_lists_every_page(built_site, coll, lang):
    prefix = "" if lang == "zh" else "en/"
    expected = {f"{prefix}{coll}/{stem}/" for stem in _collection_bases(DOCS, coll)}
    assert _index_links(built_site, coll, lang) == expected
    for url in expected:
        assert (built_site / url / "index.html").is_file()


def test_cases_index_is_a_complete_static_table_with_a_progressive_filter(built_site):
    page = (built_site / "cases" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr data-district=", page)
    assert len(rows) == len(_collection_bases(DOCS, "cases"))
    assert re.search(r"<form class=\"kb-filter\" data-kb-filter-form hidden>", page)  # shown by JS only
    for name in ("district", "themes", "list"):
        assert f'<select name="{name}" data-kb-filter="{name}">' in page
    assert "kb:collection-filter" in (built_site / "assets" / "kb.js").read_text(encoding="utf-8")
    en = (built_site / "en" / "cases" / "index.html").read_text(encoding="utf-8")
    assert "<th>District</th>" in en and "<th>城区</th>" in page


def _referrers_in_docs(docs: Path, lang: str, target: str) -> set[str]:
    """Pages whose source has a Markdown link to ``target`` (independently of mdparse)."""
    name = posixpath.basename(target)
    out = set()
    for p in docs.rglob("*.md"):
        is_en = p.name.endswith(".en.md")
        if is_en != (lang == "en") or p.relative_to(docs).as_posix() in (target, target.replace(".md", ".en.md")):
            continue
        if re.search(
            r"\]\((?:\.\./)*(?:[\w-]+/)?" + re.escape(name[:-3]) + r"(?:\.en)?\.md(?:#[^)]*)?\)",
            p.read_text(encoding="utf-8"),
        ):
            rel = p.relative_to(docs).as_posix().replace(".en.md", ".md")
            out.add(rel)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_built_page_shows_referenced_by(built_site, lang):
    target = "cases/lz-longpanyuan-136.md"
    prefix = "" if lang == "zh" else "en/"
    page = (built_site / prefix / "cases" / "lz-longpanyuan-136" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<h2 id="referenced-by">(.*?)</h2>(.*?)(?:<h2|</article>|$)', page, re.S)
    assert m, "no Referenced by section"
    assert m.group(1) == ("被以下内容引用" if lang == "zh" else "Referenced by")
    got = {
        posixpath.normpath(posixpath.join(f"{prefix}cases/lz-longpanyuan-136", h)) + "/"
        for h in _HREF.findall(m.group(2))
    }
    want = {prefix + page_url(b) for b in _referrers_in_docs(DOCS, lang, target)}
    assert want, "the fixture page should be linked from somewhere"
    assert got == want


# ---------------------------------------------------------------------------
# Stable IDs and redirects in a modified copy of docs/

RENAMED_ZH = """---
id: sl-test-renamed
title: 示例市改名测试社区工作法
community: 示例市测试社区
subdistrict: null
district: null
city: 示例市
province: null
method: 测试工作法
list: local
year: null
themes: []
aliases: [sl-test-old-id]
related:
  modules: []
  policies: []
  playbooks: []
sources: [示例来源：测试用虚构资料]
---

# 示例市改名测试社区工作法

测试页面。
"""


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("changed")
    docs = tmp / "docs"
    shutil.copytree(DOCS, docs)
    page = docs / "cases" / "lz-longpanyuan-136.md"
    page.write_text(
        re.sub(r"(?m)^title: .*$", "title: 改过标题的测试案例", page.read_text(encoding="utf-8"), count=1),
        encoding="utf-8",
    )
    (docs / "cases" / "sl-test-renamed.md").write_text(RENAMED_ZH, encoding="utf-8")
    (docs / "cases" / "sl-test-renamed.en.md").write_text(
        RENAMED_ZH.replace("title: 示例市改名测试社区工作法", "title: Renamed test case").replace(
            "# 示例市改名测试社区工作法", "# Renamed test case"
        ),
        encoding="utf-8",
    )
    proc = build_site(tmp / "site", docs, tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return tmp / "site"


def test_id_is_stable_across_a_title_change(changed_site):
    page = (changed_site / "cases" / "lz-longpanyuan-136" / "index.html").read_text(encoding="utf-8")
    assert "<title>改过标题的测试案例" in page
    assert "cases/lz-longpanyuan-136/" in _index_links(changed_site, "cases", "zh")


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_renamed_id_leaves_a_redirect(changed_site, prefix):
    new = changed_site / prefix / "cases" / "sl-test-renamed" / "index.html"
    old = changed_site / prefix / "cases" / "sl-test-old-id" / "index.html"
    assert new.is_file()
    assert old.is_file(), (
        "no redirect page: scripts/mkdocs_hooks.py on_post_build must write kb.build.redirects.redirect_pages(state)"
    )
    text = old.read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../sl-test-renamed/">' in text
    assert '<link rel="canonical" href="../sl-test-renamed/">' in text
    # the target resolves to the new page
    assert (old.parent / "../sl-test-renamed/index.html").resolve() == new.resolve()


def test_invalid_front_matter_fails_the_strict_build(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    page = docs / "cases" / "lz-longpanyuan-136.md"
    text = page.read_text(encoding="utf-8")
    assert "list: null\n" in text  # the source gives no year or list body for the 136 case
    page.write_text(text.replace("list: null\n", "list: mca-2019\n"), encoding="utf-8")
    proc = build_site(tmp_path / "site", docs, tmp_path)
    assert proc.returncode != 0
    assert (
        "cases/lz-longpanyuan-136.md:1:1: KB101 field 'list': expected one of mca-2018-100, local; got 'mca-2019'"
    ) in proc.stdout + proc.stderr


def _schema_cases():
    from kb.model.mdparse import read_doc

    root = Path(__file__).resolve().parents[1]
    out = []
    for base in (root / "docs", root / "tests/fixtures/collections"):
        for path in sorted(base.rglob("*.md")):
            doc = read_doc(base, path)
            coll = tree.collection_of(doc.rel_path)
            if coll and not doc.meta_error:
                out.append(pytest.param(coll, doc.meta, id=f"{base.name}/{doc.rel_path}"))
    # impossible and malformed dates: fastjsonschema's plain "date" format is a regex
    good = next(p.values[1] for p in out if p.values[0] == "policies")
    for bad in ["2020-02-30", "2020-13-01", "20200101", "2020-1-1"]:
        out.append(pytest.param("policies", {**good, "date": bad}, id=f"date-{bad}"))
    return out


@pytest.mark.parametrize("collection,meta", _schema_cases())
def test_fast_schema_check_agrees_with_jsonschema(collection, meta):
    """The fast path may only say "valid" where jsonschema finds nothing."""
    import fastjsonschema

    norm = kbc.normalise(dict(meta))
    full = list(kbc._validator(collection).iter_errors(norm))
    try:
        kbc._fast_validator(collection)(norm)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    assert fast_ok == (not full), [e.message for e in full]
    if isinstance(meta, dict) and str(meta.get("date", "")) in ("2020-02-30", "2020-13-01", "20200101", "2020-1-1"):
        assert full and not fast_ok  # both reject an impossible or malformed date
