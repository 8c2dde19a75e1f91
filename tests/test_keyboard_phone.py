"""Keyboard, screen readers and phones (issue 18, items 4 and 5), in a real browser.

One page of each type, at 375 px and 1366 px, in both languages: Tab walks
through the page and every stop is visible (a box inside the viewport, not
hidden); on a phone the menu button is among the first stops and the menu
works from the keyboard; a glossary term takes focus, shows its definition and
is described by it. Phones: collection indexes are cards, the title first,
with no sideways scroll; table text is at least 14 px; a section label in the
menu opens the section; menu labels agree with page titles; a collection page
has its contents in the menu. The focus orders are written to
``test-artifacts/focus-order/`` for a person to read.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from browser_support import lang_path, new_context

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "focus-order"
LANGS = ["zh", "en"]
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1366, "height": 900}}
PAGES = [
    ("home", "/"),
    ("module", "/course/process-control/"),
    ("case", "/cases/lz-longpanyuan-136/"),
    ("playbook", "/playbooks/three-way-triage/"),
    ("policy", "/policies/lz-branch-standardisation-plan/"),
    ("collection-index", "/cases/"),
    ("glossary", "/glossary/"),
]
COLLECTION_INDEXES = ["/policies/", "/cases/", "/playbooks/"]
STOPS = 18  # the header, then the menu (wide screen) or the start of the content (phone)

# Measure where things end up, not half-way through a slide: no transitions.
NO_MOTION = """document.addEventListener('DOMContentLoaded', () => {
  const s = document.createElement('style');
  s.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.appendChild(s);
});"""

MEASURE = """(e) => {
  const r = e.getBoundingClientRect();
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const hit = document.elementFromPoint(Math.min(Math.max(cx, 0), innerWidth - 1), Math.min(Math.max(cy, 0), innerHeight - 1));
  return {
    what: (e.tagName + (e.className ? '.' + String(e.className).split(' ').filter(c => c && c !== 'focus-visible').join('.') : '')),
    text: (e.getAttribute('aria-label') || e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40),
    x: r.left, y: r.top, w: r.width, h: r.height, vw: innerWidth, vh: innerHeight,
    shown: e.checkVisibility({opacityProperty: true, visibilityProperty: true}),
    onTop: !!hit && (hit === e || e.contains(hit) || hit.contains(e)),
  };
}"""
FOCUSED = "() => { const e = document.activeElement; return e && e !== document.body ? (" + MEASURE + ")(e) : null; }"
# Every stop measured when it takes focus, and again a moment later if it
# still has it (Material opens the search box in its own focus handler).
RECORDER = (
    "() => { window.kbStops = []; const m = "
    + MEASURE
    + """;
  document.addEventListener('focusin', (ev) => {
    const i = window.kbStops.push(m(ev.target)) - 1;
    setTimeout(() => { if (document.activeElement === ev.target) window.kbStops[i] = m(ev.target); }, 60);
  });
}"""
)


def _context(chromium, site_server, viewport: dict):
    ctx = new_context(chromium, site_server, viewport)
    ctx.add_init_script(NO_MOTION)
    return ctx


@pytest.fixture(scope="module")
def pages(chromium, site_server):
    ctxs = {name: _context(chromium, site_server, vp) for name, vp in WIDTHS.items()}
    yield {name: ctx.new_page() for name, ctx in ctxs.items()}
    for ctx in ctxs.values():
        ctx.close()


def _go(page, site_server, path: str) -> None:
    response = page.goto(site_server.url(path))
    assert response is not None and response.status == 200, path


def _problem(stop: dict) -> str:
    if stop["w"] < 1 or stop["h"] < 1:
        return "no box"
    if not stop["shown"]:
        return "hidden"
    if (
        stop["x"] < -1
        or stop["y"] < -1
        or stop["x"] + stop["w"] > stop["vw"] + 1
        or stop["y"] + stop["h"] > stop["vh"] + 1
    ):
        return "outside the viewport"
    if not stop["onTop"]:
        return "covered"
    return ""


def _tab_through(page, n: int = STOPS) -> list[dict]:
    page.evaluate(RECORDER)
    for _ in range(n):
        page.keyboard.press("Tab")
    page.wait_for_timeout(120)
    stops = page.evaluate("() => window.kbStops")
    # stop at the first return to the top of the page (Tab ran past the last stop)
    for i, stop in enumerate(stops[1:], 1):
        if stop["what"] == stops[0]["what"] and stop["text"] == stops[0]["text"]:
            return stops[:i]
    return stops


def _record(name: str, stops: list[dict]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = [f"{i + 1:2} {s['what']} «{s['text']}» {_problem(s) or 'ok'}" for i, s in enumerate(stops)]
    (ARTIFACTS / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_focus_stop_is_visible(pages, site_server, width: str, lang: str) -> None:
    page = pages[width]
    bad = []
    for kind, path in PAGES:
        _go(page, site_server, lang_path(path, lang))
        stops = _tab_through(page)
        _record(f"{width}-{lang}-{kind}", stops)
        assert len(stops) >= 8, f"{kind}: only {len(stops)} stops"
        bad += [
            f"{kind} stop {i + 1} {s['what']} «{s['text']}»: {_problem(s)}" for i, s in enumerate(stops) if _problem(s)
        ]
        if width == "phone":
            first = [s["what"] for s in stops[:3]]
            assert any("md-header__button" in w and s["text"] for w, s in zip(first, stops)), f"{kind}: {first}"
            assert stops[1]["what"].startswith("LABEL.md-header__button"), f"{kind}: menu button not 2nd: {first}"
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_phone_menu_from_the_keyboard(pages, site_server, lang: str) -> None:
    page = pages["phone"]
    _go(page, site_server, lang_path("/cases/", lang))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    button = page.evaluate(FOCUSED)
    assert button["what"].startswith("LABEL.md-header__button"), button
    assert page.get_attribute(".md-header__button[for='__drawer']", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.is_checked("#__drawer")
    assert page.get_attribute(".md-header__button[for='__drawer']", "aria-expanded") == "true"
    page.wait_for_timeout(400)  # the focus moves into the menu once it has slid in
    stop = page.evaluate(FOCUSED)
    assert stop["what"].startswith("A.md-nav__button") and not _problem(stop), stop
    # Tab now reaches the menu; the section label 课程 / Course opens the section (Space), it does not navigate
    course = "课程" if lang == "zh" else "Course"
    for _ in range(12):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        assert stop is not None
        assert not _problem(stop), stop
        if stop["text"] == course:
            break
    else:
        pytest.fail("the course section label is not a keyboard stop")
    url = page.url
    page.keyboard.press(" ")
    assert page.url == url, "the section label navigated"
    page.keyboard.press("Tab")
    stop = page.evaluate(FOCUSED)
    assert not _problem(stop), stop
    assert stop["what"] == "LABEL.md-nav__title", stop  # the way back, then the section's pages
    page.keyboard.press("Tab")
    stop = page.evaluate(FOCUSED)
    assert not _problem(stop) and stop["text"].startswith(course), stop
    # Tab past the menu's last item closes it (the page beside it is covered); Escape too
    for _ in range(12):
        page.keyboard.press("Tab")
        if not page.is_checked("#__drawer"):
            break
    stop = page.evaluate(FOCUSED)
    assert not page.is_checked("#__drawer") and not _problem(stop), stop
    page.click(".md-header__button[for='__drawer']")
    page.locator(".md-header__button[for='__drawer']").focus()
    # Escape closes the menu and returns to the menu button
    page.keyboard.press("Escape")
    assert not page.is_checked("#__drawer")
    assert page.evaluate(FOCUSED)["what"].startswith("LABEL.md-header__button")


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_term_shows_and_announces_its_definition_on_focus(pages, site_server, lang: str) -> None:
    page = pages["desktop"]
    _go(page, site_server, lang_path("/course/process-control/", lang))
    term = page.locator("abbr.kb-term").first
    word = term.inner_text()
    definition = term.get_attribute("title")
    assert definition and term.get_attribute("tabindex") == "0"
    term.focus()
    tooltip = page.locator(".md-tooltip2--active[role=tooltip]")
    tooltip.wait_for(state="visible", timeout=3000)
    assert tooltip.inner_text().strip() == definition
    # what a screen reader is given: the term as the name, the definition as the description
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "abbr.kb-term"})["nodeId"]
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
    finally:
        cdp.detach()
    assert ax["name"]["value"] == word
    assert ax.get("description", {}).get("value") == definition


def _cards(page) -> dict:
    return page.evaluate(
        """() => {
      const wide = Array.from(document.querySelectorAll('.md-content *')).filter(e => {
        const ox = getComputedStyle(e).overflowX;
        return (ox === 'auto' || ox === 'scroll') && e.scrollWidth > e.clientWidth + 1;
      }).map(e => e.tagName + '.' + e.className);
      const rows = Array.from(document.querySelectorAll('.kb-collection tbody tr')).map(tr => {
        const first = tr.cells[0];
        const r = tr.getBoundingClientRect();
        return {link: !!first.querySelector('a'), right: r.right, font: parseFloat(getComputedStyle(first).fontSize),
                small: Math.min(...Array.from(tr.cells).map(td => parseFloat(getComputedStyle(td).fontSize)))};
      });
      return {page: document.documentElement.scrollWidth, wide, rows};
    }"""
    )


@pytest.mark.parametrize("lang", LANGS)
def test_phone_collection_indexes_are_cards_title_first(pages, site_server, lang: str) -> None:
    page = pages["phone"]
    for path in COLLECTION_INDEXES + ["/course/process-control/"]:
        _go(page, site_server, lang_path(path, lang))
        got = _cards(page)
        assert got["page"] <= 375, f"{path} scrolls sideways: {got['page']}px"
        if path in COLLECTION_INDEXES:
            assert got["rows"], path
            assert not got["wide"], f"{path}: sideways scroll inside {got['wide']}"
            assert all(r["link"] and r["right"] <= 375 and r["small"] >= 14 for r in got["rows"]), (path, got["rows"])
        sizes = page.evaluate(
            "() => Array.from(document.querySelectorAll('.md-typeset table td')).map(td => parseFloat(getComputedStyle(td).fontSize))"
        )
        assert sizes and min(sizes) >= 14, f"{path}: table text {min(sizes or [0])}px"


@pytest.mark.parametrize("lang", LANGS)
def test_collection_page_has_its_contents_in_the_menu(pages, site_server, lang: str) -> None:
    page = pages["phone"]
    _go(page, site_server, lang_path("/cases/lz-longpanyuan-136/", lang))
    # the same contents as the sidebar of a wide screen
    headings = page.eval_on_selector_all(
        ".md-sidebar--secondary .md-nav--secondary a.md-nav__link",
        "as => as.map(a => a.getAttribute('href').split('#')[1])",
    )
    page.click(".md-header__button[for='__drawer']")
    member = page.locator(".md-nav--primary .kb-nav-member > label.md-nav__link")
    title = page.locator(".md-content h1").inner_text().replace("¶", "").strip()
    assert member.is_visible() and member.inner_text().strip() == title
    member.click()
    toc = page.locator(".md-nav--primary .kb-nav-member .md-nav--secondary a.md-nav__link")
    hrefs = [h.split("#")[-1] for h in toc.evaluate_all("as => as.map(a => a.getAttribute('href'))")]
    assert len(headings) >= 3 and hrefs == headings
    assert toc.first.is_visible()


def _agree(label: str, title: str) -> bool:
    return title == label or any(title.startswith(label + sep) for sep in ("：", ": ", "（", " ("))


@pytest.mark.parametrize("lang", LANGS)
def test_menu_labels_agree_with_page_titles(pages, site_server, lang: str) -> None:
    page = pages["desktop"]
    _go(page, site_server, lang_path("/course/process-control/", lang))
    links = page.eval_on_selector_all(
        ".md-nav--primary > .md-nav__list a.md-nav__link:not(.md-nav__container > a)",
        "as => as.filter(a => !a.closest('.md-nav--secondary')).map(a => [a.textContent.trim(), a.href])",
    )
    assert len(links) >= 13, links
    bad = []
    home = site_server.url(lang_path("/", lang))
    for label, href in links:
        if href == home:  # 首页 / Home: the home page's heading is the site's name
            continue
        with urllib.request.urlopen(href.split("#")[0]) as resp:  # loopback: the test server
            text = resp.read().decode("utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        title = re.sub(r'<a class="headerlink".*?</a>|<[^>]+>', "", h1.group(1)).strip() if h1 else ""
        if not _agree(label, title):
            bad.append(f"menu «{label}» / page «{title}»")
    assert not bad, bad
