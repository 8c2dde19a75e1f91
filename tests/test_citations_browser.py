"""A citation shows its source sentence on hover, on keyboard focus and, on a
375 px touch screen, on the first tap (the second tap opens the source paragraph)."""

from __future__ import annotations

import pytest
from browser_support import DESKTOP, PHONE, new_context

PAGES = {"zh": "/course/production-factors/", "en": "/en/course/production-factors/"}


def shown(page, selector: str) -> tuple[str, str]:
    """The display and text of the tooltip (the link's ::after box)."""
    return page.eval_on_selector(
        selector,
        "a => { const s = getComputedStyle(a, '::after'); return [s.display, s.content]; }",
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hover_and_keyboard_focus_show_the_source_sentence(chromium, site_server, lang: str) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    page = ctx.new_page()
    try:
        page.goto(site_server.url(PAGES[lang]))
        first = ".kb-cite a"
        assert page.locator(first).count() > 3
        label = page.get_attribute(first, "data-kb-cite")
        assert label and (label.startswith("原文第") if lang == "zh" else label.startswith("Source paragraph"))
        assert shown(page, first)[0] == "none"
        page.hover(first)
        display, content = shown(page, first)
        assert display == "block" and label in content
        page.mouse.move(0, 0)
        page.focus(first)
        assert shown(page, first)[0] == "block", "keyboard focus does not show the source sentence"
        assert page.get_attribute(first, "aria-label") == label
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_tap_shows_the_sentence_second_tap_opens_the_source(chromium, site_server, lang: str) -> None:
    ctx = new_context(chromium, site_server, PHONE, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    try:
        url = site_server.url(PAGES[lang])
        page.goto(url)
        link = page.locator(".kb-cite a").first
        link.scroll_into_view_if_needed()
        link.tap()
        assert page.url == url, "the first tap left the page"
        assert "kb-cite--open" in (link.get_attribute("class") or "")
        box = page.eval_on_selector(".kb-cite a.kb-cite--open", "a => getComputedStyle(a, '::after').display")
        assert box == "block"
        target = link.get_attribute("href")
        link.tap()
        page.wait_for_url("**/course/source-reading/#p*")
        assert page.url.endswith(target.split("/")[-1])
        assert ("/en/course/" in page.url) == (lang == "en")
        assert page.locator(f"#{page.url.rsplit('#', 1)[1]}").count() == 1, "the cited paragraph is on the page"
    finally:
        ctx.close()
