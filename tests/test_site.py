"""The foundation (issue 2), asserted on the built HTML and the search indexes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from sitebuild import ROOT, build_site, build_sites

HOST_REF = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["']?)"""
    r"""((?:[a-z][a-z0-9+.-]*:)?//[^"')\s>]+)""",
    re.I,
)


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def lang_of(site: Path, page: Path) -> str:
    return "en" if page.relative_to(site).parts[0] == "en" else "zh"


def test_languages_at_their_roots(built_site: Path) -> None:
    assert re.search(r'<html lang="zh"', (built_site / "index.html").read_text(encoding="utf-8"))
    assert re.search(r'<html lang="en"', (built_site / "en/index.html").read_text(encoding="utf-8"))
    assert "城市党建学院知识库" in (built_site / "index.html").read_text(encoding="utf-8")
    assert "Urban Party-Building Academy Knowledge Base" in (built_site / "en/index.html").read_text(encoding="utf-8")


def _page_url(site: Path, page: Path) -> str:
    rel = page.relative_to(site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def test_every_page_has_a_switcher_to_its_counterpart_and_no_head_alternates(built_site: Path) -> None:
    """The language switcher goes to the same page in the other language. The head
    has no hreflang alternates: Material's script fetches a sitemap beside each one,
    and the site has none there (see test_no_missing_requests.py)."""
    pages = [p for p in html_pages(built_site) if p.name == "index.html"]
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        url = _page_url(built_site, page)
        lang = lang_of(built_site, page)
        counterpart = ("/en" + url) if lang == "zh" else url[len("/en") :]
        assert not re.search(r'<link rel="alternate" href="[^"]*" hreflang', html), url
        switcher = dict(
            (m.group(2), urljoin(url, m.group(1)))
            for m in re.finditer(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link">', html)
        )
        assert set(switcher) == {"zh", "en"}, f"{url}: switcher {switcher}"
        assert switcher[lang] == url, f"{url}: self link {switcher[lang]}"
        assert switcher["en" if lang == "zh" else "zh"] == counterpart, url
        assert (built_site / counterpart.lstrip("/") / "index.html").exists() or counterpart.endswith(".html")


def _index(site: Path, lang: str) -> dict:
    path = site / ("search/search_index.json" if lang == "zh" else "en/search/search_index.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_one_search_index_per_language(built_site: Path) -> None:
    zh, en = _index(built_site, "zh"), _index(built_site, "en")
    # lunr's language plugins: English for the English index; none for the Chinese one (lunr.zh would
    # change no token: identity stemmer, Material's tokenizer, no trimmer or stop words), so it is
    # declared as lunr's built-in "en" with an empty pipeline and the reader fetches no language script
    assert en["config"]["lang"] == ["en"] and en["config"]["pipeline"] == ["stopWordFilter", "trimmer"]
    assert zh["config"]["lang"] == ["en"] and zh["config"]["pipeline"] == []
    han = re.compile(r"[\u4e00-\u9fff]")
    # no English page in the Chinese index, no Chinese page in the English one
    assert not [d["location"] for d in zh["docs"] if d["location"].startswith("en/")]
    zh_titles = [d for d in zh["docs"] if not d["location"] or "#" not in d["location"]]
    assert all(han.search(d["title"]) for d in zh_titles), [d["title"] for d in zh_titles if not han.search(d["title"])]
    en_docs = {d["location"] for d in en["docs"]}
    for d in en["docs"]:
        # English pages: titles without Chinese, beyond a name given in brackets (the text may quote
        # Chinese names and titles, as the content guide asks)
        assert not han.search(d["title"]) or "(" in d["title"] or "（" in d["title"] or "《" in d["title"], d["title"]
    # every English page of the site is in the English index, at its own URL
    for page in (built_site / "en").rglob("index.html"):
        rel = page.relative_to(built_site / "en").as_posix()[: -len("index.html")]
        if rel.startswith(("search/", "course/handout/")):
            continue
        assert rel in en_docs, rel
    # the Chinese index is not the combined one: no location of an English page in it
    zh_locations = {d["location"] for d in zh["docs"]}
    assert en_docs and not {"en/" + loc for loc in en_docs} & zh_locations


def test_domain_terms_are_whole_tokens_in_the_chinese_index(built_site: Path) -> None:
    zh = _index(built_site, "zh")
    text = "\u200b".join(d["title"] + "\u200b" + d["text"] for d in zh["docs"])
    tokens = set(re.split(r"[\s\u200b]+", text))
    for term in ["三事分流", "双报到", "头雁计划", "五办两中心"]:
        assert term in tokens, f"{term} is not one token in the Chinese search index"


def test_english_index_matches_words_as_typed(built_site: Path) -> None:
    en = _index(built_site, "en")
    # Material makes every query term a prefix wildcard, and lunr does not stem
    # wildcard terms: a stemmed index ("triag") would miss "triage" as typed.
    # (The browser tests search for "triage" and "community" for real.)
    assert "stemmer" not in en["config"]["pipeline"]
    assert any(re.search(r"\bcommunity\b", d["text"]) for d in en["docs"])


def test_no_reference_to_another_host(built_site: Path) -> None:
    offenders = []
    for path in list(html_pages(built_site)) + list(built_site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in HOST_REF.finditer(text):
            offenders.append(f"{path.relative_to(built_site)}: {m.group(1)}")
    assert not offenders, "\n".join(offenders[:20])


def test_no_feature_fetches_from_a_cdn(built_site: Path) -> None:
    for page in html_pages(built_site):
        html = page.read_text(encoding="utf-8")
        # Material's bundle loads Mermaid from a CDN when it finds a diagram
        assert 'class="mermaid"' not in html, page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page


def test_chinese_headings_have_readable_anchors_with_permalinks(built_site: Path) -> None:
    html = (built_site / "course/source-reading/index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<h[2-4] id="([^"]+)"', html)
    assert ids and not [i for i in ids if re.fullmatch(r"_\d+", i)], ids
    assert 'class="headerlink"' in html


def test_404_pages_in_each_language(built_site: Path) -> None:
    zh = (built_site / "404.html").read_text(encoding="utf-8")
    en = (built_site / "en/404.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in zh and "页面未找到" in zh
    assert '<html lang="en"' in en and "Page not found" in en
    # served for any missing path, so its links are absolute from the site root
    assert 'href="/assets/stylesheets/' in zh and 'href="/en/course/' in en
    assert (
        json.loads(re.search(r'id="__config" type="application/json">(.*?)</script>', en, re.S).group(1))["base"]
        == "/en/"
    )


def test_page_size_stays_flat_as_collections_grow(built_site: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    src = (docs / "cases/lz-longpanyuan-136.md").read_text(encoding="utf-8")
    src_en = (docs / "cases/lz-longpanyuan-136.en.md").read_text(encoding="utf-8")
    for i in range(150):
        new_id = f"zz-synthetic-{i:03d}"
        (docs / f"cases/{new_id}.md").write_text(src.replace("lz-longpanyuan-136", new_id), encoding="utf-8")
        (docs / f"cases/{new_id}.en.md").write_text(src_en.replace("lz-longpanyuan-136", new_id), encoding="utf-8")
    site = tmp_path / "site"
    proc = build_site(site, docs, tmp_path, strict=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for rel in ["about/index.html", "course/overview/index.html", "en/cases/lz-longpanyuan-136/index.html"]:
        before = (built_site / rel).stat().st_size
        after = (site / rel).stat().st_size
        assert after - before < 2000, f"{rel}: {before} -> {after} bytes with 150 more cases"


def _copy_docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    return docs


def _lead_goose_with_unknown_case(d: Path) -> None:
    page = d / "playbooks/lead-goose.md"
    text = page.read_text(encoding="utf-8")
    if "  cases:" not in text:
        text = text.replace("related:", "related:\n  cases: [no-such-case]", 1)
    else:
        text = text.replace("  cases: [", "  cases: [no-such-case, ", 1)
    page.write_text(text, encoding="utf-8")


DAMAGES = {  # a copy of docs/ with one fault -> what the failing strict build must name
    "broken-link": (
        lambda d: (d / "about.md").open("a", encoding="utf-8").write("\n[坏链接](no-such-page.md)\n"),
        r"about\.md.*no-such-page\.md",
    ),
    "broken-anchor": (
        lambda d: (d / "about.md").open("a", encoding="utf-8").write("\n[坏锚点](index.md#no-such-anchor)\n"),
        r"about\.md.*no-such-anchor",
    ),
    "broken-front-matter": (
        lambda d: (d / "about.md").write_text("---\ntitle: [unclosed\n---\n# x\n", encoding="utf-8"),
        r"about\.md",
    ),
    "missing-translation": (
        lambda d: (d / "policies/lz-key-task-list.en.md").unlink(),
        r"policies/lz-key-task-list\.md:1:1: XRF020",
    ),
    "unknown-related-id": (
        _lead_goose_with_unknown_case,
        r"playbooks/lead-goose\.md:1:1: XRF010 related\.cases: no case with ID 'no-such-case'",
    ),
}


@pytest.fixture(scope="module")
def damaged_builds(tmp_path_factory) -> dict[str, object]:
    """Each damaged copy built strictly; the builds run side by side (each uses one core)."""
    jobs = {}
    for name, (damage, _expect) in DAMAGES.items():
        tmp = tmp_path_factory.mktemp(name)
        docs = _copy_docs(tmp)
        damage(docs)
        jobs[name] = (tmp / "site", docs, tmp)
    return build_sites(jobs)


@pytest.mark.parametrize("name", list(DAMAGES))
def test_bad_input_fails_the_strict_build_naming_the_file(damaged_builds, name: str) -> None:
    proc = damaged_builds[name]
    assert proc.returncode != 0
    assert re.search(DAMAGES[name][1], proc.stdout + proc.stderr), (proc.stdout + proc.stderr)[-3000:]


def test_malformed_config_names_the_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8") + "\nnav: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(cfg), "-d", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode != 0
    assert "mkdocs.yml" in proc.stdout + proc.stderr


def test_build_script_leaves_nothing_half_built(tmp_path: Path) -> None:
    """scripts/build.py: a failing build leaves the previous site and no marker."""
    import subprocess
    import sys

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous good site", encoding="utf-8")
    (site / ".kb-build.json").write_text('{"previous": true}', encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\n[broken](missing.md)\n", encoding="utf-8")
    cases = {  # a config MkDocs cannot read (exit 2), a strict build that fails (exit 1)
        2: "site_name: x\nnav: [unclosed\n",
        1: f"site_name: x\ndocs_dir: {docs}\nstrict: true\nvalidation:\n  links:\n    not_found: warn\n",
    }
    for code, text in cases.items():
        bad_cfg = tmp_path / f"bad-{code}.yml"
        bad_cfg.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "scripts/build.py", "--skip-checks", "--site-dir", str(site), "-f", str(bad_cfg)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == code, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        assert (site / "index.html").read_text(encoding="utf-8") == "previous good site"
        assert (site / ".kb-build.json").read_text(encoding="utf-8") == '{"previous": true}'
    assert not list(tmp_path.glob(".site-staging-*"))


def test_search_worker_wrapper_is_served_beside_materials(built_site: Path) -> None:
    for rel in ["index.html", "en/course/overview/index.html", "404.html", "en/404.html"]:
        html = (built_site / rel).read_text(encoding="utf-8")
        cfg = json.loads(re.search(r'id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
        folder, _, name = cfg["search"].rpartition("/")
        assert name.startswith("kb-search.js?material=search."), (rel, cfg["search"])
        material = name.split("material=", 1)[1]
        workers = built_site / "assets/javascripts/workers"
        assert (workers / "kb-search.js").exists() and (workers / material).exists(), material
