"""A private snapshot of the site: what is uploaded, and what the manifest describes.

Right after the marker check the site is *copied* (not hard-linked: a hard link would
still change when the original is written to) into a fresh ``0700`` directory under
``$TMPDIR``, hashing every byte as it is copied. The manifest is made from those hashes
and rsync uploads the snapshot, so whatever happens to the site directory afterwards
(files rewritten, symlinks planted while publish holds the lock) cannot reach a target.
The copy never follows a symlink (see tree.py): a symlink, FIFO, socket or device
anywhere in the site refuses the site (exit 3), naming the entry.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile

from .errors import EXIT_ERROR, EXIT_SITE, PublishError
from .layout import MANIFEST
from .manifest import format_manifest
from .tree import show, walk


class Snapshot:
    def __init__(self, path: str, manifest: bytes, files: int) -> None:
        self.path = path
        self.manifest = manifest
        self.files = files

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class _WriteError(Exception):
    """Writing the snapshot (not reading the site) failed."""


def take_snapshot(site_dir: str) -> Snapshot:
    if not os.path.isdir(site_dir):
        raise PublishError(EXIT_SITE, f"site directory {site_dir!r} does not exist")
    snap = tempfile.mkdtemp(prefix="kb-publish-snapshot-")  # mode 0700, owned by this user
    top = os.fsencode(snap)
    files: dict[bytes, str] = {}
    refused: list[str] = []

    def on_dir(rel: bytes) -> None:
        try:
            os.mkdir(top + b"/" + rel, 0o700)
        except OSError as exc:
            raise _WriteError(exc) from exc

    def on_file(rel: bytes, fd: int) -> None:
        if rel == os.fsencode(MANIFEST):
            refused.append(f"it already contains {MANIFEST}")
            return
        try:
            out = os.open(top + b"/" + rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise _WriteError(exc) from exc
        try:
            h = hashlib.sha256()
            while chunk := os.read(fd, 1 << 20):
                h.update(chunk)
                try:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(out, view) :]
                except OSError as exc:
                    raise _WriteError(exc) from exc
            files[rel] = h.hexdigest()
        finally:
            os.close(out)

    def on_other(rel: bytes, kind: str) -> None:
        refused.append(f"{show(rel)} is a symlink" if kind == "symlink" else f"{show(rel)} is a {kind}")

    try:
        try:
            walk(site_dir, on_file, on_other, on_dir)
        except _WriteError as exc:
            raise PublishError(
                EXIT_ERROR, f"cannot write the snapshot of the site under {tempfile.gettempdir()} ({exc})"
            ) from exc
        except OSError as exc:
            raise PublishError(EXIT_SITE, f"refusing site {site_dir!r}: cannot read it ({exc})") from exc
        if refused:
            more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
            raise PublishError(
                EXIT_SITE,
                f"refusing site {site_dir!r}: " + "; ".join(refused[:5]) + more + ". A site is published as "
                "regular files and directories only (no symlink, FIFO, socket or device); rebuild it",
            )
        if not files:
            raise PublishError(EXIT_SITE, f"refusing site {site_dir!r}: it contains no files")
    except BaseException:
        shutil.rmtree(snap, ignore_errors=True)
        raise
    return Snapshot(snap, format_manifest(files), len(files))
