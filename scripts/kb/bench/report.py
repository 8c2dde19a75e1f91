"""What the benchmark prints and writes: the one Markdown table (every metric
at every N, ours, stock or the competitor, the ratio ours/stock, the target and
whether it is met), the line describing the machine, and the raw figures as
JSON."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

from kb.bench.measure import SizeResult
from kb.bench.relevance import metrics
from kb.bench.runs import Run


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
    if unit == "score":
        return f"{v:.3f}"
    if unit == "s" and v < 1:
        return f"{v * 1000:.0f} ms"
    return f"{v:.2f} {unit}".strip() if isinstance(v, float) else f"{v} {unit}".strip()


def _ratio(a, b) -> float | None:
    if a is None or b is None or not b:
        return None
    return a / b


FLAT = 1.5  # "flat in N": at most this many times the smallest size's time


def rows_for(r: SizeResult, largest: int, smallest: SizeResult | None = None) -> list[list[str]]:
    rows: list[list[str]] = []

    def add(metric, ours, stock, unit, target=None, check=None, ratio="ours/stock", absolute=False):
        ratio_v = _ratio(ours, stock)
        met = "–"
        if check is not None and ratio_v is not None:
            met = "yes" if check(ratio_v) else "NO"
        elif check is not None and absolute:  # a target on ours alone (none measured: not met)
            met = "yes" if ours is not None and check(ours) else "NO"
        rows.append(
            [
                metric,
                str(r.n),
                _fmt(ours, unit),
                _fmt(stock, unit),
                "–" if ratio_v is None else f"{ratio_v:.3f}",
                target or "",
                met,
            ]
        )

    bt = {500: ("≤ 0.6", lambda x: x <= 0.6), 2000: ("≤ 0.5", lambda x: x <= 0.5)}.get(r.n, ("< 1", lambda x: x < 1))
    add("build wall time", r.ours.seconds, r.stock.seconds, "s", bt[0], bt[1])
    add("build time per page pair", r.ours.seconds / r.pairs, r.stock.seconds / r.pairs, "s", "flat in N")
    add("build CPU time (user+sys)", r.ours.cpu, r.stock.cpu, "s", bt[0], bt[1])
    if r.proposed is not None:
        add("build wall time, ours with proposed config", r.proposed.seconds, r.stock.seconds, "s", bt[0], bt[1])
        add("build CPU time, ours with proposed config", r.proposed.cpu, r.stock.cpu, "s", bt[0], bt[1])
    add(
        "build peak memory",
        r.ours.rss_mb,
        r.stock.rss_mb,
        "MB",
        "ours < 1024 MB",
        lambda x, m=r.ours.rss_mb: (m or 0) < 1024,
    )
    _cache_rows(r, add, smallest)
    add("build warnings", float(r.ours.warnings), float(r.stock.warnings), "", "ours 0")
    add("search index file (zh / combined)", r.index_files["ours zh"], r.index_files["stock"], "B")
    for lang in ("zh", "en"):
        o, s = r.browser.get("ours"), r.browser.get("stock")
        add(
            f"first-search download {lang}, raw",
            o and o.bytes_raw.get(lang),
            s and s.bytes_raw.get(lang),
            "B",
            "≤ 0.5",
            lambda x: x <= 0.5,
        )
        add(
            f"first-search download {lang}, gzip",
            o and o.bytes_gz.get(lang),
            s and s.bytes_gz.get(lang),
            "B",
            "≤ 0.5",
            lambda x: x <= 0.5,
        )
    if r.checkers is not None:
        lc = r.linkcheck.seconds if r.linkcheck and r.linkcheck.returncode in (0, 1) else None
        add(
            f"source checkers, cold (no cache) vs {r.linkcheck_name}",
            r.checkers.seconds,
            lc,
            "s",
            "≤ 0.02 (50× faster)",
            lambda x: x <= 0.02,
        )
        if r.checkers_warm is not None:
            add(
                f"source checkers, cache warm vs {r.linkcheck_name}",
                r.checkers_warm.seconds,
                lc,
                "s",
                "≤ 0.02 (50× faster)",
                lambda x: x <= 0.02,
            )
        add(
            f"checkers per page pair vs {r.linkcheck_name}",
            r.checkers.seconds / r.pairs,
            lc / r.pairs if lc else None,
            "s",
            "flat in N",
        )
        lcc = r.linkcheck.cpu if lc else None
        add(
            f"checkers CPU time (user+sys) vs {r.linkcheck_name}",
            r.checkers.cpu,
            lcc,
            "s",
            "≤ 0.02 (50× less)",
            lambda x: x <= 0.02,
        )
    for lang in ("zh", "en"):
        o, s = r.browser.get("ours"), r.browser.get("stock")
        tgt = ("≤ 0.3", lambda x: x <= 0.3) if r.n >= 2000 else ("< 1", lambda x: x < 1)
        add(
            f"time to first search results {lang}",
            o and o.first_results_s.get(lang),
            s and s.first_results_s.get(lang),
            "s",
            tgt[0],
            tgt[1],
        )
        orc = o.recall.get(lang) if o else None
        src = s.recall.get(lang) if s else None
        add(
            f"held-out recall@10 {lang}",
            orc and orc[0] / orc[1],
            src and src[0] / src[1],
            "%",
            "unchanged",
            lambda x: x >= 1.0,
        )
        _rank_rows(add, "held-out", lang, o, s)
        add(f"page HTML opened {lang}", o and o.page_html.get(lang), s and s.page_html.get(lang), "B")
    pf = r.browser.get("pagefind")
    if pf is not None:
        s = r.browser.get("stock")
        for lang in ("zh", "en"):
            add(
                f"candidate Pagefind: first-search download {lang}, gzip",
                pf.bytes_gz.get(lang),
                s and s.bytes_gz.get(lang),
                "B",
                "≤ 0.5",
                lambda x: x <= 0.5,
            )
            tgt = ("≤ 0.3", lambda x: x <= 0.3) if r.n >= 2000 else ("< 1", lambda x: x < 1)
            add(
                f"candidate Pagefind: time to first results {lang}",
                pf.first_results_s.get(lang),
                s and s.first_results_s.get(lang),
                "s",
                tgt[0],
                tgt[1],
            )
            prc, src = pf.recall.get(lang), s.recall.get(lang) if s else None
            add(
                f"candidate Pagefind: held-out recall@10 {lang}",
                prc and prc[0] / prc[1],
                src and src[0] / src[1],
                "%",
                "unchanged",
                lambda x: x >= 1.0,
            )
            _rank_rows(add, "candidate Pagefind: held-out", lang, pf, s)
        if r.pagefind_index is not None:
            add(
                "candidate Pagefind: indexing time (after our build)",
                r.pagefind_index.seconds,
                r.stock.seconds,
                "s",
                "",
            )
    return rows


def _rank_rows(add, label: str, lang: str, a, b) -> None:
    """MRR@10 and recall@5 of the held-out queries (issue 14), ``a`` against ``b``."""
    ma = metrics(a.ranks[lang]) if a and a.ranks.get(lang) else (None, None)
    mb = metrics(b.ranks[lang]) if b and b.ranks.get(lang) else (None, None)
    add(f"{label} MRR@10 {lang}", ma[0], mb[0], "score", "≥ stock", lambda x: x >= 1.0)
    add(f"{label} recall@5 {lang}", ma[1], mb[1], "%", "≥ stock", lambda x: x >= 1.0)


def _cache_rows(r: SizeResult, add, smallest: SizeResult | None = None) -> None:
    """Issue 19: the render cache, stock with navigation.prune, the preview."""
    if r.ours_warm is not None:
        tgt = ("≤ 0.2", lambda x: x <= 0.2) if r.n >= 2000 else ("", None)
        add("build wall time, render cache warm vs cold", r.ours_warm.seconds, r.ours.seconds, "s", *tgt)
        add("build CPU time, render cache warm vs cold", r.ours_warm.cpu, r.ours.cpu, "s", *tgt)
    if r.stock_prune is not None:
        tgt = ("≤ 0.5", lambda x: x <= 0.5) if r.n >= 2000 else ("< 1", lambda x: x < 1)
        add("build CPU time vs stock with navigation.prune", r.ours.cpu, r.stock_prune.cpu, "s", *tgt)
        add(
            "build peak memory vs stock with navigation.prune",
            r.ours.rss_mb,
            r.stock_prune.rss_mb,
            "MB",
            "ours < 1024 MB",
            lambda x, m=r.ours.rss_mb: (m or 0) < 1024,
        )
    limit = 3.0 if r.n >= 2000 else 2.0
    for kind, seconds in (r.preview or {}).items():
        add(
            f"save-to-preview, {kind}",
            seconds,
            None,
            "s",
            f"≤ {limit:.0f} s",
            lambda x, lim=limit: x <= lim,
            absolute=True,
        )
    base = (smallest.preview or {}).get("body edit") if smallest is not None else None
    if r.preview and base is not None:  # the time of a body edit against the smallest size's
        target = f"flat in N (≤ {FLAT} × N = {smallest.n})"  # type: ignore[union-attr]
        ours = r.preview.get("body edit")
        add("save-to-preview, body edit vs the smallest N", ours, base, "s", target, lambda x: x <= FLAT)


HEADER = ["metric", "N", "ours", "stock / competitor", "ours/stock", "target", "met"]


def table(results: list[SizeResult]) -> str:
    largest = max(r.n for r in results)
    smallest = min(results, key=lambda r: r.n)
    rows = [row for r in results for row in rows_for(r, largest, smallest)]
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


def as_json(r: SizeResult) -> dict:
    def run(x: Run | None):
        return (
            None
            if x is None
            else {
                "seconds": x.seconds,
                "cpu": x.cpu,
                "rss_mb": x.rss_mb,
                "returncode": x.returncode,
                "warnings": x.warnings,
            }
        )

    return {
        "n": r.n,
        "pairs": r.pairs,
        "load_avg": os.getloadavg(),
        "ours": run(r.ours),
        "stock": run(r.stock),
        "checkers": run(r.checkers),
        "checkers_warm": run(r.checkers_warm),
        "ours_warm": run(r.ours_warm),
        "stock_prune": run(r.stock_prune),
        "preview": r.preview,
        "checker_names": r.checker_names,
        "linkcheck": run(r.linkcheck),
        "pagefind_index": run(r.pagefind_index),
        "index_files": r.index_files,
        "proposed": run(r.proposed),
        "browser": {k: vars(v) for k, v in r.browser.items()},
    }
