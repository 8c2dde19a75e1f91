"""The reader's experience (issue 7), in a real browser.

Debian's Chromium (never a downloaded browser) driven by Playwright reads the
built site served on 127.0.0.1: search in both languages, the language switch,
no request to any other host, term tooltips, phones, accessibility (axe-core),
the printable handout, and screenshots of every page type for a person to
look at in ``test-artifacts/screenshots/``.

One browser and one server for the whole session. To point the tests at a site
built elsewhere (e.g. while the strict build is red), set KB_BROWSER_SITE to
its directory.
"""

from __future__ import annotations

import html as htmllib
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from browser_support import (
    DESKTOP,
    PAGE_TYPES,
    PHONE,
    lang_path,
    new_context,
    search,
)

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
QUERIES = yaml.safe_load((ROOT / "tests/data/search_queries.yml").read_text(encoding="utf-8"))
LANGS = ["zh", "en"]
ZWSP = "\u200b"
PAGES = dict(PAGE_TYPES)
CONTENT_TYPES = [t for t, _ in PAGE_TYPES if t not in ("home", "404")]  # module, case, policy, playbook, glossary


# --- fixtures: one site, one server, one browser ----------------------------------


@pytest.fixture(scope="module")
def desktop(chromium, site_server):
    ctx = new_context(chromium, site_server, DESKTOP)
    page = ctx.new_page()
    yield page
    ctx.close()


