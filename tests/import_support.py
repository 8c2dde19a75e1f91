"""What the importer's tests share: running scripts/import_cases.py, a copy of docs/, a snapshot of a tree."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "import"
DOCS = ROOT / "docs"


def run(*args: str | Path, memory: int | None = None) -> subprocess.CompletedProcess:
    """The importer on ``args``; ``memory`` caps the child's address space (a memory bomb fails fast)."""

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_cases.py"), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit if memory else None,
    )


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def copy_docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    shutil.copytree(DOCS, d)
    return d
