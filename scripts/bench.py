#!/usr/bin/env python3
"""Benchmark: our configuration against stock Material + mkdocs-static-i18n.

    .venv/bin/python scripts/bench.py                       # N = 100, 500 (about 10 minutes)
    .venv/bin/python scripts/bench.py --sizes 100,500,2000  # about 25 minutes more for 2,000
    .venv/bin/python scripts/bench.py --quick               # N = 20, for the test

For each N, a synthetic bilingual corpus (:mod:`kb.synth`: a copy of the real
docs/ plus N synthetic page pairs) is written into a temporary directory
OUTSIDE docs/ and deleted afterwards (``--keep`` keeps it). On that one corpus
it measures, side by side:

* the full build (``mkdocs build --no-strict``) with OUR mkdocs.yml and hooks
  (a config that INHERITs mkdocs.yml, ``docs_dir`` pointed at the corpus, the
  synthetic course modules added to the course section of ``nav``) and with a
  STOCK configuration: Material (same theme features except
  ``navigation.prune``, no custom templates, no extra CSS/JS), the same
  Markdown extensions (the content needs them), mkdocs-static-i18n (suffix
  structure, zh default + en) and the search plugin (jieba is installed, so
  Material segments Chinese with it), no hooks and no ``nav``: MkDocs then
  lists every page in the navigation, as stock users get it (the issue's
  figures correspond to that). Wall time; peak memory and CPU time from the kernel (os.wait4);
* the bytes a reader downloads for a first search in each language, raw and
  gzip-compressed (level 6), as Chromium loads them: the search index, the
  search worker and the lunr language files (ours: one index per language;
  stock: the combined index);
* our source checkers (scripts/check.py: both checkers in one process), from a
  cold start (no cache, as CI on a fresh clone) and again with their per-page
  cache warm, on the corpus, against LinkChecker on our built site served on
  127.0.0.1 (scripts/linkcheck.py: every page and anchor, no throttle);
* in Chromium (Playwright, /usr/bin/chromium, loopback only): the time from
  opening a page to the first search results, and the recall of held-out
  queries (a synthetic case's unique community name must find that case in
  the first 10 results), ours and stock;
* a candidate: Pagefind (``pagefind[extended]``, Chinese segmentation) run
  over our built site, searched from the same page through its JS API (bytes
  and time to the first result's data), when the pagefind module is installed.

It prints ONE Markdown table: every metric at every N, ours, stock (or the
competitor), the ratio ours/stock and the target.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402

from kb.synth import generate_corpus  # noqa: E402

PY = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


# --------------------------------------------------------------------------
# configurations


class _Tolerant(yaml.SafeLoader):
    pass


_Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _real_config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Tolerant)


def ours_config(tmp: Path, docs: Path, nav_modules: list[str]) -> Path:
    """Our mkdocs.yml, inherited; the synthetic course modules join the course section."""
    nav = _real_config()["nav"]
    for item in nav:
        if isinstance(item, dict) and "课程" in item:
            item["课程"] = list(item["课程"]) + list(nav_modules)
    cfg = tmp / "mkdocs-ours.yml"
    lines = [
        f"INHERIT: {ROOT / 'mkdocs.yml'}",
        f"docs_dir: {docs.resolve()}",
        "hooks:",
        f"  - {ROOT / 'scripts' / 'mkdocs_hooks.py'}",
        "theme:",
        "  name: material",
        f"  custom_dir: {ROOT / 'overrides'}",
        "nav: " + json.dumps(nav, ensure_ascii=False),
    ]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


# Proposed changes to mkdocs.yml, measured with --proposed before they are
# applied. None pending: the last one (i18n reconfigure_search: false — the
# plugin's quadratic cross-language de-duplication, made unnecessary by our
# per-language index) was measured here and is now in mkdocs.yml.
PROPOSED: dict[str, dict] = {}


def proposed_config(tmp: Path, docs: Path, nav_modules: list[str]) -> Path:
    """Our config with PROPOSED applied to its plugins."""
    base = ours_config(tmp, docs, nav_modules).read_text(encoding="utf-8")
    plugins = _real_config()["plugins"]
    for p in plugins:
        if isinstance(p, dict):
            for name, opts in PROPOSED.items():
                if name in p:
                    p[name] = {**p[name], **opts}
    path = tmp / "mkdocs-proposed.yml"
    path.write_text(base + "plugins: " + json.dumps(plugins, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def stock_config(tmp: Path, docs: Path) -> Path:
    real = _real_config()
    features = [f for f in real["theme"]["features"] if f != "navigation.prune"]
    exts = []
    for e in real["markdown_extensions"]:
        if isinstance(e, dict) and "toc" in e:
            exts.append({"toc": {"permalink": True}})  # stock slugs
        else:
            exts.append(e)
    cfg = {
        "site_name": real["site_name"],
        "docs_dir": str(docs.resolve()),
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "font": False, "features": features},
        "plugins": [
            "search",
            {"i18n": {"docs_structure": "suffix", "languages": [
                {"locale": "zh", "name": "中文", "default": True, "build": True},
                {"locale": "en", "name": "English", "build": True}]}},
        ],
        "markdown_extensions": exts,
    }
    path = tmp / "mkdocs-stock.yml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# measurements


@dataclass
class Run:
    seconds: float
    rss_mb: float | None
    returncode: int
    warnings: int = 0
    output: str = ""
    cpu: float | None = None  # user + system seconds of the command and its children


def timed(args: list[str], cwd: Path = ROOT, timeout: float | None = None) -> Run:
    """Run a command; wall time, and peak RSS and CPU time of the command and
    the processes it waited for, from the kernel (``os.wait4``: what
    ``/usr/bin/time -v`` reports, without needing it on the machine)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=ENV)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    if timer and proc.returncode == -9 and seconds >= timeout:
        return Run(seconds, None, -9, output=f"timeout after {timeout}s")
    rss = usage.ru_maxrss / 1024  # kB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, rss, proc.returncode, len(re.findall(r"^WARNING", output, re.M)), output, cpu)