@pytest.fixture(scope="module")
def phone(chromium, site_server):
    ctx = new_context(chromium, site_server, PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    yield page
    ctx.close()


@pytest.fixture(scope="module")
def search_pages(chromium, site_server):
    """One page per language, left on the language's home for searching."""
    ctx = new_context(chromium, site_server, DESKTOP)
    pages = {}
    for lang in LANGS:
        pages[lang] = ctx.new_page()
        pages[lang].goto(site_server.url(lang_path("/", lang)))
    yield pages
    ctx.close()


def visit(page, site_server, path: str, status: int = 200):
    response = page.goto(site_server.url(path))
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"
    return response


# --- the test server itself -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_server_answers_missing_pages_with_the_languages_404(site_server, lang: str) -> None:
    url = site_server.url(lang_path("/no-such-page/", lang))
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    body = err.value.read().decode("utf-8")
    assert err.value.code == 404
    assert f'<html lang="{lang}"' in body
    assert ("Page not found" if lang == "en" else "页面未找到") in body


# --- search -------------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.replace(ZWSP, "").strip()


def _chinese_pages_using(term: str) -> set[str]:
    """Site paths of the Chinese pages (glossary aside) whose source uses ``term``."""
    from kb.model.tree import page_url

    found = set()
    for path in (ROOT / "docs").rglob("*.md"):
        rel = path.relative_to(ROOT / "docs").as_posix()
        if rel.endswith(".en.md") or rel == "glossary.md":
            continue
        if term in path.read_text(encoding="utf-8"):
            found.add("/" + page_url(rel))
    return found


def _term_list() -> list[str]:
    from kb.model import terms

    return [t.zh for t in terms.load().terms]


@pytest.mark.parametrize("term", _term_list())
def test_searching_each_term_finds_a_page_that_uses_it(search_pages, term: str) -> None:
    using = _chinese_pages_using(term)
    if not using:
        pytest.skip(f"no Chinese page uses {term} (only the glossary)")
    search_pages["zh"].bring_to_front()
    paths = [r["path"] for r in search(search_pages["zh"], term)][:10]
    assert using & set(paths), f"{term}: none of {sorted(using)[:5]} in the first results {paths}"


@pytest.mark.parametrize(
    "lang,query,expect",
    [(lang, q["query"], q["expect"]) for lang in LANGS for q in QUERIES[lang]],
    ids=[f"{lang}-{q['query']}" for lang in LANGS for q in QUERIES[lang]],
)
def test_search_finds_the_page_in_the_first_results(search_pages, lang: str, query: str, expect: str) -> None:
    search_pages[lang].bring_to_front()  # a background tab's timers are throttled
    results = search(search_pages[lang], query)
    paths = [r["path"] for r in results]
    shown = [f"{i + 1}. {r['path']} {_clean(r['titles'][0])}" for i, r in enumerate(results[:8])]
    assert expect in paths[: QUERIES["max_rank"]], (
        f"{query!r}: {expect} not in the first {QUERIES['max_rank']}:\n" + "\n".join(shown)
    )
    # results never mix languages
    foreign = [p for p in paths if p.startswith("/en/") != (lang == "en")]
    assert not foreign, f"{query!r} on the {lang} site shows pages of the other language: {foreign}"


# Our search worker builds Material's lunr index faster (positions for
# highlighting are computed after a query, for its results only); the answers
# must be exactly Material's: the same result locations in the same order, the
# same highlighted titles and snippets, scores, query terms and suggestions.
SAME_RESULT_QUERIES = {
    "zh": [
        "三事分流",
        "在职党员到社区报到",
        "党支部标准化规范化建设",
        "龙攀苑",
        "社区",
        "社",
        "2.8万",
        "3449",
        "171.32万",
        "3.8亿元",
        "网格 管理",
        "党员 -社区",
        "+党建 +社区",
        "title:社区",
        "triage",
        "qqxzzy",  # no result (Chinese the index lacks still finds its characters)
        "社区",
    ],
    "en": [
        "triage",
        "community access",
        "Lead Goose",
        "Standardised Party Branch Building",
        "community",
        "c",
        "3,449",
        "3449",
        "1713200",
        "380 million yuan",
        "the",
        "party -community",
        "title:community",
        "三事分流",
        "qqxzzy",
        "community",
    ],
}

# In the page: our search worker driven as Material's main thread drives it
# (SETUP 0 -> READY 1, then QUERY 2 -> RESULT 3 for each query); the answers,
# and the worker kept in window.__kbWorkers for the test to inspect and close.
_WORKER_JS = """
  const config = JSON.parse(document.getElementById('__config').textContent);
  const worker = new URL(config.search, location.href).href;
  const index = await (await fetch(new URL('search/search_index.json', new URL(config.base, location.href)))).json();
  async function ask(url, setup, queries) {
    const w = new Worker(url);
    const next = () => new Promise(resolve => w.addEventListener('message', e => resolve(e.data), {once: true}));
    w.postMessage({type: 0, data: setup});
    const ready = await next();
    const out = [];
    for (const q of queries) { w.postMessage({type: 2, data: q}); out.push(await next()); }
    (window.__kbWorkers = window.__kbWorkers || []).push(w);
    return {ready, out};
  }
"""

# One worker per build.
_BOTH_BUILDS_JS = (
    """async (queries) => {"""
    + _WORKER_JS
    + """
  const setup = {config: index.config, docs: index.docs, options: {suggest: true}};
  return {worker, fast: await ask(worker + '&lunr=fast', setup, queries),
          material: await ask(worker + '&lunr=material', setup, queries)};
}"""
)


@pytest.mark.parametrize("lang", LANGS)
def test_fast_index_build_answers_exactly_as_materials(chromium, site_server, lang: str) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    try:
        page = ctx.new_page()
        visit(page, site_server, lang_path("/", lang))
        queries = SAME_RESULT_QUERIES[lang]
        got = page.evaluate(_BOTH_BUILDS_JS, queries)
        # which build each worker ran (a fallback to Material's would make the comparison empty)
        builds = {w.url: w.evaluate("self.kbSearchBuild") for w in page.workers if "kb-search.js" in w.url}
        assert builds.get(got["worker"] + "&lunr=fast") == "fast", builds
        assert builds.get(got["worker"] + "&lunr=material") is None, builds  # Material's own lunr(), untouched
        assert got["fast"]["ready"] == got["material"]["ready"] == {"type": 1}
        fast, material = got["fast"]["out"], got["material"]["out"]
        counts = [len(m["data"]["items"]) for m in material]
        # the queries exercise no result and results on most pages
        assert 0 in counts and max(counts) >= 20, counts
        for query, a, b in zip(queries, fast, material):
            assert a["type"] == b["type"] == 3, query
            locations = lambda m: [[item["location"] for item in group] for group in m["data"]["items"]]  # noqa: E731
            assert locations(a) == locations(b), f"{query!r}: other results or order"
            assert a == b, f"{query!r}: same results, other highlighting, scores or terms"
        page.evaluate("() => window.__kbWorkers.forEach(w => w.terminate())")
    finally:
        ctx.close()


# The Chinese index is declared as lunr's built-in "en" with an empty pipeline
# (kb.build.search.split_search_index) so that no lunr.zh script is fetched;
# it must answer exactly as with lunr.zh and the stemmer-only pipeline.
_ZH_PLUGIN_JS = (
    """async (queries) => {"""
    + _WORKER_JS
    + """
  const answers = async cfg => (await ask(worker + '&lunr=material',
                                          {config: cfg, docs: index.docs, options: {suggest: true}}, queries)).out;
  return {served: index.config,
          plain: await answers(index.config),
          lunrZh: await answers({...index.config, lang: ['zh'], pipeline: ['stemmer']})};
}"""
)


def test_the_chinese_index_answers_as_with_lunr_zh(chromium, site_server) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    try:
        page = ctx.new_page()
        visit(page, site_server, "/")
        queries = SAME_RESULT_QUERIES["zh"] + _term_list()
        got = page.evaluate(_ZH_PLUGIN_JS, queries)
        assert got["served"]["lang"] == ["en"] and got["served"]["pipeline"] == []
        assert sum(len(m["data"]["items"]) > 0 for m in got["plain"]) > len(queries) // 2
        for query, a, b in zip(queries, got["plain"], got["lunrZh"]):
            assert a == b, f"{query!r}: other answer without lunr.zh"
        page.evaluate("() => window.__kbWorkers.forEach(w => w.terminate())")
    finally:
        ctx.close()


# A small index is built by Material's own code and the faster build is not
# even downloaded; from FAST_FROM sections (kb-search.js) it is loaded and used.
_BY_SIZE_JS = (
    """async ([copies, query]) => {"""
    + _WORKER_JS
    + """
  const docs = [];
  for (let i = 0; i < copies; i++)
    for (const d of index.docs) docs.push({...d, location: i ? `copy-${i}/${d.location}` : d.location});
  const url = worker + '&copies=' + copies;  // one URL per worker, to find it among page.workers
  const got = await ask(url, {config: index.config, docs, options: {suggest: false}}, [query]);
  return {worker: url, sections: docs.length, ready: got.ready, found: got.out[0].data.items.length};
}"""
)


@pytest.mark.parametrize("lang", LANGS)
def test_the_faster_index_build_is_loaded_for_a_large_index_only(chromium, site_server, lang: str) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    try:
        page = ctx.new_page()
        visit(page, site_server, lang_path("/", lang))
        query = "community" if lang == "en" else "社区"
        small = page.evaluate(_BY_SIZE_JS, [1, query])
        large = page.evaluate(_BY_SIZE_JS, [8, query])
        assert small["sections"] < 2000 <= large["sections"], (small["sections"], large["sections"])
        state = {
            w.url: w.evaluate("[self.kbSearchBuild || null, typeof self.fastLunr]")
            for w in page.workers
            if "kb-search.js" in w.url
        }
        assert state[small["worker"]] == [None, "undefined"], state  # Material's build, file not fetched
        assert state[large["worker"]] == ["fast", "function"], state
        for got in (small, large):
            assert got["ready"] == {"type": 1} and got["found"] > 0, got
        page.evaluate("() => window.__kbWorkers.forEach(w => w.terminate())")
    finally:
        ctx.close()


def test_copying_a_result_title_copies_no_zero_width_spaces(search_pages) -> None:
    page = search_pages["zh"]
    page.bring_to_front()
    search(page, "党支部标准化规范化建设")
    title = page.locator(".md-search-result__article h1").first
    raw = title.text_content() or ""
    # the precondition that makes this test mean something: the segmented title
    assert ZWSP in raw, f"expected a segmented title, got {raw!r}"
    copied = page.evaluate(
        """(el) => {
              // Material makes the result list unselectable (user-select: none),
              // so a reader selects a title only where a browser lets them: lift
              // that here so the selection holds the title as it is in the page.
              el.style.userSelect = 'text';
              const range = document.createRange();
              range.selectNodeContents(el);
              const sel = window.getSelection();
              sel.removeAllRanges();
              sel.addRange(range);
              // a copy as the browser dispatches it; our listener on window sees
              // what the page's handlers put on the clipboard
              let seen = null;
              window.addEventListener('copy', (e) => { seen = e.clipboardData.getData('text/plain'); }, {once: true});
              const event = new ClipboardEvent('copy', {clipboardData: new DataTransfer(), bubbles: true, cancelable: true});
              el.dispatchEvent(event);
              // without a handler the browser copies the selection as it is
              return event.defaultPrevented ? seen : String(sel);
            }""",
        title.element_handle(),
    )
    assert copied == raw.replace(ZWSP, ""), f"copied {copied!r}"
    assert ZWSP not in copied


# --- language switch ------------------------------------------------------------------


def _switch(page, to: str) -> None:
    page.locator(".md-header__option .md-select > button").click()
    page.locator(f'.md-select__link[hreflang="{to}"]').click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("kind", CONTENT_TYPES)
def test_language_switch_lands_on_the_counterpart_and_back(desktop, site_server, kind: str) -> None:
    path = PAGES[kind]
    visit(desktop, site_server, path)
    _switch(desktop, "en")
    assert desktop.url == site_server.url("/en" + path)
    assert desktop.locator("html").get_attribute("lang") == "en"
    _switch(desktop, "zh")
    assert desktop.url == site_server.url(path)
    assert desktop.locator("html").get_attribute("lang") == "zh"


# --- intranet: no request to another host -------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pages_and_search_request_nothing_from_another_host(chromium, site_server, lang: str) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    own = site_server.url(lang_path("/search/search_index.json", lang))
    wrong_index = []
    try:
        page = ctx.new_page()
        log = ctx.kb_requests
        for kind, path in PAGE_TYPES:
            seen = len(log.urls)
            visit(page, site_server, lang_path(path, lang), 404 if kind == "404" else 200)
            search(page, "三事分流" if lang == "zh" else "triage")
            # the search index of the page's own language, never the other one
            indexes = [u for u in log.urls[seen:] if u.endswith("search_index.json")]
            if indexes != [own]:
                wrong_index.append(f"{kind} {lang_path(path, lang)} fetched {indexes}, not {own}")
        assert not log.foreign(), "requests to other hosts:\n" + "\n".join(sorted(set(log.foreign())))
        assert not wrong_index, "\n".join(wrong_index)
    finally:
        ctx.close()


# --- term tooltips ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_hovering_a_term_shows_its_definition(desktop, site_server, browser_site: Path, lang: str) -> None:
    path = lang_path(PAGES["module"], lang)
    source = (browser_site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<abbr\b[^>]*\stitle="([^"]+)"', source.split('class="md-content"', 1)[-1])
    assert m, f"{path}: no term with a definition (<abbr title>) in the page"
    definition = htmllib.unescape(m.group(1))
    visit(desktop, site_server, path)
    desktop.locator(".md-content abbr").first.hover()
    tip = desktop.locator(".md-tooltip2--active, .md-tooltip--active, [role=tooltip]:visible").first
    tip.wait_for(state="visible", timeout=5_000)
    assert definition.strip()[:40] in re.sub(r"\s+", " ", tip.inner_text())


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_phone_layout(phone, site_server, lang: str) -> None:
    # nothing scrolls sideways on any page type
    for kind, path in PAGE_TYPES:
        visit(phone, site_server, lang_path(path, lang), 404 if kind == "404" else 200)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{kind} {lang_path(path, lang)} scrolls sideways: {width}px"

    # the navigation opens from the menu button
    visit(phone, site_server, lang_path(PAGES["module"], lang))
    # (on a module page the drawer opens at the course's level: the next module is shown)
    nav_link = (
        phone.locator(".md-sidebar--primary .md-nav__link")
        .filter(has_text=re.compile(r"工序效率|Process efficiency"))
        .first
    )
    assert not nav_link.is_visible() or not _in_viewport(phone, nav_link)
    phone.locator('label.md-header__button[for="__drawer"]').click()
    phone.wait_for_timeout(400)  # the drawer slides in
    assert phone.locator("#__drawer").is_checked()
    assert nav_link.is_visible() and _in_viewport(phone, nav_link), "the navigation did not open"

    # the collection indexes (cards, the title first, no sideways scroll): tests/test_keyboard_phone.py


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return bool(box) and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


