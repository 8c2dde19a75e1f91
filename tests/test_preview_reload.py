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
        assert f"/__kb_preview/reload.js?g={generation.run}-2" in served
        assert "__kb_preview" not in page_file.read_text(encoding="utf-8")


def test_the_failure_bar_shows_messages_as_text_and_fits_a_phone(chromium, tmp_path: Path) -> None:
    """A build's message is text, whatever it holds (a page may say ``<img onerror>``),
    and a long path wraps inside the bar on a phone instead of running off it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE.format("首页"), encoding="utf-8")
    generation = preview_reload.Generation()
    generation.bump()
    markup = 'docs/a.md: <img src="x" onerror="document.title=\'pwned\'"> is not a page'
    long_path = "docs/" + "very_long_folder_name/" * 12 + "page.md: unrecognized relative link"
    with sites.SiteServer(site, handler_class=preview_reload.handler_for(generation)) as server:
        ctx = new_context(chromium, server, {"width": 375, "height": 700})
        page = ctx.new_page()
        try:
            page.goto(server.url("/"))
            generation.fail([markup, long_path])
            bar = page.locator("#kb-preview-failed")
            bar.wait_for(state="visible", timeout=5000)
            assert markup in bar.inner_text() and long_path in bar.inner_text()
            assert page.locator("#kb-preview-failed img").count() == 0 and page.title() == "t"
            overflow = page.evaluate(
                "(b => b.scrollWidth - b.clientWidth)(document.getElementById('kb-preview-failed'))"
            )
            assert overflow <= 0, overflow
            box = bar.bounding_box()
            assert box is not None and box["width"] <= 375, box
            generation.bump()  # the fixing build: the page reloads without the bar
            page.wait_for_function("!document.getElementById('kb-preview-failed')", timeout=5000)
            assert not ctx.kb_requests.foreign()
        finally:
            ctx.close()


def test_the_bar_keeps_the_first_messages_whole_once_and_counts_the_rest() -> None:
    """The bar shows the first 30 messages once each (a long one cut at 600
    characters but still recognised when said again), then how many more the
    console has, then why the build stopped."""
    import logging

    from kb.preview import _Said

    said = _Said()
    log = logging.getLogger("kb-test-said")
    log.propagate = False
    log.addHandler(said)
    try:
        long = "docs/a.md: " + "甲" * 700
        for _ in range(3):
            log.warning(long)
        for i in range(40):
            log.warning("docs/b.md: link %d is broken", i)
        log.info("not a problem")
    finally:
        log.removeHandler(said)
    out = said.problems("Abort: Aborted with 41 warnings in strict mode!")
    assert out[0] == long[:600] and out.count(long[:600]) == 1
    assert out[1:30] == [f"docs/b.md: link {i} is broken" for i in range(29)]
    assert out[30:] == ["… 11 more in the console", "Abort: Aborted with 41 warnings in strict mode!"]


def test_a_page_of_a_preview_that_restarted_reloads_from_the_new_one() -> None:
    """A change to the code restarts ``kb serve``, whose builds count from 1
    again: a page the old process served as its first build must still see that
    the new one's first build is another build."""
    import json

    old, new = preview_reload.Generation(), preview_reload.Generation()
    old.bump()
    new.bump()
    assert json.loads(old.state())["generation"] != json.loads(new.state())["generation"]
    assert json.loads(new.state()) == {"generation": new.name(), "problems": []}
