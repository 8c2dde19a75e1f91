"""The browser part of the benchmark, in Chromium through Playwright (loopback
only): the time from opening a page to the first search results, the bytes a
first search downloads and the recall and ranks of held-out queries, for Material's
search (ours and stock) and for the Pagefind candidate."""

from __future__ import annotations

import gzip
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.bench.runs import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


SEARCH_URL = re.compile(
    r"search_index\.json|/workers/|/lunr/|/pagefind/"
)  # /workers/: Material's worker and our wrapper


@dataclass
class BrowserResult:
    first_results_s: dict[str, float | None] = field(default_factory=dict)  # lang -> seconds
    bytes_raw: dict[str, int] = field(default_factory=dict)
    bytes_gz: dict[str, int] = field(default_factory=dict)
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # lang -> (found, total)
    ranks: dict[str, list[int | None]] = field(default_factory=dict)  # lang -> rank of each expected page
    page_html: dict[str, int] = field(default_factory=dict)  # bytes of the opened page
    files: dict[str, dict[str, int]] = field(default_factory=dict)  # lang -> kind of file -> raw bytes


def _open_page(lang: str) -> str:
    return "cases/synth-case-0001/" if lang == "zh" else "en/cases/synth-case-0001/"


def _collect(page, store: list) -> None:
    def on_response(resp):
        if SEARCH_URL.search(resp.url):
            store.append(resp)

    page.on("response", on_response)


def _kind(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    m = re.search(r"\.(pf_\w+|wasm\.\w+|wasm|json|js)$", name)
    return m.group(1) if m else name


def _bodies(resps: list) -> list[tuple[str, bytes]]:
    """(url, body) of each response once (a response without body, such as a redirect, is left out)."""
    out, seen = [], set()
    for r in resps:
        if r.url in seen:
            continue
        seen.add(r.url)
        try:
            out.append((r.url, r.body()))
        except Exception:  # noqa: BLE001
            pass
    return out


def _files(resps: list) -> dict[str, int]:
    out: dict[str, int] = {}
    for url, body in _bodies(resps):
        out[_kind(url)] = out.get(_kind(url), 0) + len(body)
    return out


def _body_sizes(resps: list) -> tuple[int, int]:
    bodies = [body for _, body in _bodies(resps)]
    return sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)


def _guard(context) -> None:
    """Loopback only: every other request is aborted."""

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)


