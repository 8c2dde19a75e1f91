"""Relevance of the site search on a set of reader queries (issue 14):
MRR@10 and recall@5 of the expected page, measured in Chromium.

The set is ``tests/data/relevance.yml``: per language, queries with the page
that answers each and the rank it must reach. :func:`run` types every query
into Material's search box (a real key press: Material reads the query on
``keyup``) and records the rank of the expected page; :func:`metrics` turns
the ranks into MRR@10 and recall@5; :func:`run_pagefind` asks a Pagefind index
of the site the same queries. ``python -m kb.bench.relevance SITE_DIR``
serves a built site on 127.0.0.1 and prints the figures and every miss.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SET = Path(__file__).resolve().parents[3] / "tests" / "data" / "relevance.yml"
LANGS = ("zh", "en")


@dataclass
class Query:
    lang: str
    query: str
    expect: str
    rank: int  # the rank the expected page must reach
    kind: str
    item: int | None  # the item of issue 14 the query depends on
    found: int | None = None  # the rank it reached (None: not in the results)
    paths: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.found is not None and self.found <= self.rank

    def line(self) -> str:
        got = f"rank {self.found}" if self.found else "not found"
        top = ", ".join(self.paths[:3]) or "no results"
        return f"[{self.lang}] {self.query!r} ({self.kind}): {self.expect} {got}, must be <= {self.rank}; top: {top}"


def load(path: Path = SET) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Query(lang, str(e["query"]), e["expect"], int(e.get("rank", 5)), e.get("kind", ""), e.get("item"))
        for lang in LANGS
        for e in data.get(lang) or []
    ]


def rank_of(paths: list[str], expect: str) -> int | None:
    """1-based rank of the expected page among the result pages."""
    for i, p in enumerate(paths, 1):
        if p == expect:
            return i
    return None


def metrics(ranks: list[int | None]) -> tuple[float, float]:
    """(MRR@10, recall@5) of the ranks of the expected pages."""
    if not ranks:
        return 0.0, 0.0
    mrr = sum(1 / r for r in ranks if r is not None and r <= 10) / len(ranks)
    recall = sum(1 for r in ranks if r is not None and r <= 5) / len(ranks)
    return mrr, recall


_SETTLED = """(q) => {
  const input = document.querySelector('input.md-search__input');
  const meta = document.querySelector('.md-search-result__meta');
  const items = document.querySelectorAll('.md-search-result__item').length;
  if (!input || !meta || input.value !== q) return false;
  if (q === '') return items === 0;
  return items > 0 || /没有|No matching/.test(meta.textContent);
}"""

_RESULTS = """() => Array.from(document.querySelectorAll('.md-search-result__item'))
  .map(item => new URL(item.querySelector('a.md-search-result__link').href).pathname)"""


def type_query(page, query: str) -> None:
    """Type ``query`` into Material's search box as a reader does (the box
    emptied first, then a real key press: Material reads the query on keyup,
    which CJK text typed with keyboard.type does not trigger) and wait for
    its results. The browser tests search through this too."""
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator('label.md-header__button[for="__search"]').first.click()
    box.focus()
    for q in ("", query):
        box.fill(q)
        box.press("End")
        page.wait_for_function(_SETTLED, arg=q, timeout=10_000)
    page.wait_for_timeout(50)  # the list renders in one go


def search_paths(page, query: str) -> list[str]:
    """The result pages for ``query``, typed as a reader types it."""
    type_query(page, query)
    return page.evaluate(_RESULTS)


def run(page, url_of, queries: list[Query]) -> list[Query]:
    """Run every query on its language's home page (opened once per language)."""
    return _ranked(page, url_of, queries, lambda q: search_paths(page, q.query))


def _ranked(page, url_of, queries: list[Query], found) -> list[Query]:
    """Each query's result addresses (``found(query)``, asked on its language's
    home page, opened once per language) and the rank of the expected page."""
    for lang in LANGS:
        todo = [q for q in queries if q.lang == lang]
        if not todo:
            continue
        page.goto(url_of("/" if lang == "zh" else "/en/"))
        for q in todo:
            paths = [urlsplit(u).path for u in found(q)]
            q.paths, q.found = tuple(paths), rank_of(paths, q.expect)
    return queries