def build(cfg: Path, site: Path) -> Run:
    # never -q: with -q MkDocs drops warnings before strict mode counts them
    return timed([PY, "-m", "mkdocs", "build", "--no-strict", "-f", str(cfg), "-d", str(site)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A static server for a built site on 127.0.0.1."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [PY, "-m", "http.server", str(self.port), "--bind", "127.0.0.1", "--directory", str(directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_checkers(docs: Path, cfg: Path) -> tuple[Run | None, list[str], Run | None]:
    """Our source checkers on the corpus: scripts/check.py (both in one process)
    from a cold start (no cache: what CI on a fresh clone does), then again with
    its per-page cache warm (an editor's second run). Without check.py (older
    trees): check_xrefs.py and check_terms.py one after the other."""
    one = ROOT / "scripts" / "check.py"
    if one.exists():
        shutil.rmtree(docs.parent / ".cache" / "kb", ignore_errors=True)
        args = [PY, str(one), "--docs", str(docs), "--config", str(cfg)]
        cold, warm = timed(args), timed(args)
        if cold.returncode not in (0, 1):
            return None, [f"check.py (exit {cold.returncode}: {cold.output.strip().splitlines()[-1:]})"], None
        nfind = len([line for line in cold.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)])
        return cold, [f"check.py (cold {cold.seconds:.2f} s, warm {warm.seconds:.2f} s, {nfind} findings)"], warm
    ran, total, rss, cpu = [], 0.0, 0.0, 0.0
    for name in ("check_xrefs.py", "check_terms.py"):
        script = ROOT / "scripts" / name
        if not script.exists():
            continue
        help_text = subprocess.run([PY, str(script), "--help"], capture_output=True, text=True, env=ENV).stdout
        args = [PY, str(script)]
        if "--docs" in help_text:
            args += ["--docs", str(docs)]
        else:
            args += [str(docs)]
        if "--config" in help_text:
            args += ["--config", str(cfg)]
        r = timed(args)
        if r.returncode not in (0, 1):
            ran.append(f"{name} (exit {r.returncode}: {r.output.strip().splitlines()[-1:] if r.output.strip() else ''})")
            continue
        nfind = len([line for line in r.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)])
        ran.append(f"{name} ({r.seconds:.2f} s, {nfind} findings)")
        total += r.seconds
        cpu += r.cpu or 0
        rss = max(rss, r.rss_mb or 0)
    if not ran:
        return None, [], None
    return Run(total, rss, 0, cpu=cpu or None), ran, None


