"""Build the real site, or the site of a modified copy of docs/, for tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kb import sites

ROOT = Path(__file__).resolve().parents[1]


def write_config(tmp: Path, docs_dir: Path, **overrides: str) -> Path:
    """A config that inherits mkdocs.yml but reads another docs_dir."""
    cfg = tmp / "mkdocs-test.yml"
    lines = [
        f"INHERIT: {ROOT / 'mkdocs.yml'}",
        f"docs_dir: {docs_dir.resolve()}",
        "hooks:",
        f"  - {ROOT / 'scripts' / 'mkdocs_hooks.py'}",
        "theme:",
        "  name: material",
        f"  custom_dir: {ROOT / 'overrides'}",
    ]
    lines += [f"{k}: {v}" for k, v in overrides.items()]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def build_site(
    site_dir: Path, docs_dir: Path | None = None, tmp: Path | None = None, strict: bool = True
) -> subprocess.CompletedProcess:
    """Run ``mkdocs build`` (strict by default); returns the finished process."""
    if docs_dir is not None:
        assert tmp is not None, "a tmp dir for the config is needed with docs_dir"
        config = write_config(tmp, docs_dir)
    else:
        config = ROOT / "mkdocs.yml"
    return sites.build(config, site_dir, strict=strict, cwd=ROOT)


def build_sites(
    jobs: dict[str, tuple[Path, Path, Path]], strict: bool = True
) -> dict[str, subprocess.CompletedProcess]:
    """Several :func:`build_site` calls (name -> site_dir, docs_dir, tmp) run at
    once, as many as the machine has cores (a build uses one); their finished processes."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        running = {name: pool.submit(build_site, *job, strict=strict) for name, job in jobs.items()}
        return {name: future.result() for name, future in running.items()}
