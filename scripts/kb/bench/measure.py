"""One size N: a synthetic corpus in a temporary directory outside docs/, our
build and the stock one, the search index files, the source checkers, the link
check, Pagefind and the browser part; everything lands in a :class:`SizeResult`."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kb.bench.browser import BrowserResult, browser_runs
from kb.bench.configs import PROPOSED, ours_config, proposed_config, stock_config
from kb.bench.preview import save_to_preview
from kb.bench.runs import Run, build, run_checkers, run_linkchecker, run_pagefind
from kb.bench.synth import generate_corpus
from kb.model.paths import SCRIPTS


@dataclass
class SizeResult:
    n: int
    pairs: int
    ours: Run
    stock: Run
    checkers: Run | None
    checker_names: list[str]
    linkcheck: Run | None
    linkcheck_name: str
    browser: dict[str, BrowserResult]
    pagefind_index: Run | None
    index_files: dict[str, int]
    proposed: Run | None = None
    checkers_warm: Run | None = None  # the second run of check.py, its per-page cache warm
    ours_warm: Run | None = None  # our build again, the render cache warm (the first one was cold)
    stock_prune: Run | None = None  # stock with Material's navigation.prune
    preview: dict[str, float | None] | None = None  # save-to-preview seconds per kind of edit


def measure(n: int, seed: int, args) -> SizeResult:
    tmp = Path(tempfile.mkdtemp(prefix=f"kb-bench-{n}-"))
    try:
        docs = tmp / "docs"
        t0 = time.perf_counter()
        manifest = generate_corpus(docs, n, seed)
        log(
            f"N={n}: corpus of {manifest.total_pairs} pairs ({len(manifest.pages)} synthetic) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        cfg_ours = ours_config(tmp, docs, manifest.nav_modules)
        cfg_stock = stock_config(tmp, docs)
        site_ours, site_stock = tmp / "site-ours", tmp / "site-stock"
        ours = build(cfg_ours, site_ours)
        log(
            f"N={n}: ours  {ours.seconds:.1f} s, {ours.rss_mb or 0:.0f} MB, exit {ours.returncode}, "
            f"{ours.warnings} warnings"
        )
        if ours.returncode != 0:
            raise SystemExit(f"our build failed:\n{ours.output[-3000:]}")
        stock = build(cfg_stock, site_stock)
        log(f"N={n}: stock {stock.seconds:.1f} s, {stock.rss_mb or 0:.0f} MB, exit {stock.returncode}")
        if stock.returncode != 0:
            raise SystemExit(f"stock build failed:\n{stock.output[-3000:]}")
        ours_warm = stock_prune = preview = None
        if not args.quick:  # three more builds and a preview: not in the test suite's quick run
            ours_warm, stock_prune, preview = _cache_runs(n, tmp, docs, manifest, cfg_ours, args)
        proposed = None
        if args.proposed and PROPOSED:
            proposed = build(proposed_config(tmp, docs, manifest.nav_modules), tmp / "site-proposed")
            log(
                f"N={n}: ours with the proposed config {proposed.seconds:.1f} s, {proposed.rss_mb or 0:.0f} MB, "
                f"exit {proposed.returncode}"
            )
            shutil.rmtree(tmp / "site-proposed", ignore_errors=True)
        index_files = {
            "ours zh": _size(site_ours / "search" / "search_index.json"),
            "ours en": _size(site_ours / "en" / "search" / "search_index.json"),
            "stock": _size(site_stock / "search" / "search_index.json"),
        }
        checkers, names, checkers_warm = run_checkers(docs, cfg_ours)
        log(f"N={n}: checkers {', '.join(names) or 'none'}")
        lc, lc_name = None, ("scripts/linkcheck.py" if (SCRIPTS / "linkcheck.py").exists() else "linkchecker")
        lc_thread = None
        if not args.no_linkcheck and n <= args.linkcheck_max:
            if args.quick:  # quick mode: the link check overlaps the browser part (figures indicative only)
                box: dict = {}
                lc_thread = threading.Thread(
                    target=lambda: box.update(r=run_linkchecker(site_ours, args.linkcheck_timeout))
                )
                lc_thread.start()
            else:
                lc, lc_name = run_linkchecker(site_ours, args.linkcheck_timeout)
                log(f"N={n}: {lc_name} {lc.seconds:.1f} s (exit {lc.returncode})")
        pf = None
        sites = {"ours": site_ours, "stock": site_stock}
        if not args.no_pagefind and not args.quick:
            pf = run_pagefind(site_ours)
            if pf is not None:
                log(f"N={n}: pagefind index {pf.seconds:.1f} s (exit {pf.returncode})")
                if pf.returncode == 0:
                    sites["pagefind"] = site_ours
        browser = {}
        if not args.no_browser:
            browser = browser_runs(sites, manifest.queries, args.browser_timeout)
            for k, b in browser.items():
                log(
                    f"N={n}: browser {k}: first results {b.first_results_s}, recall {b.recall}, "
                    f"bytes {b.bytes_raw} gz {b.bytes_gz}"
                )
        if lc_thread is not None:
            lc_thread.join()
            lc, lc_name = box["r"]
            log(f"N={n}: {lc_name} {lc.seconds:.1f} s (exit {lc.returncode}, overlapping the browser part)")
        return SizeResult(
            n,
            manifest.total_pairs,
            ours,
            stock,
            checkers,
            names,
            lc,
            lc_name,
            browser,
            pf,
            index_files,
            proposed,
            checkers_warm,
            ours_warm,
            stock_prune,
            preview,
        )
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _cache_runs(n: int, tmp: Path, docs: Path, manifest, cfg_ours: Path, args):
    """Issue 19: our build again with the render cache warm, stock with
    navigation.prune, and the preview's save-to-preview times."""
    warm = build(cfg_ours, tmp / "site-ours-warm")
    log(f"N={n}: ours, render cache warm {warm.seconds:.1f} s, CPU {warm.cpu or 0:.1f} s, exit {warm.returncode}")
    shutil.rmtree(tmp / "site-ours-warm", ignore_errors=True)
    prune = build(stock_config(tmp, docs, prune=True), tmp / "site-stock-prune")
    log(f"N={n}: stock with navigation.prune {prune.seconds:.1f} s, CPU {prune.cpu or 0:.1f} s")
    shutil.rmtree(tmp / "site-stock-prune", ignore_errors=True)
    preview = None
    if not getattr(args, "no_preview", False):
        preview = save_to_preview(cfg_ours, manifest)  # last: it edits the corpus
        log(f"N={n}: save-to-preview {preview}")
    return warm, prune, preview


def _size(p: Path) -> int:
    return p.stat().st_size if p.exists() else 0


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)
