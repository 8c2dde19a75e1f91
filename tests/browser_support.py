"""Helpers for the browser tests: a loopback server for a built site and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

from urllib.parse import urlsplit

from kb.bench.browser import CHROMIUM, CHROMIUM_ARGS  # Debian's chromium, no background traffic
from kb.bench.relevance import type_query
from kb.sites import SiteServer

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# One page of each type, as (type, Chinese path); the English page is "/en" + path.
PAGE_TYPES = [
    ("home", "/"),
    ("module", "/course/process-control/"),
    ("case", "/cases/lz-longpanyuan-136/"),
    ("policy", "/policies/lz-branch-standardisation-plan/"),
    ("playbook", "/playbooks/three-way-triage/"),
    ("glossary", "/glossary/"),
    ("404", "/no-such-page/"),
]


def lang_path(path: str, lang: str) -> str:
    return path if lang == "zh" else "/en" + path


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_context(browser, server: SiteServer, viewport: dict, **kwargs):
    """A browser context that records every request and lets none leave the
    test server: a request to another host is recorded, then aborted."""
    ctx = browser.new_context(viewport=viewport, **kwargs)
    log = RequestLog(server.origin)
    ctx.on("request", log)

    def guard(route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != server.origin:
            route.abort("blockedbyclient")
        else:
            route.continue_()

    ctx.route("**/*", guard)
    ctx.kb_requests = log  # type: ignore[attr-defined]
    return ctx


class RequestLog:
    """Every request a page makes, to tell loopback from anything else."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.urls: list[str] = []

    def __call__(self, request) -> None:
        self.urls.append(request.url)

    def foreign(self) -> list[str]:
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                out.append(url)
        return out


def search(page, query: str) -> list[dict]:
    """Search as a reader does; the result pages in order, as
    [{"path": site path, "href": full URL, "titles": [title, section titles...]}]."""
    type_query(page, query)  # the benchmark's reader (kb.bench.relevance): one way to type a query
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.md-search-result__item')).map(item => {
              const links = Array.from(item.querySelectorAll('a.md-search-result__link'));
              const url = new URL(links[0].href);
              return {path: url.pathname, href: links[0].href,
                      titles: links.map(a => (a.querySelector('h1, h2') || a).textContent)};
            })"""
    )
