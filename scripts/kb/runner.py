"""Check, build strictly, and leave a site that a publish may take.

    kb build [--site-dir DIR] [-f mkdocs.yml] [--skip-checks]      (also: python scripts/build.py)

1. runs the source checks (terminology, cross-references) on docs/, in this process;
2. runs ``mkdocs build --strict`` into a staging directory beside the target;
3. writes ``.kb-build.json`` (commit, strict, check results) into it;
4. only then swaps it into place (``site/`` by default).

A failed check or build leaves the previous ``site/`` untouched and no marker,
so ``scripts/publish.py`` refuses anything half-built. Exit status: 0 built,
1 a check or the build failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import sites
from .checks import cli as check_cli
from .model import rules
from .model.findings import render
from .model.paths import DOCS, ROOT
from .model.paths import display as _display
from .model.site import Site
from .model.tbs import gaps

PY = sys.executable
# the names the marker records; publish accepts a site whose every check "passed"
CHECKS = ("check_terms", "check_xrefs")


def _commit() -> tuple[str, bool]:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "docs", "mkdocs.yml", "overrides", "scripts"],
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
        return head, dirty
    except (OSError, subprocess.CalledProcessError):
        return "0" * 40, True


def run_checks(docs: Path, config: Path) -> dict[str, str]:
    """Both checks in one pass over ``docs``; prints the findings and returns
    ``{check name: "passed" | "failed"}`` for the marker."""
    t0 = time.perf_counter()
    try:
        found = check_cli.run(docs, _display(docs).rstrip("/") + "/", config if config.is_file() else None)
    except check_cli.CheckError as exc:
        print(f"==> checks: {exc}", file=sys.stderr)
        return {name: "failed" for name in CHECKS}
    took = time.perf_counter() - t0
    if found:
        print(render(found))
    owners = {rules.RULES[f.code].owner if f.code in rules.RULES else "" for f in found if f.severity == "error"}
    results = {
        "check_terms": "failed" if "terms" in owners else "passed",
        "check_xrefs": "failed" if owners - {"terms"} else "passed",
    }
    for name, verdict in results.items():
        print(f"==> {name}: {'passed' if verdict == 'passed' else 'FAILED'}", flush=True)
    print(f"==> checks took {took:.2f} s", flush=True)
    return results


def build(site_dir: Path, config: Path) -> Path | None:
    """Strict build into a staging directory; its path, or None on failure."""
    staging = site_dir.parent / f".site-staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    print(f"==> mkdocs build --strict -> {staging.name}", flush=True)
    t0 = time.perf_counter()
    # Not -q: with -q MkDocs drops warnings before strict mode counts them.
    proc = sites.build(config, staging, strict=True, cwd=ROOT)
    took = time.perf_counter() - t0
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith(("WARNING", "ERROR", "Aborted", "Error", "Config value")) or "Traceback" in line:
            print(line, file=sys.stderr)
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"==> build FAILED after {took:.1f} s; {site_dir} left as it was", file=sys.stderr)
        return None
    print(f"==> build passed ({took:.1f} s)", flush=True)
    return staging


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kb build", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--site-dir", type=Path, default=ROOT / "site")
    ap.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    ap.add_argument(
        "--skip-checks", action="store_true", help="build without running the checkers (no publishable marker)"
    )
    args = ap.parse_args(argv)
    site_dir = args.site_dir.resolve()

    config = args.config_file.resolve()
    checks = {} if args.skip_checks else run_checks(DOCS, config)
    if any(v == "failed" for v in checks.values()):
        print("==> checks failed: not building", file=sys.stderr)
        return 1
    staging = build(site_dir, config)
    if staging is None:
        return 1
    commit, dirty = _commit()
    tbs = len(gaps(Site.load(ROOT / "docs")))
    print(f"==> to be supplied: {tbs} places where the source is silent (python scripts/report_tbs.py lists them)")
    marker = {
        "commit": commit,
        "dirty": dirty,
        "strict": True,
        "checks": checks,
        "to_be_supplied": tbs,
        "built_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    (staging / ".kb-build.json").write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    # The site must be world-readable (web servers and link checkers run as nobody).
    for dirpath, _dirnames, filenames in os.walk(staging):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    old = site_dir.parent / f".site-old-{os.getpid()}"
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    print(f"==> site ready in {site_dir} (commit {commit[:12]}{', uncommitted changes' if dirty else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