def run_linkchecker(site: Path, timeout: float) -> tuple[Run, str]:
    """scripts/linkcheck.py (it serves the site itself) or plain linkchecker on 127.0.0.1."""
    own = ROOT / "scripts" / "linkcheck.py"
    if own.exists():
        return timed([PY, str(own), str(site)], timeout=timeout), "scripts/linkcheck.py"
    srv = Server(site)
    try:
        exe = Path(PY).parent / "linkchecker"
        args = [str(exe) if exe.exists() else "linkchecker", "--no-status", "-o", "none", srv.url]
        return timed(args, timeout=timeout), "linkchecker"
    finally:
        srv.close()


# --------------------------------------------------------------------------
# browser


SEARCH_URL = re.compile(r"search_index\.json|/workers/|/lunr/|/pagefind/")  # /workers/: Material's worker and our wrapper


@dataclass
class BrowserResult:
    first_results_s: dict[str, float | None] = field(default_factory=dict)  # lang -> seconds
    bytes_raw: dict[str, int] = field(default_factory=dict)
    bytes_gz: dict[str, int] = field(default_factory=dict)
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # lang -> (found, total)
    page_html: dict[str, int] = field(default_factory=dict)  # bytes of the opened page
    files: dict[str, dict[str, int]] = field(default_factory=dict)  # lang -> kind of file -> raw bytes


def _open_page(lang: str) -> str:
    return "cases/synth-case-0001/" if lang == "zh" else "en/cases/synth-case-0001/"


def _collect(page, store: list) -> None:
    def on_response(resp):
        if SEARCH_URL.search(resp.url):
            store.append(resp)

    page.on("response", on_response)


def _kind(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    m = re.search(r"\.(pf_\w+|wasm\.\w+|wasm|json|js)$", name)
    return m.group(1) if m else name


def _bodies(resps: list) -> list[tuple[str, bytes]]:
    """(url, body) of each response once (a response without body, such as a redirect, is left out)."""
    out, seen = [], set()
    for r in resps:
        if r.url in seen:
            continue
        seen.add(r.url)
        try:
            out.append((r.url, r.body()))
        except Exception:  # noqa: BLE001
            pass
    return out


def _files(resps: list) -> dict[str, int]:
    out: dict[str, int] = {}
    for url, body in _bodies(resps):
        out[_kind(url)] = out.get(_kind(url), 0) + len(body)
    return out


def _body_sizes(resps: list) -> tuple[int, int]:
    bodies = [body for _, body in _bodies(resps)]
    return sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)


def _guard(context) -> None:
    """Loopback only: every other request is aborted."""
    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)


