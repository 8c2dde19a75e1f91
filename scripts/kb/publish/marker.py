"""Validation of the build marker (.kb-build.json) that the strict build leaves in the site."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re

from .errors import EXIT_SITE, PublishError
from .layout import MARKER

COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")


def validate_marker(site_dir: str, allow_dirty: bool = False, label: str | None = None) -> dict:
    """The marker's data, or PublishError(EXIT_SITE); ``label`` names the site in messages
    (the original directory when ``site_dir`` is its snapshot)."""
    path = os.path.join(site_dir, MARKER)
    shown = label or site_dir
    hint = "publish only a site produced by the strict build with passing checks (`python scripts/build.py`)"
    if not os.path.isdir(site_dir):
        raise PublishError(EXIT_SITE, f"site directory {shown!r} does not exist")
    if not os.path.isfile(path):
        raise PublishError(EXIT_SITE, f"refusing {shown!r}: build marker {MARKER} is missing; {hint}")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise PublishError(EXIT_SITE, f"refusing {shown!r}: {MARKER} is not valid JSON ({exc}); {hint}") from exc
    if not isinstance(data, dict):
        raise PublishError(EXIT_SITE, f"refusing {shown!r}: {MARKER} is not a JSON object; {hint}")
    problems = []
    if data.get("strict") is not True:
        problems.append(f"strict is {data.get('strict')!r}, expected true")
    commit = data.get("commit")
    if not (isinstance(commit, str) and COMMIT_RE.match(commit)):
        problems.append(f"commit {commit!r} is not a 40-hex git commit")
    elif commit == "0" * 40:
        problems.append("commit is unknown (built outside a git checkout)")
    if data.get("dirty") is True and not allow_dirty:
        problems.append(
            "built from a working tree with uncommitted changes (dirty: true); commit first, or pass --allow-dirty"
        )
    checks = data.get("checks")
    if not isinstance(checks, dict) or not checks:
        problems.append("checks is missing or empty")
    else:
        bad = {k: v for k, v in checks.items() if v != "passed"}
        if bad:
            problems.append("checks not passed: " + ", ".join(f"{k}={v!r}" for k, v in sorted(bad.items())))
    built_at = data.get("built_at")
    try:
        dt.datetime.fromisoformat(str(built_at).replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"built_at {built_at!r} is not an ISO timestamp")
    problems += _edition_problems(site_dir, data.get("offline_edition"))
    if problems:
        raise PublishError(EXIT_SITE, f"refusing {shown!r}: invalid {MARKER}: " + "; ".join(problems) + f"; {hint}")
    return data


def _edition_problems(site_dir: str, edition: object) -> list[str]:
    """The offline edition (a zip inside the site) is shipped with it: when the
    marker names one, the file must be there with the recorded sha256."""
    if edition is None:
        return []
    if not isinstance(edition, dict) or not isinstance(edition.get("path"), str):
        return [f"offline_edition {edition!r} is not an object with a path"]
    rel = edition["path"]
    path = os.path.join(site_dir, rel)
    if rel.startswith("/") or ".." in rel.split("/") or not os.path.isfile(path):
        return [f"offline edition {rel!r} is missing"]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    if h.hexdigest() != edition.get("sha256"):
        return [f"offline edition {rel!r} differs from the build (sha256)"]
    return []
