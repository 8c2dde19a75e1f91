"""The code can be reshaped without changing a byte of the built site.

The tree of ``BASELINE`` (docs, config, code) is built with its own code, and
the same tree with today's code (``scripts/`` and ``overrides/`` of this
checkout); every file of the two sites must be identical. ``BASELINE`` is the
last commit whose build output is the reference: after a change that alters
the output on purpose (new content, a new feature), the next commit moves
``BASELINE`` to that change's commit.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from kb import sites

ROOT = Path(__file__).resolve().parents[1]
# the last commit that changed the build's output on purpose (the merge of issues 14, 15, 17, 18 and 19)
BASELINE = "bee1c1290b0709a430a98f0b11e6b853071fb74e"


def _archive(commit: str, dest: Path) -> None:
    tar = dest.with_suffix(".tar")
    subprocess.run(["git", "archive", "--format=tar", "-o", str(tar), commit], cwd=ROOT, check=True)
    with tarfile.open(tar) as t:
        t.extractall(dest, filter="data")


def _differences(a: Path, b: Path) -> list[str]:
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, rel: str) -> None:
        out.extend(f"only in baseline: {rel}{n}" for n in cmp.left_only)
        out.extend(f"only in today's: {rel}{n}" for n in cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(f"differs: {rel}{n}" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{rel}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return out


def test_todays_code_builds_the_baselines_docs_byte_for_byte(tmp_path: Path) -> None:
    known = subprocess.run(["git", "cat-file", "-e", f"{BASELINE}^{{commit}}"], cwd=ROOT, capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"the baseline commit {BASELINE[:12]} is not in this clone's history (shallow clone)")
    old = tmp_path / "old"
    _archive(BASELINE, old)
    new = tmp_path / "new"
    shutil.copytree(old, new, ignore=shutil.ignore_patterns("scripts", "overrides"))
    shutil.copytree(ROOT / "scripts", new / "scripts", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "overrides", new / "overrides")
    for tree, site in ((old, tmp_path / "site-old"), (new, tmp_path / "site-new")):
        proc = sites.build(tree / "mkdocs.yml", site, strict=True, cwd=tree)
        assert proc.returncode == 0, f"{tree.name}: {proc.stderr[-3000:]}"
    files = sum(1 for p in (tmp_path / "site-old").rglob("*") if p.is_file())
    assert files > 100
    diffs = _differences(tmp_path / "site-old", tmp_path / "site-new")
    assert not diffs, f"{len(diffs)} of {files} files differ:\n" + "\n".join(diffs[:30])