# --- accessibility --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", [t for t, _ in PAGE_TYPES])
def test_no_serious_accessibility_violation(desktop, site_server, axe, kind: str, lang: str) -> None:
    path = lang_path(PAGES[kind], lang)
    visit(desktop, site_server, path, 404 if kind == "404" else 200)
    results = axe.run(desktop)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(f"{n['target']}: {n['failureSummary'].splitlines()[-1].strip()}" for n in v["nodes"][:5])
        for v in bad
    ]
    assert not bad, f"{path}:\n" + "\n".join(report)


# --- print -----------------------------------------------------------------------------------------------

MODULE_IDS = ["overview", "process-control", "process-efficiency", "production-factors", "flagship-brands"]


@pytest.mark.parametrize("lang", LANGS)
def test_printable_handout(chromium, site_server, lang: str, tmp_path: Path) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    try:
        page = ctx.new_page()
        path = lang_path("/course/handout/", lang)
        visit(page, site_server, path)
        page.emulate_media(media="print")
        # every module, in course order, with its heading visible; no navigation
        sections = page.evaluate(
            """() => Array.from(document.querySelectorAll('.md-content .kb-handout-module')).map(s => {
                 const h = s.querySelector('h2');
                 return {id: s.id, heading: h ? h.textContent.trim() : '', visible: !!h && h.getClientRects().length > 0
                         && getComputedStyle(h).visibility !== 'hidden'};
               })"""
        )
        assert [s["id"] for s in sections] == MODULE_IDS, sections
        assert all(s["visible"] and s["heading"] for s in sections), sections
        for hidden in (".md-sidebar--primary", ".md-sidebar--secondary", ".md-header", ".md-footer"):
            assert page.locator(hidden).first.evaluate("e => getComputedStyle(e).display") == "none", hidden
        # the PDF itself (contents, page numbers, answer key, page count): tests/test_handout_pdf.py
    finally:
        ctx.close()


