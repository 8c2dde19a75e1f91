"""The site runs under the nginx configuration's Content-Security-Policy with
``script-src 'self'``: no inline script, no CSP violation in Chromium, and the
theme still works (issue 20, hardening)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import DESKTOP, PAGE_TYPES, new_context

from kb.sites import SiteServer

ROOT = Path(__file__).resolve().parents[1]
NGINX = ROOT / "scripts" / "deploy" / "nginx-kb-site.conf"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def policy() -> str:
    m = re.search(r'add_header Content-Security-Policy "([^"]+)"', NGINX.read_text(encoding="utf-8"))
    assert m, "the nginx configuration sets no Content-Security-Policy"
    return m.group(1)


def test_the_policy_allows_no_inline_script() -> None:
    script_src = re.search(r"script-src ([^;]+)", policy()).group(1)
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src


def test_no_page_has_an_inline_script(built_site: Path) -> None:
    inline = {
        str(p.relative_to(built_site)): len(INLINE.findall(p.read_text(encoding="utf-8")))
        for p in built_site.rglob("*.html")
    }
    inline = {k: v for k, v in inline.items() if v}
    assert not inline, f"{len(inline)} pages have inline scripts: {sorted(inline)[:5]}"


@pytest.fixture(scope="module")
def csp_server(browser_site: Path):
    with SiteServer(browser_site, headers={"Content-Security-Policy": policy()}) as srv:
        yield srv


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind, path", PAGE_TYPES)
def test_pages_run_under_the_policy(chromium, csp_server, kind: str, path: str, lang: str) -> None:
    ctx = new_context(chromium, csp_server, DESKTOP)
    page = ctx.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    try:
        page.goto(csp_server.url(path if lang == "zh" else "/en" + path))
        page.wait_for_load_state("networkidle")
        # Material's scripts ran: its scope and storage helpers, and the palette
        assert page.evaluate("typeof __md_scope === 'object' && typeof __md_get === 'function'")
        assert page.evaluate("__md_scope.href") == csp_server.url("/")
        assert page.evaluate("document.body.getAttribute('data-md-color-primary')") == "red"
        assert not violations, violations
    finally:
        ctx.close()
