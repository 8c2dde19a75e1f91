"""The sha256 manifest of a site (sha256sum format), verified on every target after upload."""

from __future__ import annotations

import hashlib
import os

from .errors import EXIT_SITE, PublishError
from .layout import MANIFEST


def build_manifest(site_dir: str) -> tuple[bytes, int]:
    """sha256sum-format manifest (relative paths) of every regular file in site_dir."""
    lines = []
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames.sort()
        for d in dirnames:
            if os.path.islink(os.path.join(dirpath, d)):
                raise PublishError(EXIT_SITE, f"refusing site: {os.path.join(dirpath, d)} is a symlink")
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, site_dir).replace(os.sep, "/")
            if os.path.islink(full) or not os.path.isfile(full):
                raise PublishError(EXIT_SITE, f"refusing site: {rel} is not a regular file (symlink/special)")
            if "\n" in rel or "\\" in rel:
                raise PublishError(EXIT_SITE, f"refusing site: unsupported character in file name {rel!r}")
            if rel == MANIFEST:
                raise PublishError(EXIT_SITE, f"refusing site: it already contains {MANIFEST}")
            lines.append(f"{sha256_file(full)}  ".encode() + os.fsencode(rel) + b"\n")
    if not lines:
        raise PublishError(EXIT_SITE, f"refusing site {site_dir!r}: it contains no files")
    return b"".join(lines), len(lines)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
