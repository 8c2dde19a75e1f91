"""The command line of the benchmark (``scripts/bench.py``): its flags, one
:func:`measure` per size, then the printed summary and table and, with
``--json``, the raw figures."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import time
from pathlib import Path

import kb.bench
from kb.bench.measure import measure
from kb.bench.report import as_json, machine, table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=kb.bench.__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="100,500", help="comma-separated numbers of synthetic page pairs")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="N = 20 only, for the test: no Pagefind, no render-cache or preview rows, the link check overlaps the browser part",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary corpus and sites")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-linkcheck", action="store_true")
    ap.add_argument("--no-pagefind", action="store_true")
    ap.add_argument("--no-preview", action="store_true", help="skip the save-to-preview times (kb serve)")
    ap.add_argument(
        "--proposed",
        action="store_true",
        help="also build ours with the proposed mkdocs.yml changes (PROPOSED in kb/bench/configs.py)",
    )
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
    print(
        f"Benchmark {when} on {machine()}; sizes {', '.join(map(str, sizes))} synthetic pairs "
        f"(+ the real docs/), seed {args.seed}, total {time.perf_counter() - started:.0f} s"
    )
    print()
    print(table(results))
    if not args.no_browser and not args.quick:  # the relevance set of issue 14, on the real docs/
        import tempfile

        from kb.bench.relevance import bench_rows

        with tempfile.TemporaryDirectory(prefix="kb-bench-relevance-") as tmp:
            for row in bench_rows(Path(tmp), args.no_pagefind):
                print("| " + " | ".join(row) + " |")
    print()
    for r in results:
        print(
            f"N={r.n}: {r.pairs} page pairs built; checkers: {', '.join(r.checker_names) or 'none found'}; "
            f"link check: {r.linkcheck_name if r.linkcheck else 'not run'}"
        )
    if args.json:
        args.json.write_text(json.dumps([as_json(r) for r in results], indent=1, default=str), encoding="utf-8")
    return 0