def _guarded_page(browser):
    """A fresh context (loopback only) and page that records every response."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    _guard(context)
    page = context.new_page()
    resps: list = []
    _collect(page, resps)
    return context, page, resps


def material_search(browser, base_url: str, queries: list[dict], timeout_s: float) -> BrowserResult:
    res = BrowserResult()
    for lang in ("zh", "en"):
        qs = [q for q in queries if q["lang"] == lang]
        context, page, resps = _guarded_page(browser)
        url = base_url + _open_page(lang)
        t0 = time.perf_counter()
        main = page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        inp = page.wait_for_selector(".md-search__input", state="attached", timeout=timeout_s * 1000)
        inp.fill(qs[0]["query"])
        inp.press("End")
        try:
            page.wait_for_function(_ANSWERED_JS, timeout=timeout_s * 1000, polling=20)
            res.first_results_s[lang] = time.perf_counter() - t0
        except Exception:  # noqa: BLE001
            res.first_results_s[lang] = None
        try:
            res.page_html[lang] = len(main.body()) if main else 0
        except Exception:  # noqa: BLE001
            res.page_html[lang] = 0
        page.wait_for_timeout(300)
        res.bytes_raw[lang], res.bytes_gz[lang] = _body_sizes(resps)
        res.files[lang] = _files(resps)
        found, res.ranks[lang] = 0, []
        for q in qs:
            hit, rank = _material_query(page, q["query"], q["expect"])
            found += hit
            res.ranks[lang].append(rank)
        res.recall[lang] = (found, len(qs))
        context.close()
    return res


_STATE_JS = """() => { const m = document.querySelector('.md-search-result__meta');
  const a = document.querySelector('.md-search-result__item a');
  return (m ? m.textContent : '') + '|' + (a ? a.href : ''); }"""

# answered: a result is shown, or Material says there is none
_ANSWERED_JS = """() => { if (document.querySelector('.md-search-result__item')) return true;
  const c = JSON.parse(document.getElementById('__config').textContent);
  const m = document.querySelector('.md-search-result__meta');
  return !!m && m.textContent.trim() === c.translations['search.result.none']; }"""


def _material_query(page, query: str, expect: str) -> tuple[bool, int | None]:
    """Whether the expected page is among the first 10 result links, and its
    rank among the result pages (one per result item, as a reader counts)."""
    inp = page.locator(".md-search__input")
    before = page.evaluate(_STATE_JS)
    inp.fill(query)
    inp.press("End")
    try:
        page.wait_for_function(f"p => ({_STATE_JS})() !== p", arg=before, timeout=5000)
    except Exception:  # noqa: BLE001 - the same answer as before (e.g. none twice)
        pass
    page.wait_for_timeout(100)
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link", "els => els.slice(0, 10).map(e => e.href)"
    )
    pages = page.eval_on_selector_all(
        ".md-search-result__item", "els => els.map(e => e.querySelector('a.md-search-result__link')?.href || '')"
    )
    rank = next((i for i, h in enumerate(pages, 1) if _matches(h, expect)), None)
    return any(_matches(h, expect) for h in hrefs), rank


def _matches(href: str, expect: str) -> bool:
    path = re.sub(r"^https?://[^/]+/", "", href).split("#")[0].split("?")[0]
    return path == expect


def pagefind_search(browser, base_url: str, queries: list[dict], timeout_s: float) -> BrowserResult:
    """Pagefind's JS API from the same page: time to the first result's data."""
    res = BrowserResult()
    for lang in ("zh", "en"):
        qs = [q for q in queries if q["lang"] == lang]
        context, page, resps = _guarded_page(browser)
        t0 = time.perf_counter()
        page.goto(base_url + _open_page(lang), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_selector(".md-search__input", state="attached", timeout=timeout_s * 1000)
        urls = page.evaluate(
            """async (q) => {
                 window.__pf = await import('/pagefind/pagefind.js');
                 await window.__pf.options({baseUrl: '/'});
                 const r = await window.__pf.search(q);
                 const d = await Promise.all(r.results.slice(0, 1).map(x => x.data()));
                 return d.map(x => x.url);
               }""",
            qs[0]["query"],
        )
        res.first_results_s[lang] = time.perf_counter() - t0 if urls else None
        found, res.ranks[lang] = 0, []
        for q in qs:
            got = page.evaluate(
                """async (q) => { const r = await window.__pf.search(q);
                     const d = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
                     return d.map(x => x.url); }""",
                q["query"],
            )
            hits = [_matches("http://h" + u if u.startswith("/") else u, q["expect"]) for u in got]
            found += any(hits)
            res.ranks[lang].append(hits.index(True) + 1 if any(hits) else None)
        res.recall[lang] = (found, len(qs))
        page.wait_for_timeout(200)
        pf_resps = [r for r in resps if "/pagefind/" in r.url]
        res.bytes_raw[lang], res.bytes_gz[lang] = _body_sizes(pf_resps)
        res.files[lang] = _files(pf_resps)
        context.close()
    return res


def browser_runs(sites: dict[str, Path], queries: list[dict], timeout_s: float) -> dict[str, BrowserResult]:
    from playwright.sync_api import sync_playwright

    out: dict[str, BrowserResult] = {}
    servers = {k: Server(v) for k, v in sites.items()}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for key, srv in servers.items():
                    if key == "pagefind":
                        out[key] = pagefind_search(browser, srv.url, queries, timeout_s)
                    else:
                        out[key] = material_search(browser, srv.url, queries, timeout_s)
            finally:
                browser.close()
    finally:
        for srv in servers.values():
            srv.close()
    return out
