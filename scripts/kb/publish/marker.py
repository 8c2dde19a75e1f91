"""Validation of the build marker (.kb-build.json) that the strict build leaves in the site."""

from __future__ import annotations

import datetime as dt
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
    if problems:
        raise PublishError(EXIT_SITE, f"refusing {shown!r}: invalid {MARKER}: " + "; ".join(problems) + f"; {hint}")
    return data
