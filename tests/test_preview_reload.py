"""The editor's preview reloads an open page when a save has been built
(issue 19: preview as they type), and the files stay a strict build's."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from browser_support import new_context

from kb import preview_reload, sites

PAGE = "<!doctype html><html><head><title>t</title></head><body><h1>{}</h1></body></html>"


def test_an_open_page_shows_the_next_build_without_a_reload(chromium, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "notes").mkdir(parents=True)
    page_file = site / "notes" / "index.html"
    page_file.write_text(PAGE.format("第一版"), encoding="utf-8")
    generation = preview_reload.Generation()
    generation.bump()
    handler = preview_reload.handler_for(generation)
    with sites.SiteServer(site, handler_class=handler) as server:
        ctx = new_context(chromium, server, {"width": 1000, "height": 700})
        page = ctx.new_page()
        try:
            page.goto(server.url("/notes/"))
            assert page.inner_text("h1") == "第一版"
            page_file.write_text(PAGE.format("第二版"), encoding="utf-8")  # the next build, swapped in
            generation.bump()
            page.wait_for_function("document.querySelector('h1').textContent === '第二版'", timeout=5000)
            assert not ctx.kb_requests.foreign()
        finally:
            ctx.close()
        # the script is in what is served, not in the file (the preview equals a build)
        with urllib.request.urlopen(server.url("/notes/")) as resp:  # loopback: the test server
            served = resp.read().decode("utf-8")
        assert "/__kb_preview/reload.js?g=2" in served
        assert "__kb_preview" not in page_file.read_text(encoding="utf-8")
