"""The sha256 manifest of a release (``sha256sum`` format) and its comparison with what a host holds.

One line per regular file, ``<sha256>  <path>``, paths relative to the release, in byte
order. A path holding a backslash, LF or CR is written the way GNU ``sha256sum`` writes
it: the line starts with ``\\`` and the name has ``\\\\``, ``\\n``, ``\\r`` (so
``sha256sum -c`` still reads the file). The manifest itself is not listed.

A release is *verified* when the files found in it are exactly the files listed (nothing
more, nothing less), each with its listed sha256, and it holds nothing but regular files
and directories (no symlink, FIFO, socket or device anywhere).
"""

from __future__ import annotations

import re

from .errors import EXIT_VERIFY, PublishError
from .tree import show

_LINE_RE = re.compile(rb"^(\\?)([0-9a-f]{64})  (.+)$", re.S)
_UNESCAPE_RE = re.compile(rb"\\(.)", re.S)
_UNESCAPE = {b"\\": b"\\", b"n": b"\n", b"r": b"\r"}


def manifest_line(digest: str, rel: bytes) -> bytes:
    if any(c in rel for c in (b"\\", b"\n", b"\r")):
        esc = rel.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
        return b"\\" + digest.encode() + b"  " + esc + b"\n"
    return digest.encode() + b"  " + rel + b"\n"


def format_manifest(files: dict[bytes, str]) -> bytes:
    return b"".join(manifest_line(files[rel], rel) for rel in sorted(files))


def parse_manifest(data: bytes) -> dict[bytes, str]:
    """relative path -> sha256; ValueError on a malformed line or a path listed twice."""
    if not data.endswith(b"\n"):
        raise ValueError("it is empty or does not end with a newline" if not data else "its last line is cut off")
    out: dict[bytes, str] = {}
    for line in data[:-1].split(b"\n"):
        m = _LINE_RE.match(line)
        if not m:
            raise ValueError(f"malformed line {line[:100]!r}")
        rel = m.group(3)
        if m.group(1):
            try:
                rel = _UNESCAPE_RE.sub(lambda e: _UNESCAPE[e.group(1)], rel)
            except KeyError:
                raise ValueError(f"bad escape in line {line[:100]!r}") from None
        if rel.startswith(b"./"):
            rel = rel[2:]
        if rel in out:
            raise ValueError(f"{show(rel)} is listed twice")
        out[rel] = m.group(2).decode()
    return out


def compare(
    listed: dict[bytes, str], found: dict[bytes, str], odd: list[tuple[bytes, str]], limit: int = 10
) -> list[str]:
    """Every way in which a release (``found`` files, ``odd`` entries) differs from its manifest."""
    problems = [f"{show(rel)}: {kind}, not a regular file" for rel, kind in sorted(odd)]
    for rel in sorted(set(listed) | set(found)):
        if rel not in found:
            problems.append(f"{show(rel)}: missing")
        elif rel not in listed:
            problems.append(f"{show(rel)}: not in the manifest (added)")
        elif found[rel] != listed[rel]:
            problems.append(f"{show(rel)}: FAILED (sha256 differs)")
    if len(problems) > limit:
        problems[limit:] = [f"... and {len(problems) - limit} more"]
    return problems


def check_release(what: str, dirname: str, manifest: bytes, found, odd, expected: bytes | None, target) -> int:
    """Raise EXIT_VERIFY unless the release matches its manifest (and that manifest is ``expected``)."""
    head = f"{what}: sha256 verification MISMATCH in releases/{dirname}"
    if expected is not None and manifest != expected:
        raise PublishError(EXIT_VERIFY, f"{head}: the manifest on the target is not the one written", target)
    try:
        listed = parse_manifest(manifest)
    except ValueError as exc:
        raise PublishError(EXIT_VERIFY, f"{head}: unreadable manifest ({exc})", target) from None
    problems = compare(listed, found, odd)
    if problems:
        raise PublishError(EXIT_VERIFY, f"{head}: " + "; ".join(problems), target)
    return len(listed)
