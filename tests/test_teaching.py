"""Teaching material (issue 17), asserted on the built site: the mechanism
cases follow one case-study template in both languages and join the case
library as their own kind."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import yaml
from sitebuild import ROOT

CASES = ROOT / "docs" / "cases"

# the fixed case-study template: anchor -> heading in each language
TEMPLATE = {
    "context": ("背景", "Context"),
    "problem": ("问题", "Problem"),
    "steps": ("做法与步骤", "What was done"),
    "evidence": ("原文给出的依据", "Evidence the source gives"),
    "not-said": ("原文没有说明的", "What the source does not say"),
    "questions": ("联系本社区的问题", "Questions for your own community"),
}


def _meta(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def mechanism_ids() -> list[str]:
    return sorted(
        p.stem for p in CASES.glob("*.md") if not p.name.endswith(".en.md") and _meta(p).get("kind") == "mechanism"
    )


def _h2(html: str) -> list[tuple[str, str]]:
    """(id, visible text) of every h2 of the article."""
    out = []
    for m in re.finditer(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', html, re.S):
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(2))).replace("¶", "").strip()
        out.append((m.group(1), text))
    return out


def test_the_nine_mechanisms_of_the_issue_have_a_case_page() -> None:
    assert len(mechanism_ids()) == 9, mechanism_ids()


def test_every_mechanism_case_has_every_template_section_in_both_languages(built_site: Path) -> None:
    for case_id in mechanism_ids():
        for lang, prefix in (("zh", ""), ("en", "en/")):
            page = built_site / prefix / "cases" / case_id / "index.html"
            heads = _h2(page.read_text(encoding="utf-8"))
            ids = [i for i, _ in heads]
            want = list(TEMPLATE)
            assert [i for i in ids if i in TEMPLATE] == want, f"{lang} {case_id}: sections {ids}"
            for anchor, text in heads:
                if anchor in TEMPLATE:
                    expected = TEMPLATE[anchor][0 if lang == "zh" else 1]
                    assert text == expected, f"{lang} {case_id}: heading {text!r}, want {expected!r}"
            html = page.read_text(encoding="utf-8")
            steps = html.split('id="steps"', 1)[1].split("<h2", 1)[0]
            assert "<ol>" in steps, f"{lang} {case_id}: the steps are not an ordered list"
            questions = html.split('id="questions"', 1)[1].split("<h2", 1)[0]
            assert questions.count("<li>") >= 2, f"{lang} {case_id}: fewer than two questions"


def test_the_case_index_shows_the_kind_of_every_case(built_site: Path) -> None:
    mech = set(mechanism_ids())
    for lang, prefix, label in (("zh", "", "机制案例"), ("en", "en/", "Mechanism case")):
        html = (built_site / prefix / "cases" / "index.html").read_text(encoding="utf-8")
        rows = [
            (kind, re.search(r"<td[^>]*>([a-z0-9-]+)</td>", cells).group(1), cells)
            for kind, cells in re.findall(r'<tr [^>]*data-kind="(\w+)"[^>]*>(.*?)</tr>', html, re.S)
        ]
        kinds = {cid: kind for kind, cid, _ in rows}
        assert {c for c, k in kinds.items() if k == "mechanism"} == mech, lang
        assert "lz-longpanyuan-136" in kinds and kinds["lz-longpanyuan-136"] == "method", lang
        for kind, cid, cells in rows:
            if kind == "mechanism":
                assert re.search(f"<td[^>]*>{label}</td>", cells), f"{lang} {cid}: no visible kind"


def test_search_finds_the_mechanism_cases(built_site: Path) -> None:
    """Each language's search index holds each mechanism case under its own title."""
    for lang, prefix in (("zh", ""), ("en", "en/")):
        index = json.loads((built_site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        titles = {d["location"]: d["title"].replace("\u200b", "") for d in index["docs"]}  # zh: word breaks
        for case_id in mechanism_ids():
            src = CASES / (f"{case_id}.md" if lang == "zh" else f"{case_id}.en.md")
            assert titles.get(f"cases/{case_id}/") == _meta(src)["title"], f"{lang} {case_id}"


def test_the_reading_list_names_the_eleven_documents_each_to_be_collected(built_site: Path) -> None:
    for prefix, nav, tbs in (("", "阅读书目", "待补充：全文待收集"), ("en/", "Reading list", "text to be collected")):
        html = (built_site / prefix / "course" / "reading-list" / "index.html").read_text(encoding="utf-8")
        docs = html.split('id="documents"', 1)[1].split("<h2", 1)[0]
        items = re.findall(r"<li>(.*?)</li>", docs, re.S)
        assert len(items) == 11, prefix
        for item in items:
            href = re.search(r'href="\.\./\.\./policies/([a-z0-9-]+)/"', item)
            assert href and (CASES.parent / "policies" / f"{href.group(1)}.md").exists(), item
            assert 'class="kb-tbs"' in item and tbs in item, item
        notice = html.split('id="national-list"', 1)[1].split("<h2", 1)[0]
        assert "《关于公布优秀社区工作法遴选结果的通知》" in notice and "2018" in notice
        home = (built_site / prefix / "index.html").read_text(encoding="utf-8")
        assert re.search(r'href="[^"]*course/reading-list/"[^>]*>\s*(<[^>]+>\s*)*' + nav, home), f"{prefix}: not in nav"
        index = json.loads((built_site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert any(d["location"] == "course/reading-list/" for d in index["docs"]), f"{prefix}: not in search"


# --- the national list (issue 17, item 7) ---------------------------------------------------------

LIST_PAGE = "cases/lists/mca-2018-100/index.html"
TEMPLATE_XLSX = ROOT / "docs" / "assets" / "kb-cases-template.xlsx"


def _on_national_list() -> list[str]:
    return sorted(
        p.stem for p in CASES.glob("*.md") if not p.name.endswith(".en.md") and _meta(p).get("list") == "mca-2018-100"
    )


def test_the_national_list_shows_its_coverage_counted_from_the_cases(built_site: Path) -> None:
    on_list = _on_national_list()
    assert on_list, "no case on the 2018 list"
    for prefix, text in (
        ("", f"本库收录其中 {len(on_list)} 个（共 100 个）"),
        ("en/", f"{len(on_list)} of 100 in this library"),
    ):
        html = (built_site / prefix / LIST_PAGE).read_text(encoding="utf-8")
        coverage = html.split('id="coverage"', 1)[1].split("<h2", 1)[0]
        assert text in coverage, prefix
        assert sorted(re.findall(r'href="\.\./\.\./([a-z0-9-]+)/"', coverage)) == on_list, prefix
        for name in ("草厂", "世纪城", "翠竹园", "Caochang", "Shijicheng", "Cuizhuyuan"):
            if (prefix == "") == (not name.isascii()):
                assert name in html.split('id="named"', 1)[1], f"{prefix}: {name}"
        href = re.search(r'href="([^"]+\.xlsx)"', html).group(1)
        url = (built_site / prefix / "cases/lists/mca-2018-100/" / href).resolve()
        assert url.read_bytes() == TEMPLATE_XLSX.read_bytes(), f"{prefix}: the download link misses the template"


def test_the_coverage_counts_a_new_entry_of_the_list() -> None:
    from kb.build.list_coverage import list_coverage
    from kb.build.registry import BuildState, PageRecord

    state = BuildState()
    page = PageRecord(
        "cases/lists/mca-2018-100.en.md",
        "cases/lists/mca-2018-100.md",
        "en",
        "en/cases/lists/mca-2018-100/",
        "",
        {},
        "",
    )
    state.record(page)
    for i, lst in enumerate(["mca-2018-100", "local", "mca-2018-100", None]):
        state.record(
            PageRecord(
                f"cases/c{i}.en.md",
                f"cases/c{i}.md",
                "en",
                f"en/cases/c{i}/",
                f"C{i}",
                {"id": f"c{i}", "list": lst},
                "",
            )
        )
    out = list_coverage(page, state)
    assert "2 of 100 in this library" in out and out.count("<li>") == 2


def test_the_template_has_the_importers_columns_and_imports_cleanly(tmp_path: Path) -> None:
    from import_support import copy_docs, run
    from openpyxl import load_workbook

    from kb.importer import template
    from kb.importer.rows import COLUMNS

    ws = load_workbook(TEMPLATE_XLSX, read_only=True).active
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    assert cells[0] == list(COLUMNS), (
        "the header is not the importer's columns (regenerate: python -m kb.importer.template)"
    )
    assert len(cells) == 2 and cells == template.rows(), "docs/assets/kb-cases-template.xlsx is stale"
    docs = copy_docs(tmp_path)
    proc = run("--docs", docs, TEMPLATE_XLSX)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    example = template.EXAMPLE["id"]
    page = (docs / "cases" / f"{example}.md").read_text(encoding="utf-8")
    assert "list: mca-2018-100" in page and "北京市草厂社区工作法" in page


# --- exercises (issue 17, item 4) ------------------------------------------------------------------

# a page in the navigation is its own active link there
IN_NAV = '<a href="./" class="md-nav__link md-nav__link--active">'
EXERCISES = ["sort-issues", "closed-loop", "three-lists", "access-list", "five-forces"]


def test_every_exercise_is_a_worksheet_without_answers_in_nav_and_search(built_site: Path) -> None:
    for prefix in ("", "en/"):
        index = json.loads((built_site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        locations = {d["location"] for d in index["docs"]}
        for ex in EXERCISES:
            html = (built_site / prefix / "course" / "exercises" / ex / "index.html").read_text(encoding="utf-8")
            sheet = html.split('class="kb-worksheet"', 1)[1]
            assert re.search(r"<table>", sheet), f"{prefix}{ex}: no worksheet table"
            assert len(re.findall(r"<td>\s*</td>", sheet)) >= 10, f"{prefix}{ex}: no empty cells to fill in"
            assert "<details" not in html.split('class="md-content"', 1)[1], f"{prefix}{ex}: an answer block"
            assert IN_NAV in html, f"{prefix}{ex}: not in nav"
            assert f"course/exercises/{ex}/" in locations, f"{prefix}{ex}: not in search"


def test_exercises_print_as_worksheets_and_search_finds_the_new_pages(chromium, site_server) -> None:
    from browser_support import lang_path, new_context, search

    ctx = new_context(chromium, site_server, {"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        # the worksheet CSS is the same on every exercise (the static test covers each page): one per language
        for lang, exercises in (("zh", EXERCISES[:1]), ("en", EXERCISES[-1:])):
            for ex in exercises:
                path = lang_path(f"/course/exercises/{ex}/", lang)
                assert page.goto(site_server.url(path)).status == 200, path
                page.emulate_media(media="print")
                state = page.evaluate(
                    """() => ({
                      hidden: ['.md-sidebar--primary', '.md-sidebar--secondary', '.md-header', '.md-footer']
                        .map(s => getComputedStyle(document.querySelector(s)).display),
                      cells: Array.from(document.querySelectorAll('.kb-worksheet td'))
                        .map(td => td.getBoundingClientRect().height),
                      open: document.querySelectorAll('.md-content details').length,
                    })"""
                )
                assert state["hidden"] == ["none"] * 4, f"{path}: navigation printed {state['hidden']}"
                assert state["cells"] and min(state["cells"]) >= 40, f"{path}: no room to write {state['cells'][:3]}"
                assert state["open"] == 0, path
                page.emulate_media(media="screen")
        # a reader's search finds the new pages (Material searches on keyup: browser_support.search)
        for lang, query, want in (
            ("zh", "数字城管", "/cases/lz-digital-city-closed-loop/"),
            ("en", "worksheet", "/en/course/exercises/"),
        ):
            assert page.goto(site_server.url(lang_path("/", lang))).status == 200
            paths = [r["path"] for r in search(page, query)]
            assert any(p.startswith(want) for p in paths), f"{lang} {query!r}: {paths}"
        assert not ctx.kb_requests.foreign()
    finally:
        ctx.close()


# --- application self-checks (issue 17, item 5) ----------------------------------------------------

APPLY_MODULES = ["process-control", "process-efficiency", "production-factors", "flagship-brands"]
QUESTION = re.compile(r'<details class="question">\s*<summary>(.*?)</summary>(.*?)</details>', re.S)


def test_modules_ask_application_questions_whose_answers_cite_the_source(built_site: Path) -> None:
    for prefix, mark in (("", "应用："), ("en/", "Apply:")):
        handout = (built_site / prefix / "course" / "handout" / "index.html").read_text(encoding="utf-8")
        # the handout lists the questions (numbered) and gathers the answers in a key at the end
        handout_text = htmllib.unescape(re.sub(r"<[^>]+>", "", handout))
        for module in APPLY_MODULES:
            html = (built_site / prefix / "course" / module / "index.html").read_text(encoding="utf-8")
            questions = QUESTION.findall(html)
            applied = [(q, a) for q, a in questions if htmllib.unescape(q).startswith(mark)]
            assert len(applied) >= 2, f"{prefix}{module}: {len(applied)} application questions"
            assert len(questions) > len(applied), f"{prefix}{module}: the recall questions are gone"
            for q, a in applied:
                assert re.search(r'href="\.\./source-reading/#p\d+"', a), f"{prefix}{module}: uncited answer to {q}"
                assert htmllib.unescape(re.sub(r"<[^>]+>", "", q)).strip() in handout_text, (
                    f"{prefix}: the handout lacks {q}"
                )


# --- learning paths (issue 17, item 6) -------------------------------------------------------------

PATHS = ["path-community-secretaries", "path-subdistrict-cadres"]


def test_each_learning_path_is_an_ordered_route_through_modules_cases_and_exercises(built_site: Path) -> None:
    mech = set(mechanism_ids())
    for prefix in ("", "en/"):
        index = json.loads((built_site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        locations = {d["location"] for d in index["docs"]}
        for path in PATHS:
            page = built_site / prefix / "course" / path / "index.html"
            html = page.read_text(encoding="utf-8")
            article = html.split('class="md-content"', 1)[1].split('id="sources"', 1)[0]
            assert article.count("<ol>") >= 4, f"{prefix}{path}: not an ordered route"
            targets = []
            for href in re.findall(r'<a href="([^"#]+)(?:#[^"]*)?"', article):
                target = (page.parent / href).resolve()
                if target.is_relative_to(built_site.resolve()) and href.endswith("/"):
                    assert (target / "index.html").exists(), f"{prefix}{path}: broken link {href}"
                    targets.append(target.relative_to((built_site / prefix).resolve()).as_posix())
            modules = [t for t in targets if t.split("/")[-1] in APPLY_MODULES]
            cases = {t.split("/")[-1] for t in targets if t.startswith("cases/")}
            exercises = {t.split("/")[-1] for t in targets if t.startswith("course/exercises/")}
            assert set(modules) >= {f"course/{m}" for m in APPLY_MODULES}, f"{prefix}{path}: modules {modules}"
            assert len(cases & mech) >= 6 and len(exercises) >= 4, f"{prefix}{path}: {cases} {exercises}"
            assert f"course/{path}/" in locations, f"{prefix}{path}: not in search"
            assert IN_NAV in html, f"{prefix}{path}: not in nav"


# --- brand playbooks promise only what is on them (issue 17, item 7) -------------------------------

BRAND_PLAYBOOKS = ["fendou-branch", "hongqi-grid", "red-steward", "volunteer-express-136"]


def test_brand_playbooks_without_steps_say_so_and_point_to_mechanism_cases(built_site: Path) -> None:
    mech = set(mechanism_ids())
    for prefix, note in (("", "本手册暂无可照做的步骤"), ("en/", "This playbook has no steps to follow yet")):
        for pid in BRAND_PLAYBOOKS:
            html = (built_site / prefix / "playbooks" / pid / "index.html").read_text(encoding="utf-8")
            article = html.split('class="md-content"', 1)[1]
            ids = [i for i, _ in _h2(article)]
            assert not {"steps", "checklist", "measures"} & set(ids), f"{prefix}{pid}: promises {ids}"
            assert 'type="checkbox"' not in article, f"{prefix}{pid}: a checklist to tick"
            assert note in article, f"{prefix}{pid}: no notice"
            see = article.split('id="see-instead"', 1)[1].split("<h2", 1)[0]
            linked = set(re.findall(r'href="\.\./\.\./cases/([a-z0-9-]+)/"', see))
            assert linked & mech, f"{prefix}{pid}: no mechanism case to study instead"