def report(queries: list[Query]) -> str:
    lines = []
    for lang in (*LANGS, None):
        sub = [q for q in queries if lang is None or q.lang == lang]
        mrr, recall = metrics([q.found for q in sub])
        lines.append(f"{lang or 'all'}: {len(sub)} queries, MRR@10 {mrr:.3f}, recall@5 {recall:.3f}")
    lines += [q.line() for q in queries if not q.ok]
    return "\n".join(lines)


_PAGEFIND = """async (q) => {
  window.__pf = window.__pf || await import('/pagefind/pagefind.js');
  const r = await window.__pf.search(q);
  const d = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  return d.map(x => x.url);
}"""


def run_pagefind(page, url_of, queries: list[Query]) -> list[Query]:
    """The same queries through Pagefind's JS API (a Pagefind index of the site
    under /pagefind/), from each language's home page: Pagefind picks the index
    of the page's language; its first 10 results are ranked."""
    return _ranked(page, url_of, queries, lambda q: page.evaluate(_PAGEFIND, q.query))


def run_site(site_dir: Path, queries: list[Query], pagefind: bool = False) -> list[Query]:
    """Serve ``site_dir`` on 127.0.0.1 and run ``queries`` in Chromium (nothing
    leaves loopback); ``pagefind``: through the site's Pagefind index instead."""
    from playwright.sync_api import sync_playwright

    from kb.bench.browser import CHROMIUM, CHROMIUM_ARGS
    from kb.sites import SiteServer

    with SiteServer(site_dir) as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(srv.origin) else r.abort())
        (run_pagefind if pagefind else run)(page, srv.url, queries)
        browser.close()
    return queries


def bench_rows(tmp: Path, skip_pagefind: bool = False) -> list[list[str]]:
    """The benchmark's rows: MRR@10 and recall@5 on the relevance set, our
    build of the real docs/ against the stock one (kb.bench.configs) and, with
    ``pagefind[extended]`` installed, a Pagefind index of our build (the
    benchmark's candidate) against the same stock one."""
    from kb.bench.configs import ours_config, stock_config
    from kb.bench.runs import build
    from kb.bench.runs import run_pagefind as index_pagefind

    docs = SET.parents[2] / "docs"
    got = {}
    for name, cfg in (("ours", ours_config(tmp, docs, [])), ("stock", stock_config(tmp, docs))):
        site = tmp / f"relevance-{name}"
        if build(cfg, site).returncode != 0:
            return []
        got[name] = _by_lang(run_site(site, load()))
        if name == "ours" and not skip_pagefind:
            pf = index_pagefind(site)
            if pf is not None and pf.returncode == 0:
                got["pagefind"] = _by_lang(run_site(site, load(), pagefind=True))
    rows = []
    for label, cand in (("relevance set", "ours"), ("candidate Pagefind: relevance set", "pagefind")):
        for i, metric in enumerate(("MRR@10", "recall@5")):
            for lang in LANGS:
                if cand not in got:
                    continue
                ours, stock = got[cand][lang][i], got["stock"][lang][i]
                ratio = f"{ours / stock:.3f}" if stock else "–"
                met = "yes" if ours > stock else "no"
                rows.append([f"{label} {metric} {lang}", "docs", f"{ours:.3f}", f"{stock:.3f}", ratio, "> 1", met])
    return rows


def _by_lang(queries: list[Query]) -> dict[str, tuple[float, float]]:
    return {lang: metrics([q.found for q in queries if q.lang == lang]) for lang in LANGS}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kb.bench.relevance", description=__doc__.split("\n\n")[0])
    ap.add_argument("site_dir", type=Path, help="a built site")
    ap.add_argument("--set", type=Path, default=SET, help="the relevance set (YAML)")
    args = ap.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir}: not a built site (no index.html)", file=sys.stderr)
        return 2
    queries = run_site(args.site_dir, load(args.set))
    print(report(queries))
    return 0 if all(q.ok for q in queries) else 1


if __name__ == "__main__":
    raise SystemExit(main())
