"""Sharing, filters and print in Chromium (issue 15, items 3-5): copy a page's
link and open it, decode the QR code of the rendered page (zbarimg) and open
the address it gives, section permalinks on a phone, the case filter in the
address (reload, back), a set printed to PDF. Loopback only (new_context)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import DESKTOP, PHONE, new_context


def test_copy_link_gives_the_address_without_zero_width_spaces_and_opens_it(chromium, site_server) -> None:
    ctx = new_context(chromium, site_server, DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    try:
        page.goto(site_server.url("/cases/lz-liunan-red-steward/"))
        box = page.locator(".kb-share")
        assert "lz-liunan-red-steward" in box.locator(".kb-share__id").inner_text()
        shown = box.locator("[data-kb-share-url]").inner_text()
        assert shown == site_server.url("/cases/lz-liunan-red-steward/")
        box.get_by_role("button", name="复制链接").click()
        page.wait_for_function("document.querySelector('.kb-share__status').textContent === '已复制'")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == shown and "\u200b" not in copied
        other = ctx.new_page()
        other.goto(copied)
        assert other.locator("h1").inner_text().startswith("柳南区“红色管家”")
        assert ctx.kb_requests.foreign() == []
    finally:
        ctx.close()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (Debian zbar-tools) is not installed")
def test_qr_code_decodes_to_the_pages_address(chromium, site_server, tmp_path: Path) -> None:
    ctx = new_context(chromium, site_server, DESKTOP, device_scale_factor=2)
    page = ctx.new_page()
    try:
        page.goto(site_server.url("/en/sets/subdistrict-cadres/"))
        png = tmp_path / "qr.png"
        page.locator(".kb-share__qr svg").screenshot(path=str(png))
        proc = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        address = proc.stdout.strip()
        assert address == "/en/sets/subdistrict-cadres/"  # absolute when the build is given KB_SITE_URL
        page.goto(site_server.url(address))
        assert page.locator("h1").inner_text().startswith("For subdistrict cadres")
        assert page.locator("li.kb-set-item").count() == 5
    finally:
        ctx.close()


def test_section_permalinks_are_visible_and_tappable_on_a_phone(chromium, site_server) -> None:
    ctx = new_context(chromium, site_server, PHONE, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    try:
        page.goto(site_server.url("/cases/lz-longpanyuan-136/"))
        link = page.locator("h2#method .headerlink")
        assert link.evaluate("a => getComputedStyle(a).opacity") == "1"
        box = link.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44
        link.tap()
        page.wait_for_url("**/cases/lz-longpanyuan-136/#method")
    finally:
        ctx.close()


def _visible_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        "table[data-kb-filter-table] tbody tr",
        "rows => rows.filter(r => !r.hidden).map(r => r.querySelector('a').getAttribute('href').split('/').filter(Boolean).pop())",
    )


def test_case_filter_is_kept_in_the_address_survives_reload_and_back(chromium, site_server) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    page = ctx.new_page()
    try:
        page.goto(site_server.url("/cases/"))
        every = _visible_ids(page)
        page.select_option("select[name=district]", "none")  # "district not given"
        assert page.url.endswith("/cases/?district=none")
        no_district = _visible_ids(page)
        assert "lz-longpanyuan-136" in no_district and 0 < len(no_district) < len(every)
        page.select_option("select[name=district]", "柳南区")
        assert "district=%E6%9F%B3%E5%8D%97%E5%8C%BA" in page.url
        liunan = _visible_ids(page)
        assert "lz-liunan-red-steward" in liunan and "lz-longpanyuan-136" not in liunan
        page.reload()
        assert page.input_value("select[name=district]") == "柳南区" and _visible_ids(page) == liunan
        page.go_back()
        assert page.url.endswith("?district=none")
        assert page.input_value("select[name=district]") == "none" and _visible_ids(page) == no_district
        page.go_back()
        assert page.url.endswith("/cases/") and _visible_ids(page) == every
        # a link someone sent: the English index, opened with a theme
        theme = page.eval_on_selector("select[name=themes] option:nth-child(2)", "o => o.value")
        page.goto(site_server.url(f"/en/cases/?theme={theme}"))
        assert page.input_value("select[name=themes]") == theme
        assert 0 < len(_visible_ids(page)) <= len(every)
    finally:
        ctx.close()


def test_a_set_prints_as_a_handout(chromium, site_server, tmp_path: Path) -> None:
    ctx = new_context(chromium, site_server, DESKTOP)
    page = ctx.new_page()
    try:
        page.goto(site_server.url("/sets/new-community-secretaries/"))
        page.emulate_media(media="print")
        assert not page.locator(".md-sidebar--primary").is_visible()
        assert not page.locator(".kb-share__copy").is_visible()
        assert page.locator(".kb-share__qr svg").is_visible()
        assert page.locator("h1").inner_text().startswith("新任社区党组织书记入门")
        meta = page.locator(".kb-set-meta").inner_text()
        assert "工作室" in meta and "日期" in meta
        cards = page.locator("li.kb-set-item")
        assert cards.count() == 5
        for i in range(5):
            assert cards.nth(i).locator(".kb-set-item__note").is_visible()
            assert cards.nth(i).locator(".kb-set-item__prompt").is_visible()
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        (tmp_path / "set.pdf").write_bytes(pdf)
    finally:
        ctx.close()


def test_case_kind_is_a_filter_kept_in_the_address(chromium, site_server) -> None:
    # issue 17: the mechanism cases are their own kind in the case library, and filterable
    ctx = new_context(chromium, site_server, DESKTOP)
    page = ctx.new_page()
    try:
        page.goto(site_server.url("/en/cases/"))
        every = _visible_ids(page)
        page.select_option("select[name=kind]", "mechanism")
        assert page.url.endswith("/en/cases/?kind=mechanism")
        mechanisms = _visible_ids(page)
        assert "lz-digital-city-closed-loop" in mechanisms and "lz-longpanyuan-136" not in mechanisms
        assert 0 < len(mechanisms) < len(every)
        page.goto(site_server.url("/en/cases/?kind=method"))
        methods = _visible_ids(page)
        assert "lz-longpanyuan-136" in methods and not set(methods) & set(mechanisms)
    finally:
        ctx.close()
