"""The rsync command line shared by the local and SSH targets, and running it."""

from __future__ import annotations

import re
import shutil
import subprocess

from .errors import EXIT_USAGE, PublishError, classify_failure
from .target import Target


def rsync_base(bwlimit: int | None) -> list[str]:
    # --no-times + --checksum: a rebuilt site has new mtimes everywhere; comparing by content lets
    # --link-dest hard-link every unchanged file from the previous release.
    argv = [
        "rsync",
        "-a",
        "--no-times",
        "--checksum",
        "--delete",
        "--no-owner",
        "--no-group",
        "--chmod=D755,F644",
        "--timeout=300",
        "--stats",
    ]
    if bwlimit:
        argv.append(f"--bwlimit={int(bwlimit)}")
    return argv


def run_rsync(argv: list[str], target: Target, what: str) -> str:
    if shutil.which("rsync") is None:
        raise PublishError(EXIT_USAGE, "rsync is not installed on this machine")
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        code, msg = classify_failure(p.returncode, p.stderr, what, "rsync")
        raise PublishError(code, msg, target)
    sent = re.search(r"Number of regular files transferred: ([\d,.]+)", p.stdout)
    size = re.search(r"Total transferred file size: ([\d,.]+)", p.stdout)
    total = re.search(r"Number of files: ([\d,.]+)", p.stdout)
    parts = []
    if sent:
        parts.append(f"{sent.group(1)} file(s) transferred")
    if size:
        parts.append(f"{size.group(1)} bytes")
    if total:
        parts.append(f"{total.group(1)} entries in release")
    return ", ".join(parts)
