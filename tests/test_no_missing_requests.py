"""No request the site answers with 404 (issue 18, item 2): a crawl of every page
in Chromium records every response; only the deliberately missing page may be 404."""

from __future__ import annotations

from pathlib import Path

from browser_support import DESKTOP, new_context

TABS = 4  # pages loading at once


def test_a_crawl_of_every_page_meets_no_missing_file(chromium, site_server, browser_site: Path) -> None:
    pages = sorted(
        "/" + p.relative_to(browser_site).as_posix().removesuffix("index.html")
        for p in browser_site.rglob("index.html")
        if not p.relative_to(browser_site).as_posix().startswith(("assets/", "search/"))
    )
    assert len(pages) > 60
    ctx = new_context(chromium, site_server, DESKTOP)
    tabs = [ctx.new_page() for _ in range(TABS)]
    missing: list[str] = []
    for tab in tabs:
        tab.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        for i in range(0, len(pages), TABS):  # TABS pages load side by side
            group = list(zip(tabs, pages[i : i + TABS]))
            for tab, path in group:
                tab.goto(site_server.url(path), wait_until="commit")
            for tab, _path in group:
                tab.wait_for_load_state("load")
            tabs[0].wait_for_timeout(100)  # Material's fetches after load (sitemaps, search index)
    finally:
        ctx.close()
    assert not missing, f"{len(missing)} requests answered 4xx, e.g. {sorted(set(missing))[:6]}"
