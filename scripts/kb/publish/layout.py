"""The layout of a publish root on every target, and the rules for release names.

ROOT/releases/<YYYYmmddTHHMMSSZ>-<commit12>/   one directory per release
ROOT/releases/.partial-<name>/                 upload in progress (never served)
ROOT/current -> releases/<name>                symlink served by nginx
ROOT/.kb-publish.lock/owner.json               held while a publish/rollback runs
"""

from __future__ import annotations

import datetime as dt
import re

MARKER = ".kb-build.json"
MANIFEST = ".kb-manifest.sha256"
LOCK_DIR = ".kb-publish.lock"
LOCK_INFO = "owner.json"
RELEASES = "releases"
CURRENT = "current"
PARTIAL_PREFIX = ".partial-"
RELEASE_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{12}$")


def release_name_for(commit: str) -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + commit[:12]


def prune_candidates(releases: list[str], live: str | None, keep: int) -> list[str]:
    rel = sorted(r for r in releases if RELEASE_RE.match(r))
    keep_set = set(rel[-keep:]) if keep > 0 else set()
    if live:
        keep_set.add(live)
    return [r for r in rel if r not in keep_set]