# --- screenshots -----------------------------------------------------------------------------------------

SHOT_PAGES = PAGE_TYPES + [("handout", "/course/handout/"), ("collection", "/cases/")]


@pytest.mark.parametrize("lang", LANGS)
def test_screenshots_of_every_page_type(desktop, phone, site_server, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for view, page in (("desktop", desktop), ("phone", phone)):
        for kind, path in SHOT_PAGES:
            url = lang_path(path, lang)
            visit(page, site_server, url, 404 if kind == "404" else 200)
            page.evaluate("document.fonts.ready")
            _check_rendering(page, url)
            # the handout is every module on one page: its first screen is enough
            page.screenshot(path=str(SHOTS / f"{kind}-{lang}-{view}.png"), full_page=kind != "handout")


def _check_rendering(page, url: str) -> None:
    # flow diagrams: every step box inside the content column, arrows between steps
    problems = page.evaluate(
        """() => {
          const out = [];
          const content = document.querySelector('.md-content__inner');
          if (!content) return ['no content'];
          const right = content.getBoundingClientRect().right + 1;
          for (const li of document.querySelectorAll('.kb-flow > ol > li')) {
            const r = li.getBoundingClientRect();
            if (r.right > right) out.push('flow step overflows: ' + li.textContent.slice(0, 30));
            const arrow = getComputedStyle(li, '::after').content;
            if (li.nextElementSibling && (arrow === 'none' || arrow === 'normal')) out.push('flow step without arrow');
          }
          for (const tbs of document.querySelectorAll('.kb-tbs')) {
            const s = getComputedStyle(tbs);
            if (s.borderTopStyle !== 'dashed' || tbs.getClientRects().length === 0) out.push('to-be-supplied marker not marked');
          }
          return out;
        }"""
    )
    assert not problems, f"{url}: {problems}"


CJK_FAMILY = re.compile(
    r"WenQuanYi|文泉|Noto Sans CJK|Noto Serif CJK|Source Han|PingFang|Microsoft YaHei|Hiragino|Droid Sans Fallback",
    re.I,
)


@pytest.mark.parametrize("lang", LANGS)
def test_chinese_text_is_drawn_with_a_cjk_font(desktop, site_server, lang: str) -> None:
    """No tofu boxes: the fonts Chromium used for a Chinese heading are CJK fonts."""
    path = lang_path("/course/handout/" if lang == "zh" else PAGES["policy"], lang)
    visit(desktop, site_server, path)
    cdp = desktop.context.new_cdp_session(desktop)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".md-content h1"})["nodeId"]
        assert node, f"{path}: no h1"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    assert any(CJK_FAMILY.search(f["familyName"]) for f in fonts), f"{path}: h1 drawn with {fonts}"
