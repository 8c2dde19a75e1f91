"""Walking a directory tree without ever following a symlink (the site, a snapshot, a local release).

Every directory is opened relative to its parent's descriptor with ``O_NOFOLLOW``, and every
regular file is opened the same way and checked with ``fstat`` after opening, so a path
swapped for a symlink (or a FIFO, a device...) between listing and opening is never
followed or read: it is reported as what it is. Paths are bytes relative to the top,
``/``-separated: any name a filesystem allows (``-``, spaces, CR, LF, backslash) survives.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "regular file"
    return "special file"


def show(rel: bytes) -> str:
    """A path for messages: plain when printable, else its repr (so CR/LF/tabs are visible)."""
    text = os.fsdecode(rel)
    return text if text.isprintable() and text.strip() == text else repr(text)


def walk(
    top: str,
    on_file: Callable[[bytes, int], None],
    on_other: Callable[[bytes, str], None],
    on_dir: Callable[[bytes], None] | None = None,
) -> None:
    """Call ``on_dir(rel)`` for every directory below ``top`` (before its content),
    ``on_file(rel, fd)`` with an open descriptor for every regular file (closed afterwards) and
    ``on_other(rel, kind)`` for everything else (symlink, FIFO, socket, device). ``top`` itself
    may be reached through a symlink; nothing below it is. Entries come in byte order."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _walk(fd, b"", on_file, on_other, on_dir)
    finally:
        os.close(fd)


def _walk(dir_fd: int, prefix: bytes, on_file, on_other, on_dir) -> None:
    for name in sorted(os.listdir(dir_fd), key=os.fsencode):
        rel = prefix + os.fsencode(name)
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            on_other(rel, "entry that vanished while being read")
            continue
        if stat.S_ISDIR(st.st_mode):
            try:
                sub = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError:
                on_other(rel, "directory replaced while being read")
                continue
            try:
                if not _same(os.fstat(sub), st):
                    on_other(rel, "directory replaced while being read")
                    continue
                if on_dir:
                    on_dir(rel)
                _walk(sub, rel + b"/", on_file, on_other, on_dir)
            finally:
                os.close(sub)
        elif stat.S_ISREG(st.st_mode):
            try:
                f = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
            except OSError:
                # ELOOP: swapped for a symlink since the stat; report what is there now
                try:
                    on_other(rel, kind_of(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode))
                except OSError:
                    on_other(rel, "entry that vanished while being read")
                continue
            try:
                fst = os.fstat(f)
                if not stat.S_ISREG(fst.st_mode):
                    on_other(rel, kind_of(fst.st_mode))
                    continue
                on_file(rel, f)
            finally:
                os.close(f)
        else:
            on_other(rel, kind_of(st.st_mode))


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def sha256_fd(fd: int) -> str:
    h = hashlib.sha256()
    while chunk := os.read(fd, 1 << 20):
        h.update(chunk)
    return h.hexdigest()


def scan(top: str, skip_top: bytes | None = None) -> tuple[dict[bytes, str], list[tuple[bytes, str]]]:
    """(relative path -> sha256 of every regular file, [(path, kind) of everything not a file or
    directory]) below ``top``; ``skip_top`` names a top-level regular file left out (the manifest)."""
    found: dict[bytes, str] = {}
    odd: list[tuple[bytes, str]] = []

    def on_file(rel: bytes, fd: int) -> None:
        if rel != skip_top:
            found[rel] = sha256_fd(fd)

    walk(top, on_file, lambda rel, kind: odd.append((rel, kind)))
    return found, odd
