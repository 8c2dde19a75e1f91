"""Exit codes, the error type, console messages and the classification of failures.

Every failure surfaces as a ``PublishError`` carrying one of the exit codes below
(documented in scripts/deploy/README.md); ssh/rsync/remote-shell failures and
local ``OSError``s are mapped to those codes from their error text/errno.
"""

from __future__ import annotations

import errno
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .target import Target


# exit codes
EXIT_OK = 0
EXIT_ERROR = 1  # unexpected/internal error
EXIT_USAGE = 2  # bad arguments, bad target syntax, missing known_hosts
EXIT_SITE = 3  # site refused: marker missing/invalid, check not passed, unsafe content
EXIT_UNREACHABLE = 4  # host unreachable: connection refused/timed out, DNS, network
EXIT_PERMISSION = 5  # permission denied: SSH authentication or file permissions on target
EXIT_HOSTKEY = 6  # host key unknown or changed (not in the given known_hosts)
EXIT_DISK_FULL = 7  # no space left on device / quota exceeded on target
EXIT_VERIFY = 8  # sha256 manifest verification failed on target
EXIT_LOCK_HELD = 9  # another publish/rollback holds the lock
EXIT_LOCK_STALE = 10  # stale lock left by a killed run (use --break-stale-lock)
EXIT_NO_RELEASE = 11  # requested release not found / nothing to roll back to
EXIT_REMOTE = 12  # transfer or remote command failed for another reason
EXIT_MIXED = 13  # targets disagree: not all on the same live release (publish --resume)
EXIT_INTERRUPTED = 130  # interrupted by SIGINT/SIGTERM/SIGHUP

EXIT_CODES = [
    (EXIT_OK, "success"),
    (EXIT_ERROR, "unexpected internal error"),
    (EXIT_USAGE, "usage error: bad arguments/target, missing known_hosts or identity file"),
    (EXIT_SITE, "site refused: .kb-build.json missing/invalid, a check not passed, symlink/special file"),
    (EXIT_UNREACHABLE, "host unreachable (connection refused/timed out, DNS, network)"),
    (EXIT_PERMISSION, "permission denied (SSH authentication or file permissions on target)"),
    (EXIT_HOSTKEY, "host key verification failed (unknown or changed host key)"),
    (EXIT_DISK_FULL, "disk full / quota exceeded on target"),
    (EXIT_VERIFY, "release on target differs from its manifest (changed/missing/added file, symlink)"),
    (EXIT_LOCK_HELD, "lock held by another running publish/rollback"),
    (EXIT_LOCK_STALE, "stale lock from a killed run (re-run with --break-stale-lock)"),
    (EXIT_NO_RELEASE, "release not found / nothing to roll back to"),
    (EXIT_REMOTE, "transfer or remote command failed for another reason"),
    (EXIT_MIXED, "targets disagree: their live releases differ (status; repair: publish --resume)"),
    (EXIT_INTERRUPTED, "interrupted (SIGINT/SIGTERM/SIGHUP)"),
]


class PublishError(Exception):
    def __init__(self, code: int, message: str, target: Target | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.target = target


def log(msg: str) -> None:
    print(msg, flush=True)


def err(msg: str) -> None:
    print(f"ERROR: {msg}", file=sys.stderr, flush=True)


def warn(msg: str) -> None:
    print(f"WARNING: {msg}", file=sys.stderr, flush=True)


# error classification for ssh / rsync / remote shell failures

_HOSTKEY_RE = re.compile(
    r"Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|"
    r"No \S+ host key is known|host key for .* has changed",
    re.I,
)
_DISK_RE = re.compile(r"No space left on device|Disk quota exceeded|ENOSPC|EDQUOT", re.I)
_AUTH_RE = re.compile(
    r"Permission denied \((?:publickey|password|keyboard-interactive|hostbased|gssapi)|"
    r"Too many authentication failures|no such identity",
    re.I,
)
_PERM_RE = re.compile(r"Permission denied|Operation not permitted|Read-only file system", re.I)
_NET_RE = re.compile(
    r"Connection refused|Connection timed out|timed out|No route to host|"
    r"Could not resolve hostname|Name or service not known|Temporary failure in name resolution|"
    r"Network is unreachable|Connection reset|Connection closed by|kex_exchange_identification|"
    r"port \d+: Broken pipe",
    re.I,
)


def last_lines(text: str, n: int = 6) -> str:
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])


def classify_failure(rc: int, stderr: str, what: str, transport: str = "ssh") -> tuple[int, str]:
    """Map a failed ssh/rsync/remote-shell run to (exit code, human message)."""
    detail = last_lines(stderr) or f"exit status {rc}"
    if _HOSTKEY_RE.search(stderr or ""):
        return EXIT_HOSTKEY, (
            f"{what}: host key verification failed - the host's key is not in the "
            f"known_hosts file given (or it changed). Add the correct key "
            f"(e.g. from `ssh-keyscan`, verified out of band). [{detail}]"
        )
    if _DISK_RE.search(stderr or ""):
        return EXIT_DISK_FULL, f"{what}: disk full on target [{detail}]"
    if _AUTH_RE.search(stderr or ""):
        return EXIT_PERMISSION, (
            f"{what}: permission denied - SSH authentication failed "
            f"(check --identity/KB_SSH_KEY and authorized_keys) [{detail}]"
        )
    if _PERM_RE.search(stderr or ""):
        return EXIT_PERMISSION, f"{what}: permission denied on target filesystem [{detail}]"
    if rc in (30, 35) and transport == "rsync":
        return EXIT_UNREACHABLE, f"{what}: host unreachable (rsync I/O timeout) [{detail}]"
    if _NET_RE.search(stderr or "") or (rc == 255 and transport == "ssh"):
        return EXIT_UNREACHABLE, f"{what}: host unreachable [{detail}]"
    if rc == 255 and re.search(r"connection unexpectedly closed", stderr or "", re.I):
        return EXIT_UNREACHABLE, f"{what}: connection to host lost [{detail}]"
    if re.search(r"command not found|not found", stderr or "") and transport == "rsync":
        return EXIT_REMOTE, f"{what}: rsync missing on target? [{detail}]"
    if transport == "rsync" and rc in (11, 12, 23):
        return EXIT_REMOTE, f"{what}: transfer failed (rsync exit {rc}) [{detail}]"
    return EXIT_REMOTE, f"{what}: failed (exit {rc}) [{detail}]"


def classify_oserror(exc: OSError, what: str) -> PublishError:
    code = EXIT_REMOTE
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        code = EXIT_PERMISSION
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        code = EXIT_DISK_FULL
    kind = {EXIT_PERMISSION: "permission denied", EXIT_DISK_FULL: "disk full"}.get(code, "failed")
    return PublishError(code, f"{what}: {kind} [{exc}]")
