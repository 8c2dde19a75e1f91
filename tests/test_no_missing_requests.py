"""No request the site answers with 404 (issue 18, item 2): a crawl of every page
in Chromium records every response; only the deliberately missing page may be 404."""

from __future__ import annotations

from pathlib import Path

from browser_support import DESKTOP, new_context


def test_a_crawl_of_every_page_meets_no_missing_file(chromium, site_server, browser_site: Path) -> None:
    pages = sorted(
        "/" + p.relative_to(browser_site).as_posix().removesuffix("index.html")
        for p in browser_site.rglob("index.html")
        if not p.relative_to(browser_site).as_posix().startswith(("assets/", "search/"))
    )
    assert len(pages) > 60
    ctx = new_context(chromium, site_server, DESKTOP)
    page = ctx.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        for path in pages:
            page.goto(site_server.url(path), wait_until="load")
            page.wait_for_timeout(100)  # Material's fetches after load (sitemaps, search index)
    finally:
        ctx.close()
    assert not missing, f"{len(missing)} requests answered 4xx, e.g. {sorted(set(missing))[:6]}"