def _guarded_page(browser):
    """A fresh context (loopback only) and page that records every response."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    _guard(context)
    page = context.new_page()
    resps: list = []
    _collect(page, resps)
    return context, page, resps


def material_search(browser, base_url: str, queries: list[dict], timeout_s: float) -> BrowserResult:
    res = BrowserResult()
    for lang in ("zh", "en"):
        qs = [q for q in queries if q["lang"] == lang]
        context, page, resps = _guarded_page(browser)
        url = base_url + _open_page(lang)
        t0 = time.perf_counter()
        main = page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        inp = page.wait_for_selector(".md-search__input", state="attached", timeout=timeout_s * 1000)
        inp.fill(qs[0]["query"])
        inp.press("End")
        try:
            page.wait_for_function(_ANSWERED_JS, timeout=timeout_s * 1000, polling=20)
            res.first_results_s[lang] = time.perf_counter() - t0
        except Exception:  # noqa: BLE001
            res.first_results_s[lang] = None
        try:
            res.page_html[lang] = len(main.body()) if main else 0
        except Exception:  # noqa: BLE001
            res.page_html[lang] = 0
        page.wait_for_timeout(300)
        res.bytes_raw[lang], res.bytes_gz[lang] = _body_sizes(resps)
        res.files[lang] = _files(resps)
        found = 0
        for q in qs:
            if _material_query(page, q["query"], q["expect"]):
                found += 1
        res.recall[lang] = (found, len(qs))
        context.close()
    return res


_STATE_JS = """() => { const m = document.querySelector('.md-search-result__meta');
  const a = document.querySelector('.md-search-result__item a');
  return (m ? m.textContent : '') + '|' + (a ? a.href : ''); }"""

# answered: a result is shown, or Material says there is none
_ANSWERED_JS = """() => { if (document.querySelector('.md-search-result__item')) return true;
  const c = JSON.parse(document.getElementById('__config').textContent);
  const m = document.querySelector('.md-search-result__meta');
  return !!m && m.textContent.trim() === c.translations['search.result.none']; }"""


def _material_query(page, query: str, expect: str) -> bool:
    inp = page.locator(".md-search__input")
    before = page.evaluate(_STATE_JS)
    inp.fill(query)
    inp.press("End")
    try:
        page.wait_for_function(f"p => ({_STATE_JS})() !== p", arg=before, timeout=5000)
    except Exception:  # noqa: BLE001 - the same answer as before (e.g. none twice)
        pass
    page.wait_for_timeout(100)
    hrefs = page.eval_on_selector_all(".md-search-result__item a.md-search-result__link",
                                      "els => els.slice(0, 10).map(e => e.href)")
    return any(_matches(h, expect) for h in hrefs)


def _matches(href: str, expect: str) -> bool:
    path = re.sub(r"^https?://[^/]+/", "", href).split("#")[0].split("?")[0]
    return path == expect


def pagefind_search(browser, base_url: str, queries: list[dict], timeout_s: float) -> BrowserResult:
    """Pagefind's JS API from the same page: time to the first result's data."""
    res = BrowserResult()
    for lang in ("zh", "en"):
        qs = [q for q in queries if q["lang"] == lang]
        context, page, resps = _guarded_page(browser)
        t0 = time.perf_counter()
        page.goto(base_url + _open_page(lang), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_selector(".md-search__input", state="attached", timeout=timeout_s * 1000)
        urls = page.evaluate(
            """async (q) => {
                 window.__pf = await import('/pagefind/pagefind.js');
                 await window.__pf.options({baseUrl: '/'});
                 const r = await window.__pf.search(q);
                 const d = await Promise.all(r.results.slice(0, 1).map(x => x.data()));
                 return d.map(x => x.url);
               }""", qs[0]["query"])
        res.first_results_s[lang] = time.perf_counter() - t0 if urls else None
        found = 0
        for q in qs:
            got = page.evaluate(
                """async (q) => { const r = await window.__pf.search(q);
                     const d = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
                     return d.map(x => x.url); }""", q["query"])
            if any(_matches("http://h" + u if u.startswith("/") else u, q["expect"]) for u in got):
                found += 1
        res.recall[lang] = (found, len(qs))
        page.wait_for_timeout(200)
        pf_resps = [r for r in resps if "/pagefind/" in r.url]
        res.bytes_raw[lang], res.bytes_gz[lang] = _body_sizes(pf_resps)
        res.files[lang] = _files(pf_resps)
        context.close()
    return res


def run_pagefind(site: Path) -> Run | None:
    try:
        import pagefind  # noqa: F401
    except ImportError:
        return None
    return timed([PY, "-m", "pagefind", "--site", str(site), "--root-selector", "article.md-content__inner",
                  "--quiet"])


def browser_runs(sites: dict[str, Path], queries: list[dict], timeout_s: float) -> dict[str, BrowserResult]:
    from playwright.sync_api import sync_playwright

    out: dict[str, BrowserResult] = {}
    servers = {k: Server(v) for k, v in sites.items()}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for key, srv in servers.items():
                    if key == "pagefind":
                        out[key] = pagefind_search(browser, srv.url, queries, timeout_s)
                    else:
                        out[key] = material_search(browser, srv.url, queries, timeout_s)
            finally:
                browser.close()
    finally:
        for srv in servers.values():
            srv.close()
    return out


# --------------------------------------------------------------------------
# one size


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


def measure(n: int, seed: int, args) -> SizeResult:
    tmp = Path(tempfile.mkdtemp(prefix=f"kb-bench-{n}-"))
    try:
        docs = tmp / "docs"
        t0 = time.perf_counter()
        manifest = generate_corpus(docs, n, seed)
        log(f"N={n}: corpus of {manifest.total_pairs} pairs ({len(manifest.pages)} synthetic) "
            f"in {time.perf_counter() - t0:.1f} s")
        cfg_ours = ours_config(tmp, docs, manifest.nav_modules)
        cfg_stock = stock_config(tmp, docs)
        site_ours, site_stock = tmp / "site-ours", tmp / "site-stock"
        ours = build(cfg_ours, site_ours)
        log(f"N={n}: ours  {ours.seconds:.1f} s, {ours.rss_mb or 0:.0f} MB, exit {ours.returncode}, "
            f"{ours.warnings} warnings")
        if ours.returncode != 0:
            raise SystemExit(f"our build failed:\n{ours.output[-3000:]}")
        stock = build(cfg_stock, site_stock)
        log(f"N={n}: stock {stock.seconds:.1f} s, {stock.rss_mb or 0:.0f} MB, exit {stock.returncode}")
        if stock.returncode != 0:
            raise SystemExit(f"stock build failed:\n{stock.output[-3000:]}")
        proposed = None
        if args.proposed and PROPOSED:
            proposed = build(proposed_config(tmp, docs, manifest.nav_modules), tmp / "site-proposed")
            log(f"N={n}: ours with the proposed config {proposed.seconds:.1f} s, {proposed.rss_mb or 0:.0f} MB, "
                f"exit {proposed.returncode}")
            shutil.rmtree(tmp / "site-proposed", ignore_errors=True)
        index_files = {
            "ours zh": _size(site_ours / "search" / "search_index.json"),
            "ours en": _size(site_ours / "en" / "search" / "search_index.json"),
            "stock": _size(site_stock / "search" / "search_index.json"),
        }
        checkers, names, checkers_warm = run_checkers(docs, cfg_ours)
        log(f"N={n}: checkers {', '.join(names) or 'none'}")
        lc, lc_name = None, ("scripts/linkcheck.py" if (ROOT / "scripts" / "linkcheck.py").exists() else "linkchecker")
        lc_thread = None
        if not args.no_linkcheck and n <= args.linkcheck_max:
            if args.quick:  # quick mode: the link check overlaps the browser part (figures indicative only)

                box: dict = {}
                lc_thread = threading.Thread(target=lambda: box.update(
                    r=run_linkchecker(site_ours, args.linkcheck_timeout)))
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
                log(f"N={n}: browser {k}: first results {b.first_results_s}, recall {b.recall}, "
                    f"bytes {b.bytes_raw} gz {b.bytes_gz}")
        if lc_thread is not None:
            lc_thread.join()
            lc, lc_name = box["r"]
            log(f"N={n}: {lc_name} {lc.seconds:.1f} s (exit {lc.returncode}, overlapping the browser part)")
        return SizeResult(n, manifest.total_pairs, ours, stock, checkers, names, lc, lc_name, browser, pf,
                          index_files, proposed, checkers_warm)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _size(p: Path) -> int:
    return p.stat().st_size if p.exists() else 0


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# the table


def _fmt(v, unit: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if unit == "B":
        if v >= 1e6:
            return f"{v / 1e6:.2f} MB"
        return f"{v / 1e3:.1f} kB"
    if unit == "%":
        return f"{v:.0%}"
    if unit == "s" and v < 1:
        return f"{v * 1000:.0f} ms"
    return f"{v:.2f} {unit}".strip() if isinstance(v, float) else f"{v} {unit}".strip()


def _ratio(a, b) -> float | None:
    if a is None or b is None or not b:
        return None
    return a / b


def rows_for(r: SizeResult, largest: int) -> list[list[str]]:
    rows: list[list[str]] = []

    def add(metric, ours, stock, unit, target=None, check=None, ratio="ours/stock"):
        ratio_v = _ratio(ours, stock)
        met = "–"
        if check is not None and ratio_v is not None:
            met = "yes" if check(ratio_v) else "NO"
        rows.append([metric, str(r.n), _fmt(ours, unit), _fmt(stock, unit),
                     "–" if ratio_v is None else f"{ratio_v:.3f}", target or "", met])

    bt = {500: ("≤ 0.6", lambda x: x <= 0.6), 2000: ("≤ 0.5", lambda x: x <= 0.5)}.get(r.n, ("< 1", lambda x: x < 1))
    add("build wall time", r.ours.seconds, r.stock.seconds, "s", bt[0], bt[1])
    add("build time per page pair", r.ours.seconds / r.pairs, r.stock.seconds / r.pairs, "s", "flat in N")
    add("build CPU time (user+sys)", r.ours.cpu, r.stock.cpu, "s", bt[0], bt[1])
    if r.proposed is not None:
        add("build wall time, ours with proposed config", r.proposed.seconds, r.stock.seconds, "s", bt[0], bt[1])
        add("build CPU time, ours with proposed config", r.proposed.cpu, r.stock.cpu, "s", bt[0], bt[1])
    add("build peak memory", r.ours.rss_mb, r.stock.rss_mb, "MB", "ours < 1024 MB",
        lambda x, m=r.ours.rss_mb: (m or 0) < 1024)
    add("build warnings", float(r.ours.warnings), float(r.stock.warnings), "", "ours 0")
    add("search index file (zh / combined)", r.index_files["ours zh"], r.index_files["stock"], "B")
    for lang in ("zh", "en"):
        o, s = r.browser.get("ours"), r.browser.get("stock")
        add(f"first-search download {lang}, raw", o and o.bytes_raw.get(lang), s and s.bytes_raw.get(lang), "B",
            "≤ 0.5", lambda x: x <= 0.5)
        add(f"first-search download {lang}, gzip", o and o.bytes_gz.get(lang), s and s.bytes_gz.get(lang), "B",
            "≤ 0.5", lambda x: x <= 0.5)
    if r.checkers is not None:
        lc = r.linkcheck.seconds if r.linkcheck and r.linkcheck.returncode in (0, 1) else None
        add(f"source checkers, cold (no cache) vs {r.linkcheck_name}", r.checkers.seconds, lc, "s",
            "≤ 0.02 (50× faster)", lambda x: x <= 0.02)
        if r.checkers_warm is not None:
            add(f"source checkers, cache warm vs {r.linkcheck_name}", r.checkers_warm.seconds, lc, "s",
                "≤ 0.02 (50× faster)", lambda x: x <= 0.02)
        add(f"checkers per page pair vs {r.linkcheck_name}", r.checkers.seconds / r.pairs,
            lc / r.pairs if lc else None, "s", "flat in N")
        lcc = r.linkcheck.cpu if lc else None
        add(f"checkers CPU time (user+sys) vs {r.linkcheck_name}", r.checkers.cpu, lcc, "s",
            "≤ 0.02 (50× less)", lambda x: x <= 0.02)
    for lang in ("zh", "en"):
        o, s = r.browser.get("ours"), r.browser.get("stock")
        tgt = ("≤ 0.3", lambda x: x <= 0.3) if r.n >= 2000 else ("< 1", lambda x: x < 1)
        add(f"time to first search results {lang}", o and o.first_results_s.get(lang),
            s and s.first_results_s.get(lang), "s", tgt[0], tgt[1])
        orc = o.recall.get(lang) if o else None
        src = s.recall.get(lang) if s else None
        add(f"held-out recall@10 {lang}", orc and orc[0] / orc[1], src and src[0] / src[1], "%", "unchanged",
            lambda x: x >= 1.0)
        add(f"page HTML opened {lang}", o and o.page_html.get(lang), s and s.page_html.get(lang), "B")
    pf = r.browser.get("pagefind")
    if pf is not None:
        s = r.browser.get("stock")
        for lang in ("zh", "en"):
            add(f"candidate Pagefind: first-search download {lang}, gzip", pf.bytes_gz.get(lang),
                s and s.bytes_gz.get(lang), "B", "≤ 0.5", lambda x: x <= 0.5)
            tgt = ("≤ 0.3", lambda x: x <= 0.3) if r.n >= 2000 else ("< 1", lambda x: x < 1)
            add(f"candidate Pagefind: time to first results {lang}", pf.first_results_s.get(lang),
                s and s.first_results_s.get(lang), "s", tgt[0], tgt[1])
            prc, src = pf.recall.get(lang), s.recall.get(lang) if s else None
            add(f"candidate Pagefind: held-out recall@10 {lang}", prc and prc[0] / prc[1],
                src and src[0] / src[1], "%", "unchanged", lambda x: x >= 1.0)
        if r.pagefind_index is not None:
            add("candidate Pagefind: indexing time (after our build)", r.pagefind_index.seconds, r.stock.seconds,
                "s", "")
    return rows


HEADER = ["metric", "N", "ours", "stock / competitor", "ours/stock", "target", "met"]


def table(results: list[SizeResult]) -> str:
    largest = max(r.n for r in results)
    rows = [row for r in results for row in rows_for(r, largest)]
    # group by metric, then N
    order = {}
    for row in rows:
        order.setdefault(row[0], len(order))
    rows.sort(key=lambda row: (order[row[0]], int(row[1])))
    lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join("---" for _ in HEADER) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,500", help="comma-separated numbers of synthetic page pairs")
    ap.add_argument("--quick", action="store_true",
                    help="N = 20 only, for the test: no Pagefind, the link check overlaps the browser part")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary corpus and sites")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-linkcheck", action="store_true")
    ap.add_argument("--no-pagefind", action="store_true")
    ap.add_argument("--proposed", action="store_true",
                    help="also build ours with the proposed mkdocs.yml changes (PROPOSED in this file)")
    ap.add_argument("--linkcheck-max", type=int, default=10**9, help="skip LinkChecker above this N")
    ap.add_argument("--linkcheck-timeout", type=float, default=1800)
    ap.add_argument("--browser-timeout", type=float, default=240)
    ap.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    args = ap.parse_args(argv)
    try:
        sizes = [20] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes: comma-separated integers")
    if not sizes or min(sizes) < 1:
        ap.error("--sizes: positive integers")
    started = time.perf_counter()
    results = [measure(n, args.seed, args) for n in sizes]
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"Benchmark {when} on {machine()}; sizes {', '.join(map(str, sizes))} synthetic pairs "
          f"(+ the real docs/), seed {args.seed}, total {time.perf_counter() - started:.0f} s")
    print()
    print(table(results))
    print()
    for r in results:
        print(f"N={r.n}: {r.pairs} page pairs built; checkers: {', '.join(r.checker_names) or 'none found'}; "
              f"link check: {r.linkcheck_name if r.linkcheck else 'not run'}")
    if args.json:
        args.json.write_text(json.dumps([_as_json(r) for r in results], indent=1, default=str), encoding="utf-8")
    return 0


def _as_json(r: SizeResult) -> dict:
    def run(x: Run | None):
        return None if x is None else {"seconds": x.seconds, "cpu": x.cpu, "rss_mb": x.rss_mb,
                                       "returncode": x.returncode,
                                       "warnings": x.warnings}

    return {"n": r.n, "pairs": r.pairs, "load_avg": os.getloadavg(), "ours": run(r.ours), "stock": run(r.stock), "checkers": run(r.checkers), "checkers_warm": run(r.checkers_warm),
            "checker_names": r.checker_names, "linkcheck": run(r.linkcheck), "pagefind_index": run(r.pagefind_index),
            "index_files": r.index_files, "proposed": run(r.proposed),
            "browser": {k: vars(v) for k, v in r.browser.items()}}


if __name__ == "__main__":
    sys.exit(main())
