#!/usr/bin/env python3
"""Publish the built knowledge-base site to intranet hosts: atomic, verified, reversible.

Layout on every target (TARGET is the *publish root*):

    ROOT/releases/<YYYYmmddTHHMMSSZ>-<commit12>/   one directory per release
    ROOT/releases/.partial-<name>/                 upload in progress (never served)
    ROOT/current -> releases/<name>                symlink served by nginx
    ROOT/.kb-publish.lock/owner.json               held while a publish/rollback runs

Sub-commands:

    publish SITE_DIR TARGET [TARGET ...]   upload + verify on all targets, then switch all
    rollback TARGET [RELEASE]              switch back (default: release before the live one)
    status TARGET [TARGET ...]             list releases, the live one and the lock state

TARGET is either a local directory (``/srv/kb``) or ``[user@]host:/abs/path``
over SSH; a non-default SSH port goes into the target: ``user@host:2222:/abs/path``.
SSH targets need a known_hosts file (``--known-hosts`` / ``KB_KNOWN_HOSTS``);
host keys are always checked strictly.  See scripts/deploy/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

# ---------------------------------------------------------------------------
# exit codes
EXIT_OK = 0
EXIT_ERROR = 1          # unexpected/internal error
EXIT_USAGE = 2          # bad arguments, bad target syntax, missing known_hosts
EXIT_SITE = 3           # site refused: marker missing/invalid, check not passed, unsafe content
EXIT_UNREACHABLE = 4    # host unreachable: connection refused/timed out, DNS, network
EXIT_PERMISSION = 5     # permission denied: SSH authentication or file permissions on target
EXIT_HOSTKEY = 6        # host key unknown or changed (not in the given known_hosts)
EXIT_DISK_FULL = 7      # no space left on device / quota exceeded on target
EXIT_VERIFY = 8         # sha256 manifest verification failed on target
EXIT_LOCK_HELD = 9      # another publish/rollback holds the lock
EXIT_LOCK_STALE = 10    # stale lock left by a killed run (use --break-stale-lock)
EXIT_NO_RELEASE = 11    # requested release not found / nothing to roll back to
EXIT_REMOTE = 12        # transfer or remote command failed for another reason
EXIT_INTERRUPTED = 130  # interrupted by SIGINT/SIGTERM/SIGHUP

EXIT_CODES = [
    (EXIT_OK, "success"),
    (EXIT_ERROR, "unexpected internal error"),
    (EXIT_USAGE, "usage error: bad arguments/target, missing known_hosts or identity file"),
    (EXIT_SITE, "site refused: .kb-build.json missing/invalid, not strict, a check not passed"),
    (EXIT_UNREACHABLE, "host unreachable (connection refused/timed out, DNS, network)"),
    (EXIT_PERMISSION, "permission denied (SSH authentication or file permissions on target)"),
    (EXIT_HOSTKEY, "host key verification failed (unknown or changed host key)"),
    (EXIT_DISK_FULL, "disk full / quota exceeded on target"),
    (EXIT_VERIFY, "sha256 manifest verification mismatch on target"),
    (EXIT_LOCK_HELD, "lock held by another running publish/rollback"),
    (EXIT_LOCK_STALE, "stale lock from a killed run (re-run with --break-stale-lock)"),
    (EXIT_NO_RELEASE, "release not found / nothing to roll back to"),
    (EXIT_REMOTE, "transfer or remote command failed for another reason"),
    (EXIT_INTERRUPTED, "interrupted (SIGINT/SIGTERM/SIGHUP)"),
]

MARKER = ".kb-build.json"
MANIFEST = ".kb-manifest.sha256"
LOCK_DIR = ".kb-publish.lock"
LOCK_INFO = "owner.json"
RELEASES = "releases"
CURRENT = "current"
PARTIAL_PREFIX = ".partial-"
RELEASE_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{12}$")
COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")
SAFE_REMOTE_PATH_RE = re.compile(r"^/[A-Za-z0-9._/+@-]*$")
SSH_TARGET_RE = re.compile(
    r"^(?:(?P<user>[A-Za-z0-9._-]+)@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
    r":(?:(?P<port>\d{1,5}):)?(?P<path>.*)$"
)

# remote script exit codes (internal protocol between this file and its sh snippets)
RC_VERIFY = 42
RC_NO_TOOL = 43
RC_NO_RELEASE = 44
RC_NOT_SYMLINK = 45
RC_EXISTS = 46

DEFAULT_KEEP = 5
DEFAULT_STALE_AFTER = 3600
DEFAULT_CONNECT_TIMEOUT = 10


class PublishError(Exception):
    def __init__(self, code: int, message: str, target: "Target | None" = None):
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


# ---------------------------------------------------------------------------
# error classification for ssh / rsync / remote shell failures

_HOSTKEY_RE = re.compile(
    r"Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|"
    r"No \S+ host key is known|host key for .* has changed", re.I)
_DISK_RE = re.compile(r"No space left on device|Disk quota exceeded|ENOSPC|EDQUOT", re.I)
_AUTH_RE = re.compile(
    r"Permission denied \((?:publickey|password|keyboard-interactive|hostbased|gssapi)|"
    r"Too many authentication failures|no such identity", re.I)
_PERM_RE = re.compile(r"Permission denied|Operation not permitted|Read-only file system", re.I)
_NET_RE = re.compile(
    r"Connection refused|Connection timed out|timed out|No route to host|"
    r"Could not resolve hostname|Name or service not known|Temporary failure in name resolution|"
    r"Network is unreachable|Connection reset|Connection closed by|kex_exchange_identification|"
    r"port \d+: Broken pipe", re.I)


def _tail(text: str, n: int = 6) -> str:
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])


def classify_failure(rc: int, stderr: str, what: str, transport: str = "ssh") -> tuple[int, str]:
    """Map a failed ssh/rsync/remote-shell run to (exit code, human message)."""
    detail = _tail(stderr) or f"exit status {rc}"
    if _HOSTKEY_RE.search(stderr or ""):
        return EXIT_HOSTKEY, (f"{what}: host key verification failed - the host's key is not in the "
                              f"known_hosts file given (or it changed). Add the correct key "
                              f"(e.g. from `ssh-keyscan`, verified out of band). [{detail}]")
    if _DISK_RE.search(stderr or ""):
        return EXIT_DISK_FULL, f"{what}: disk full on target [{detail}]"
    if _AUTH_RE.search(stderr or ""):
        return EXIT_PERMISSION, (f"{what}: permission denied - SSH authentication failed "
                                 f"(check --identity/KB_SSH_KEY and authorized_keys) [{detail}]")
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


# ---------------------------------------------------------------------------
# site validation and manifest

def validate_marker(site_dir: str, allow_dirty: bool = False) -> dict:
    path = os.path.join(site_dir, MARKER)
    hint = ("publish only a site produced by the strict build with passing checks "
            "(`python scripts/build.py`)")
    if not os.path.isdir(site_dir):
        raise PublishError(EXIT_SITE, f"site directory {site_dir!r} does not exist")
    if not os.path.isfile(path):
        raise PublishError(EXIT_SITE, f"refusing {site_dir!r}: build marker {MARKER} is missing; {hint}")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise PublishError(EXIT_SITE, f"refusing {site_dir!r}: {MARKER} is not valid JSON ({exc}); {hint}")
    if not isinstance(data, dict):
        raise PublishError(EXIT_SITE, f"refusing {site_dir!r}: {MARKER} is not a JSON object; {hint}")
    problems = []
    if data.get("strict") is not True:
        problems.append(f"strict is {data.get('strict')!r}, expected true")
    commit = data.get("commit")
    if not (isinstance(commit, str) and COMMIT_RE.match(commit)):
        problems.append(f"commit {commit!r} is not a 40-hex git commit")
    elif commit == "0" * 40:
        problems.append("commit is unknown (built outside a git checkout)")
    if data.get("dirty") is True and not allow_dirty:
        problems.append("built from a working tree with uncommitted changes (dirty: true); "
                        "commit first, or pass --allow-dirty")
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
        raise PublishError(EXIT_SITE, f"refusing {site_dir!r}: invalid {MARKER}: " + "; ".join(problems) + f"; {hint}")
    return data


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


# ---------------------------------------------------------------------------
# lock helpers (the lock records the *publisher's* pid/host)

def _proc_start(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            data = fh.read()
        fields = data[data.rfind(")") + 2:].split()
        return fields[19]  # field 22 (starttime); fields[0] is field 3
    except (OSError, IndexError):
        return None


def _proc_state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            data = fh.read()
        return data[data.rfind(")") + 2:].split()[0]
    except (OSError, IndexError):
        return None


def lock_owner_info(action: str, token: str) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": os.environ.get("USER") or os.environ.get("LOGNAME") or str(os.getuid()),
        "started": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "started_epoch": int(now.timestamp()),
        "proc_start": _proc_start(os.getpid()),
        "action": action,
        "token": token,
    }


def lock_staleness(owner: dict | None, age: float, stale_after: int) -> str | None:
    """Return a reason string if the lock looks stale, None if it looks held."""
    if owner is None:
        if age > 60:
            return f"the lock has no owner record and is {int(age)}s old (run killed while taking it)"
        return None
    pid, host = owner.get("pid"), owner.get("host")
    if host == socket.gethostname() and isinstance(pid, int):
        # same machine: the pid tells for sure (a live holder is never stale, however old)
        alive = True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
        if alive and _proc_state(pid) in ("Z", "X"):
            alive = False
        if not alive:
            return f"pid {pid} is no longer running on {host}"
        if owner.get("proc_start") and _proc_start(pid) not in (None, owner.get("proc_start")):
            return f"pid {pid} on {host} now belongs to another process (the run that took the lock is gone)"
        return None
    if age > stale_after:
        return f"the lock is {int(age)}s old (older than --stale-after {stale_after}s)"
    return None


def describe_owner(owner: dict | None) -> str:
    if not owner:
        return "unknown owner"
    return (f"pid {owner.get('pid')} on host {owner.get('host')} (user {owner.get('user')}), "
            f"started {owner.get('started')}, {owner.get('action', '')}".rstrip(", "))


# ---------------------------------------------------------------------------
# targets

class State:
    def __init__(self) -> None:
        self.exists = True
        self.live: str | None = None
        self.live_raw = ""
        self.current_not_link = False
        self.dirs: list[str] = []
        self.lock: tuple[dict | None, float] | None = None

    @property
    def releases(self) -> list[str]:
        return sorted(d for d in self.dirs if RELEASE_RE.match(d))

    @property
    def partials(self) -> list[str]:
        return sorted(d for d in self.dirs if d.startswith(PARTIAL_PREFIX))

    @property
    def others(self) -> list[str]:
        return sorted(d for d in self.dirs if not RELEASE_RE.match(d) and not d.startswith(PARTIAL_PREFIX))


def _live_from_link(raw: str) -> str | None:
    raw = raw.strip().rstrip("/")
    if not raw:
        return None
    return raw.rsplit("/", 1)[-1]


class Target:
    label: str
    root: str

    def close(self) -> None:
        pass

    def progress(self, msg: str) -> None:
        log(f"[{self.label}] {msg}")

    # primitives implemented by subclasses ---------------------------------
    def try_lock(self, info: dict) -> tuple[bool, dict | None, float]: ...
    def break_lock(self) -> None: ...
    def unlock(self, token: str) -> None: ...
    def state(self) -> State: ...
    def remove_dirs(self, names: list[str], live_guard: bool = True) -> None: ...
    def upload(self, site_dir: str, partial: str, link_dest: str | None, bwlimit: int | None) -> str: ...
    def put_manifest(self, partial: str, data: bytes) -> None: ...
    def verify(self, dirname: str, expected: int | None) -> None: ...
    def finalize(self, partial: str, name: str) -> None: ...
    def switch(self, name: str) -> None: ...
    def release_markers(self) -> dict[str, dict]: ...

    # shared logic -----------------------------------------------------------
    _lock_state: "State | None" = None

    def state_after_lock(self) -> State:
        """State read together with the lock (SSH: same round trip), else a fresh read."""
        st, self._lock_state = self._lock_state, None
        return st or self.state()

    def install_release(self, partial: str, name: str, manifest: bytes, expected: int) -> None:
        """Write the manifest into the upload, verify it on the target, rename it to the release name."""
        self.put_manifest(partial, manifest)
        self.progress(f"manifest {MANIFEST} written; verifying sha256 on target")
        self.verify(partial, expected)
        self.finalize(partial, name)

    def acquire(self, info: dict, break_stale: bool, stale_after: int) -> None:
        ok, owner, age = self.try_lock(info)
        if ok:
            self.progress(f"lock acquired ({self.root}/{LOCK_DIR})")
            return
        reason = lock_staleness(owner, age, stale_after)
        if reason is None:
            raise PublishError(EXIT_LOCK_HELD,
                               f"lock held on {self.label}: another publish/rollback is running "
                               f"({describe_owner(owner)}); lock: {self.root}/{LOCK_DIR}. "
                               f"Wait for it to finish. If that run is certainly dead (e.g. a cancelled CI "
                               f"job on another machine), re-run with --break-stale-lock --stale-after 0.", self)
        if not break_stale:
            raise PublishError(EXIT_LOCK_STALE,
                               f"stale lock on {self.label}: {reason}; left by {describe_owner(owner)}. "
                               f"Make sure no publish is running, then re-run with --break-stale-lock "
                               f"(or remove {self.root}/{LOCK_DIR} by hand).", self)
        self.progress(f"breaking stale lock: {reason}; was {describe_owner(owner)}")
        self.break_lock()
        ok, owner, age = self.try_lock(info)
        if not ok:
            raise PublishError(EXIT_LOCK_HELD,
                               f"lock on {self.label} was taken by someone else while breaking the stale "
                               f"one ({describe_owner(owner)})", self)
        self.progress(f"lock acquired ({self.root}/{LOCK_DIR})")


def _q(s: str) -> str:
    return shlex.quote(s)


class SSHTarget(Target):
    def __init__(self, spec: str, user: str | None, host: str, port: int | None, path: str, opts) -> None:
        self.label = spec
        self.user = user
        self.host = host
        self.port = port
        self.root = path
        self.opts = opts
        self.rsync_host = f"{user}@{host}" if user else host
        bare = host[1:-1] if host.startswith("[") else host
        self.ssh_host = f"{user}@{bare}" if user else bare

    def ssh_argv(self) -> list[str]:
        argv = ["ssh",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", f"UserKnownHostsFile={self.opts.known_hosts}",
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "UpdateHostKeys=no",
                "-o", "CheckHostIP=no",
                "-o", f"ConnectTimeout={self.opts.connect_timeout}",
                "-o", "ServerAliveInterval=15",
                "-o", "ServerAliveCountMax=4",
                "-o", "LogLevel=ERROR"]
        if self.port:
            argv += ["-p", str(self.port)]
        if self.opts.identity:
            argv += ["-i", self.opts.identity, "-o", "IdentitiesOnly=yes"]
        if self.opts.control_dir:
            # one authenticated connection per target, reused by every step (and by rsync)
            argv += ["-o", "ControlMaster=auto", "-o", f"ControlPath={self.opts.control_dir}/%C",
                     "-o", "ControlPersist=30"]
        return argv

    def close(self) -> None:
        if not self.opts.control_dir:
            return
        subprocess.run(self.ssh_argv() + ["-O", "exit", self.ssh_host], capture_output=True, timeout=30)

    def run(self, script: str, what: str, ok=(0,), special: dict | None = None,
            data: bytes | None = None) -> subprocess.CompletedProcess:
        """Run a POSIX sh script on the host (sent on stdin; or as `sh -c` when stdin carries data)."""
        full = "set -u\numask 022\n" + script
        if data is None:
            argv, stdin = self.ssh_argv() + [self.ssh_host, "sh -s"], full.encode()
        else:
            argv, stdin = self.ssh_argv() + [self.ssh_host, "sh -c " + _q(full)], data
        try:
            p = subprocess.run(argv, input=stdin, capture_output=True, timeout=self.opts.command_timeout)
        except subprocess.TimeoutExpired:
            raise PublishError(EXIT_UNREACHABLE, f"{what}: timed out after {self.opts.command_timeout}s", self)
        p = subprocess.CompletedProcess(p.args, p.returncode, p.stdout.decode(errors="replace"),
                                        p.stderr.decode(errors="replace"))
        if p.returncode in ok:
            return p
        if special and p.returncode in special:
            code, msg = special[p.returncode]
            raise PublishError(code, f"{what}: {msg} [{_tail(p.stderr + p.stdout)}]", self)
        code, msg = classify_failure(p.returncode, p.stderr, what, "ssh")
        raise PublishError(code, msg, self)

    def _p(self, *parts: str) -> str:
        return _q("/".join([self.root.rstrip("/") or ""] + list(parts)))

    def try_lock(self, info: dict) -> tuple[bool, dict | None, float]:
        lock = self._p(LOCK_DIR)
        script = f"""
mkdir -p {self._p(RELEASES)} || exit 1
if mkdir {lock} 2>/dev/null; then
  printf '%s\\n' {_q(json.dumps(info))} > {lock}/{LOCK_INFO} || {{ rm -rf {lock}; exit 1; }}
  echo ACQUIRED
  echo KB-STATE
  {self._state_snippet(with_lock=False)}
elif [ -d {lock} ]; then
  printf 'HELD %s %s\\n' "$(stat -c %Y {lock})" "$(date +%s)"
  printf 'LOCKINFO '; tr -d '\\n' < {lock}/{LOCK_INFO} 2>/dev/null; echo
else
  mkdir {lock}; exit 1
fi
"""
        p = self.run(script, "taking lock")
        head, _, tail = p.stdout.partition("KB-STATE\n")
        ok, owner, age = _parse_lock_output(head)
        if ok and tail:
            self._lock_state = _parse_state_output(tail)
        return ok, owner, age

    def break_lock(self) -> None:
        lock = self._p(LOCK_DIR)
        self.run(f"mv {lock} {lock}.broken-$$ 2>/dev/null && rm -rf {lock}.broken-$$; exit 0\n", "breaking stale lock")

    def unlock(self, token: str) -> None:
        lock = self._p(LOCK_DIR)
        self.run(f"if grep -q {_q(token)} {lock}/{LOCK_INFO} 2>/dev/null; then rm -rf {lock}; fi\n", "releasing lock")

    def _state_snippet(self, with_lock: bool = True) -> str:
        lock = f"""
  if [ -d {LOCK_DIR} ]; then
    printf 'HELD %s %s\\n' "$(stat -c %Y {LOCK_DIR})" "$(date +%s)"
    printf 'LOCKINFO '; tr -d '\\n' < {LOCK_DIR}/{LOCK_INFO} 2>/dev/null; echo
  fi""" if with_lock else ""
        return f"""(
  cd {self._p()} 2>/dev/null || {{ echo NOROOT; exit 0; }}
  printf 'LIVE %s\\n' "$(readlink {CURRENT} 2>/dev/null)"
  if [ -e {CURRENT} ] && [ ! -L {CURRENT} ]; then echo CURRENT_NOT_LINK; fi
  if [ -d {RELEASES} ]; then
    for d in {RELEASES}/* {RELEASES}/{PARTIAL_PREFIX}*; do [ -d "$d" ] && printf 'DIR %s\\n' "${{d#{RELEASES}/}}"; done
  fi{lock}
  exit 0
)
"""

    def state(self) -> State:
        p = self.run(self._state_snippet() + "exit 0\n", "reading state")
        return _parse_state_output(p.stdout)

    def remove_dirs(self, names: list[str], live_guard: bool = True) -> None:
        if not names:
            return
        for n in names:
            if "/" in n or n in ("", ".", ".."):
                raise PublishError(EXIT_ERROR, f"refusing to remove suspicious name {n!r}", self)
        script = f"""
cd {self._p(RELEASES)} || exit 1
live=$(readlink ../{CURRENT} 2>/dev/null); live=${{live##*/}}
for n in {' '.join(_q(n) for n in names)}; do
  if [ {'1' if live_guard else '0'} = 1 ] && [ "$n" = "$live" ]; then echo "skip live $n" >&2; continue; fi
  rm -rf -- "$n" || exit 1
done
"""
        self.run(script, "removing old releases")

    def upload(self, site_dir: str, partial: str, link_dest: str | None, bwlimit: int | None) -> str:
        dest = f"{self.rsync_host}:{self.root}/{RELEASES}/{partial}/"
        argv = _rsync_base(bwlimit) + ["-e", shlex.join(self.ssh_argv())]
        if link_dest:
            argv.append(f"--link-dest={self.root}/{RELEASES}/{link_dest}")
        argv += [site_dir.rstrip("/") + "/", dest]
        return _run_rsync(argv, self, "upload")

    def put_manifest(self, partial: str, data: bytes) -> None:
        path = self._p(RELEASES, partial, MANIFEST)
        try:
            p = subprocess.run(self.ssh_argv() + [self.ssh_host, f"umask 022 && cat > {path}"], input=data,
                               capture_output=True, timeout=self.opts.command_timeout)
        except subprocess.TimeoutExpired:
            raise PublishError(EXIT_UNREACHABLE, f"writing manifest: timed out", self)
        if p.returncode != 0:
            code, msg = classify_failure(p.returncode, p.stderr.decode(errors="replace"), "writing manifest")
            raise PublishError(code, msg, self)

    def _verify_snippet(self, dirname: str, expected: int | None) -> str:
        count_check = ""
        if expected is not None:
            count_check = f"""
n=$(find . -type f ! -path ./{MANIFEST} | wc -l)
if [ "$n" -ne {int(expected)} ]; then echo "expected {int(expected)} files, found $n" >&2; exit {RC_VERIFY}; fi
"""
        return f"""
command -v sha256sum >/dev/null 2>&1 || {{ echo "sha256sum (coreutils) not found on host" >&2; exit {RC_NO_TOOL}; }}
cd {self._p(RELEASES, dirname)} || exit {RC_NO_RELEASE}
[ -f {MANIFEST} ] || {{ echo "no {MANIFEST} in {dirname}" >&2; exit {RC_VERIFY}; }}
sha256sum -c --quiet --strict {MANIFEST} >&2 || exit {RC_VERIFY}
{count_check}
"""

    def _verify_special(self, dirname: str) -> dict:
        return {
            RC_VERIFY: (EXIT_VERIFY, f"sha256 verification MISMATCH in releases/{dirname}"),
            RC_NO_TOOL: (EXIT_REMOTE, "sha256sum missing on host"),
            RC_NO_RELEASE: (EXIT_NO_RELEASE, f"releases/{dirname} not found"),
            RC_EXISTS: (EXIT_REMOTE, "release name already exists"),
        }

    def verify(self, dirname: str, expected: int | None) -> None:
        self.run(self._verify_snippet(dirname, expected) + "echo VERIFIED\n", f"verifying {dirname}",
                 special=self._verify_special(dirname))

    def install_release(self, partial: str, name: str, manifest: bytes, expected: int) -> None:
        self.progress(f"writing {MANIFEST}, verifying sha256 on target")
        script = (f"cat > {self._p(RELEASES, partial, MANIFEST)} || exit 1\n"
                  + self._verify_snippet(partial, expected)
                  + self._finalize_snippet(partial, name))
        self.run(script, f"verifying {partial}", special=self._verify_special(partial), data=manifest)

    def _finalize_snippet(self, partial: str, name: str) -> str:
        return f"""
cd {self._p(RELEASES)} || exit 1
if [ -e {_q(name)} ]; then echo "releases/{name} already exists" >&2; exit {RC_EXISTS}; fi
mv -T {_q(partial)} {_q(name)}
"""

    def finalize(self, partial: str, name: str) -> None:
        script = f"""
cd {self._p(RELEASES)} || exit 1
if [ -e {_q(name)} ]; then echo "releases/{name} already exists" >&2; exit {RC_EXISTS}; fi
mv -T {_q(partial)} {_q(name)}
"""
        self.run(script, f"renaming {partial} to {name}",
                 special={RC_EXISTS: (EXIT_REMOTE, f"releases/{name} already exists")})

    def switch(self, name: str) -> None:
        tmp = f"{CURRENT}.tmp-{os.getpid()}"
        script = f"""
cd {self._p()} || exit 1
[ -d {RELEASES}/{_q(name)} ] || {{ echo "releases/{name} not found" >&2; exit {RC_NO_RELEASE}; }}
if [ -e {CURRENT} ] && [ ! -L {CURRENT} ]; then echo "{CURRENT} exists and is not a symlink" >&2; exit {RC_NOT_SYMLINK}; fi
ln -sfn {RELEASES}/{_q(name)} {tmp} || exit 1
mv -T {tmp} {CURRENT} || {{ rm -f {tmp}; exit 1; }}
"""
        self.run(script, f"switching {CURRENT} to {name}", special={
            RC_NO_RELEASE: (EXIT_NO_RELEASE, f"releases/{name} not found"),
            RC_NOT_SYMLINK: (EXIT_REMOTE, f"{self.root}/{CURRENT} is a real directory/file, not a symlink; "
                                          f"move it away once by hand"),
        })

    def release_markers(self) -> dict[str, dict]:
        script = f"""
cd {self._p(RELEASES)} 2>/dev/null || exit 0
for d in *; do [ -f "$d/{MARKER}" ] || continue; printf 'INFO %s ' "$d"; tr -d '\\n' < "$d/{MARKER}"; echo; done
exit 0
"""
        p = self.run(script, "reading release markers")
        out = {}
        for line in p.stdout.splitlines():
            if line.startswith("INFO "):
                parts = line.split(" ", 2)
                if len(parts) == 3:
                    try:
                        out[parts[1]] = json.loads(parts[2])
                    except ValueError:
                        pass
        return out


def _parse_lock_output(stdout: str) -> tuple[bool, dict | None, float]:
    if "ACQUIRED" in stdout.split():
        return True, None, 0.0
    owner, age = None, 0.0
    for line in stdout.splitlines():
        if line.startswith("HELD "):
            try:
                _, mtime, now = line.split()
                age = float(now) - float(mtime)
            except ValueError:
                pass
        elif line.startswith("LOCKINFO "):
            try:
                owner = json.loads(line[len("LOCKINFO "):])
            except ValueError:
                owner = None
    return False, owner, age


def _parse_state_output(stdout: str) -> State:
    st = State()
    for line in stdout.splitlines():
        if line == "NOROOT":
            st.exists = False
        elif line.startswith("LIVE "):
            st.live_raw = line[5:]
            st.live = _live_from_link(line[5:])
        elif line == "CURRENT_NOT_LINK":
            st.current_not_link = True
        elif line.startswith("DIR "):
            st.dirs.append(line[4:])
    held = _parse_lock_output(stdout)
    if any(line.startswith("HELD ") for line in stdout.splitlines()):
        st.lock = (held[1], held[2])
    return st


def _rsync_base(bwlimit: int | None) -> list[str]:
    # --no-times + --checksum: a rebuilt site has new mtimes everywhere; comparing by content lets
    # --link-dest hard-link every unchanged file from the previous release.
    argv = ["rsync", "-a", "--no-times", "--checksum", "--delete", "--no-owner", "--no-group",
            "--chmod=D755,F644", "--timeout=300", "--stats"]
    if bwlimit:
        argv.append(f"--bwlimit={int(bwlimit)}")
    return argv


def _run_rsync(argv: list[str], target: Target, what: str) -> str:
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


class LocalTarget(Target):
    def __init__(self, spec: str, path: str, opts) -> None:
        self.label = spec
        self.root = os.path.abspath(path)
        self.opts = opts

    def _j(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def try_lock(self, info: dict) -> tuple[bool, dict | None, float]:
        lock = self._j(LOCK_DIR)
        try:
            os.makedirs(self._j(RELEASES), exist_ok=True)
            try:
                os.mkdir(lock)
            except FileExistsError:
                owner = None
                try:
                    with open(os.path.join(lock, LOCK_INFO), encoding="utf-8") as fh:
                        owner = json.load(fh)
                except (OSError, ValueError):
                    owner = None
                age = time.time() - os.stat(lock).st_mtime
                return False, owner, age
            try:
                with open(os.path.join(lock, LOCK_INFO), "w", encoding="utf-8") as fh:
                    fh.write(json.dumps(info) + "\n")
            except OSError:
                shutil.rmtree(lock, ignore_errors=True)
                raise
            return True, None, 0.0
        except OSError as exc:
            raise _oserr(exc, "taking lock", self)

    def break_lock(self) -> None:
        lock = self._j(LOCK_DIR)
        tmp = f"{lock}.broken-{os.getpid()}"
        try:
            os.rename(lock, tmp)
            shutil.rmtree(tmp)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _oserr(exc, "breaking stale lock", self)

    def unlock(self, token: str) -> None:
        lock = self._j(LOCK_DIR)
        try:
            with open(os.path.join(lock, LOCK_INFO), encoding="utf-8") as fh:
                owner = json.load(fh)
        except (OSError, ValueError):
            return
        if owner.get("token") == token:
            shutil.rmtree(lock, ignore_errors=True)

    def state(self) -> State:
        st = State()
        if not os.path.isdir(self.root):
            st.exists = False
            return st
        cur = self._j(CURRENT)
        if os.path.islink(cur):
            st.live_raw = os.readlink(cur)
            st.live = _live_from_link(st.live_raw)
        elif os.path.exists(cur):
            st.current_not_link = True
        rel = self._j(RELEASES)
        if os.path.isdir(rel):
            st.dirs = sorted(d for d in os.listdir(rel) if os.path.isdir(os.path.join(rel, d)))
        lock = self._j(LOCK_DIR)
        if os.path.isdir(lock):
            owner = None
            try:
                with open(os.path.join(lock, LOCK_INFO), encoding="utf-8") as fh:
                    owner = json.load(fh)
            except (OSError, ValueError):
                pass
            try:
                st.lock = (owner, time.time() - os.stat(lock).st_mtime)
            except OSError:
                pass
        return st

    def remove_dirs(self, names: list[str], live_guard: bool = True) -> None:
        live = self.state().live if live_guard else None
        for n in names:
            if "/" in n or n in ("", ".", ".."):
                raise PublishError(EXIT_ERROR, f"refusing to remove suspicious name {n!r}", self)
            if live_guard and n == live:
                continue
            path = self._j(RELEASES, n)
            try:
                if os.path.isdir(path):
                    shutil.rmtree(path)
            except OSError as exc:
                raise _oserr(exc, "removing old releases", self)

    def upload(self, site_dir: str, partial: str, link_dest: str | None, bwlimit: int | None) -> str:
        argv = _rsync_base(bwlimit)
        if link_dest:
            argv.append(f"--link-dest={self._j(RELEASES, link_dest)}")
        argv += [site_dir.rstrip("/") + "/", self._j(RELEASES, partial) + "/"]
        return _run_rsync(argv, self, "upload")

    def put_manifest(self, partial: str, data: bytes) -> None:
        try:
            path = self._j(RELEASES, partial, MANIFEST)
            with open(path, "wb") as fh:
                fh.write(data)
            os.chmod(path, 0o644)
        except OSError as exc:
            raise _oserr(exc, "writing manifest", self)

    def verify(self, dirname: str, expected: int | None) -> None:
        base = self._j(RELEASES, dirname)
        what = f"verifying {dirname}"
        if not os.path.isdir(base):
            raise PublishError(EXIT_NO_RELEASE, f"{what}: releases/{dirname} not found", self)
        try:
            with open(os.path.join(base, MANIFEST), "rb") as fh:
                lines = fh.read().splitlines()
        except OSError as exc:
            raise PublishError(EXIT_VERIFY, f"{what}: cannot read {MANIFEST} ({exc})", self)
        bad = []
        for line in lines:
            m = re.match(rb"^([0-9a-f]{64})  (.+)$", line)
            if not m:
                raise PublishError(EXIT_VERIFY, f"{what}: malformed manifest line {line[:80]!r}", self)
            rel = os.fsdecode(m.group(2))
            try:
                if sha256_file(os.path.join(base, rel)) != m.group(1).decode():
                    bad.append(f"{rel}: FAILED")
            except OSError as exc:
                bad.append(f"{rel}: FAILED open or read ({exc.strerror})")
        if bad:
            raise PublishError(EXIT_VERIFY, f"{what}: sha256 verification MISMATCH in releases/{dirname}: "
                                            + "; ".join(bad[:10]), self)
        if expected is not None:
            n = sum(1 for dp, _, fs in os.walk(base) for f in fs
                    if os.path.relpath(os.path.join(dp, f), base) != MANIFEST)
            if n != expected:
                raise PublishError(EXIT_VERIFY, f"{what}: expected {expected} files, found {n}", self)

    def finalize(self, partial: str, name: str) -> None:
        dst = self._j(RELEASES, name)
        if os.path.exists(dst):
            raise PublishError(EXIT_REMOTE, f"releases/{name} already exists", self)
        try:
            os.rename(self._j(RELEASES, partial), dst)
        except OSError as exc:
            raise _oserr(exc, f"renaming {partial} to {name}", self)

    def switch(self, name: str) -> None:
        what = f"switching {CURRENT} to {name}"
        if not os.path.isdir(self._j(RELEASES, name)):
            raise PublishError(EXIT_NO_RELEASE, f"{what}: releases/{name} not found", self)
        cur = self._j(CURRENT)
        if os.path.exists(cur) and not os.path.islink(cur):
            raise PublishError(EXIT_REMOTE, f"{what}: {cur} is a real directory/file, not a symlink; "
                                            f"move it away once by hand", self)
        tmp = self._j(f"{CURRENT}.tmp-{os.getpid()}")
        try:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(f"{RELEASES}/{name}", tmp)
            os.replace(tmp, cur)  # rename(2): atomic, never delete-then-create
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise _oserr(exc, what, self)

    def release_markers(self) -> dict[str, dict]:
        out = {}
        rel = self._j(RELEASES)
        if not os.path.isdir(rel):
            return out
        for d in os.listdir(rel):
            try:
                with open(os.path.join(rel, d, MARKER), encoding="utf-8") as fh:
                    out[d] = json.load(fh)
            except (OSError, ValueError):
                pass
        return out


def _oserr(exc: OSError, what: str, target: Target) -> PublishError:
    e = classify_oserror(exc, what)
    e.target = target
    return e


_OPENED: list[Target] = []


def parse_target(spec: str, opts) -> Target:
    first_slash = spec.find("/")
    colon = spec.find(":")
    if colon != -1 and (first_slash == -1 or colon < first_slash):
        m = SSH_TARGET_RE.match(spec)
        if not m:
            raise PublishError(EXIT_USAGE, f"bad target {spec!r}: expected [user@]host[:port]:/abs/path or a local path")
        path = m.group("path").rstrip("/")
        if not path.startswith("/"):
            raise PublishError(EXIT_USAGE, f"bad target {spec!r}: remote path must be absolute")
        if not SAFE_REMOTE_PATH_RE.match(path) or "/../" in path + "/" or "/./" in path + "/":
            raise PublishError(EXIT_USAGE, f"bad target {spec!r}: remote path may only contain "
                                           f"letters, digits and . _ - + @ /")
        port = int(m.group("port")) if m.group("port") else None
        if port is not None and not 0 < port < 65536:
            raise PublishError(EXIT_USAGE, f"bad target {spec!r}: invalid port {port}")
        if not opts.known_hosts:
            raise PublishError(EXIT_USAGE, f"SSH target {spec!r} needs a known_hosts file: pass --known-hosts FILE "
                                           f"or set KB_KNOWN_HOSTS (host key checking is never disabled)")
        t = SSHTarget(spec, m.group("user"), m.group("host"), port, path, opts)
        _OPENED.append(t)
        return t
    path = spec.rstrip("/") or "/"
    if os.path.abspath(path) == "/":
        raise PublishError(EXIT_USAGE, f"bad target {spec!r}: refusing to publish into /")
    return LocalTarget(spec, path, opts)


# ---------------------------------------------------------------------------
# commands

def release_name_for(commit: str) -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + commit[:12]


def prune_candidates(releases: list[str], live: str | None, keep: int) -> list[str]:
    rel = sorted(r for r in releases if RELEASE_RE.match(r))
    keep_set = set(rel[-keep:]) if keep > 0 else set()
    if live:
        keep_set.add(live)
    return [r for r in rel if r not in keep_set]


def _release_all(locked: list[Target], token: str) -> None:
    for t in locked:
        try:
            t.unlock(token)
            t.progress("lock released")
        except PublishError as exc:
            warn(f"could not release lock on {t.label}: {exc.message}")


def cmd_publish(opts) -> int:
    site = os.path.abspath(opts.site_dir)
    marker = validate_marker(site, opts.allow_dirty)
    commit = marker["commit"]
    log(f"site {site}: commit {commit}, built {marker.get('built_at')}, checks: "
        + ", ".join(f"{k}={v}" for k, v in sorted(marker["checks"].items())))
    manifest, nfiles = build_manifest(site)
    log(f"manifest: {nfiles} files")
    targets = [parse_target(s, opts) for s in opts.targets]
    labels = [t.label for t in targets]
    if len(set(labels)) != len(labels):
        raise PublishError(EXIT_USAGE, "the same target is given twice")

    token = uuid.uuid4().hex
    locked: list[Target] = []
    states: dict[int, State] = {}
    created: dict[int, str] = {}   # index -> partial or release dir we created (for cleanup)
    switched: list[tuple[Target, str | None]] = []
    all_switched = False
    name = release_name_for(commit)
    info = lock_owner_info(f"publish {commit[:12]}", token)
    try:
        # phase 0: lock every target and read its state
        for i, t in enumerate(targets):
            t.progress("connecting, taking lock")
            t.acquire(info, opts.break_stale_lock, opts.stale_after)
            locked.append(t)
            st = t.state_after_lock()
            if st.current_not_link:
                raise PublishError(EXIT_REMOTE, f"{t.root}/{CURRENT} exists but is not a symlink; "
                                                f"move it away once by hand", t)
            states[i] = st
            t.progress(f"live release: {st.live or '(none)'}; {len(st.releases)} release(s) on target")
        # release names sort chronologically; make the new one sort after every existing release
        # (two publishes within one second would otherwise order by commit hash)
        for _ in range(3):
            newest = max((r[:16] for st in states.values() for r in st.releases), default="")
            if name[:16] > newest:
                break
            time.sleep(1.02 - (time.time() % 1))
            name = release_name_for(commit)
        if any(name in st.dirs for st in states.values()):
            raise PublishError(EXIT_REMOTE, f"release {name} already exists on a target (clock skew?)")
        partial = PARTIAL_PREFIX + name

        # phase 1: upload + verify everywhere
        for i, t in enumerate(targets):
            st = states[i]
            if st.partials:
                t.progress(f"removing {len(st.partials)} partial upload(s) left by an interrupted publish: "
                           + ", ".join(st.partials))
                t.remove_dirs(st.partials, live_guard=False)
            link = st.live if st.live in st.releases else (st.releases[-1] if st.releases else None)
            t.progress(f"uploading to releases/{partial}"
                       + (f" (hard-linking unchanged files from {link})" if link else ""))
            created[i] = partial
            started = time.time()
            stats = t.upload(site, partial, link, opts.bwlimit)
            t.progress(f"upload done in {time.time() - started:.1f}s ({stats})")
            t.install_release(partial, name, manifest, nfiles)
            created[i] = name
            t.progress(f"verified {nfiles} files; release {name} ready")

        # phase 2: switch everywhere (a failure here switches already-switched targets back)
        for i, t in enumerate(targets):
            t.switch(name)
            switched.append((t, states[i].live))
            t.progress(f"switched {CURRENT} -> {RELEASES}/{name} (was {states[i].live or 'none'})")
        created.clear()
        switched.clear()
        all_switched = True

        # phase 3: prune (after a successful switch, never the live one)
        for i, t in enumerate(targets):
            try:
                old = prune_candidates(states[i].releases + [name], name, opts.keep)
                if old:
                    t.remove_dirs(old)
                    t.progress(f"pruned {len(old)} old release(s) (keeping {opts.keep}): " + ", ".join(old))
            except PublishError as exc:
                warn(f"pruning on {t.label} failed (release is live anyway): {exc.message}")
        log(f"published {name} (commit {commit}) to {len(targets)} target(s)")
        return EXIT_OK
    except PublishError as exc:
        where = f" on target {exc.target.label}" if exc.target else ""
        if all_switched:
            err(f"published {name} on every target, but cleanup failed{where}: {exc.message}")
            return exc.code
        inconsistent = []
        for t, prev in reversed(switched):
            try:
                if not prev:
                    raise PublishError(EXIT_ERROR, "it had no previous release")
                t.switch(prev)
                t.progress(f"switched back to {prev}")
            except PublishError as exc2:
                inconsistent.append(t.label)
                warn(f"could not switch {t.label} back to {prev}: {exc2.message}")
        for i, dirname in created.items():
            t = targets[i]
            try:
                t.remove_dirs([dirname])
                t.progress(f"removed unswitched {dirname}")
            except PublishError:
                pass
        err(f"publish failed{where}: {exc.message}")
        if inconsistent:
            err(f"targets left on the NEW release {name}: {', '.join(inconsistent)}; "
                f"check with `status` and use `rollback`")
        elif locked or created:
            err("no target was switched; the live release is unchanged on every target")
        return exc.code
    finally:
        _release_all(locked, token)


def cmd_rollback(opts) -> int:
    t = parse_target(opts.target, opts)
    token = uuid.uuid4().hex
    locked = []
    try:
        t.progress("connecting, taking lock")
        t.acquire(lock_owner_info("rollback", token), opts.break_stale_lock, opts.stale_after)
        locked.append(t)
        st = t.state_after_lock()
        rel = st.releases
        if opts.release:
            if opts.release not in rel:
                raise PublishError(EXIT_NO_RELEASE, f"release {opts.release!r} not found; available: "
                                   + (", ".join(rel) or "none"), t)
            goal = opts.release
        else:
            if not st.live or st.live not in rel:
                raise PublishError(EXIT_NO_RELEASE, "no live release to roll back from; give RELEASE explicitly", t)
            idx = rel.index(st.live)
            if idx == 0:
                raise PublishError(EXIT_NO_RELEASE, f"nothing to roll back to: {st.live} is the oldest release", t)
            goal = rel[idx - 1]
        if goal == st.live:
            t.progress(f"{goal} is already live; nothing to do")
            return EXIT_OK
        t.progress(f"verifying sha256 of {goal} on target")
        t.verify(goal, None)
        t.switch(goal)
        t.progress(f"switched {CURRENT} -> {RELEASES}/{goal} (was {st.live or 'none'})")
        log(f"rolled back {t.label} to {goal}")
        return EXIT_OK
    except PublishError as exc:
        exc.target = exc.target or t
        err(f"rollback failed on target {exc.target.label}: {exc.message}")
        return exc.code
    finally:
        _release_all(locked, token)


def cmd_status(opts) -> int:
    rc = EXIT_OK
    for spec in opts.targets:
        t = parse_target(spec, opts)
        try:
            st = t.state()
            log(f"{t.label}  (root {t.root})")
            if not st.exists:
                log("  root directory does not exist (nothing published yet)")
                continue
            markers = t.release_markers()
            rel = st.releases
            log(f"  releases: {len(rel)} (oldest first; * = live)")
            for r in rel:
                m = markers.get(r, {})
                mark = "*" if r == st.live else " "
                extra = f"  commit {m.get('commit', '?')[:12]} built {m.get('built_at', '?')}" if m else ""
                log(f"  {mark} {r}{'  (live)' if r == st.live else ''}{extra}")
            if st.live and st.live not in rel:
                log(f"  WARNING: current points to {st.live_raw!r}, which is not a release here")
            if not st.live:
                log("  no live release (current is missing)" if not st.current_not_link
                    else "  current is not a symlink!")
            for p in st.partials:
                log(f"  partial upload {p} (left by an interrupted publish; removed by the next publish)")
            for o in st.others:
                log(f"  other directory in releases/: {o} (ignored)")
            if st.lock:
                owner, age = st.lock
                reason = lock_staleness(owner, age, opts.stale_after)
                state = f"STALE ({reason}; clear with --break-stale-lock)" if reason else "held"
                log(f"  lock: {state} - {describe_owner(owner)}")
            else:
                log("  lock: free")
        except PublishError as exc:
            exc.target = exc.target or t
            err(f"status failed on target {t.label}: {exc.message}")
            rc = rc or exc.code
    return rc


# ---------------------------------------------------------------------------
# CLI

def _exit_code_help() -> str:
    return "exit codes:\n" + "\n".join(f"  {c:>3}  {d}" for c, d in EXIT_CODES)


EPILOG = f"""\
targets:
  /srv/kb                    local directory (publish root)
  user@host:/srv/kb          SSH (port 22)
  user@host:2222:/srv/kb     SSH on port 2222
  nginx serves ROOT/current; releases live in ROOT/releases/.

environment:
  KB_KNOWN_HOSTS   known_hosts file for SSH targets (same as --known-hosts; required for SSH)
  KB_SSH_KEY       private key file (same as --identity)

{_exit_code_help()}
"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--known-hosts", default=os.environ.get("KB_KNOWN_HOSTS") or None,
                        help="known_hosts file with the hosts' keys (env KB_KNOWN_HOSTS); required for SSH targets")
    common.add_argument("--identity", default=os.environ.get("KB_SSH_KEY") or None,
                        help="SSH private key file (env KB_SSH_KEY)")
    common.add_argument("--connect-timeout", type=int, default=DEFAULT_CONNECT_TIMEOUT,
                        help="SSH connect timeout in seconds (default %(default)s)")
    common.add_argument("--command-timeout", type=int, default=600, help=argparse.SUPPRESS)
    common.add_argument("--break-stale-lock", action="store_true",
                        help="remove a lock left by a killed publish (pid gone / older than --stale-after)")
    common.add_argument("--stale-after", type=int, default=DEFAULT_STALE_AFTER,
                        help="treat a lock older than this many seconds as stale (default %(default)s)")

    p = argparse.ArgumentParser(prog="publish.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("publish", parents=[common], help="upload, verify and switch to a new release",
                        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    pp.add_argument("site_dir", metavar="SITE_DIR")
    pp.add_argument("targets", metavar="TARGET", nargs="+")
    pp.add_argument("--keep", type=int, default=DEFAULT_KEEP,
                    help="releases to keep per target after a successful switch (default %(default)s)")
    pp.add_argument("--allow-dirty", action="store_true",
                    help="accept a site built from uncommitted changes (marker dirty: true)")
    pp.add_argument("--bwlimit", type=int, default=None, metavar="KBPS",
                    help="rsync bandwidth limit in KiB/s (default: unlimited)")
    pr = sub.add_parser("rollback", parents=[common], help="switch back to an earlier release",
                        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    pr.add_argument("target", metavar="TARGET")
    pr.add_argument("release", metavar="RELEASE", nargs="?",
                    help="release name (default: the release before the live one)")
    ps = sub.add_parser("status", parents=[common], help="list releases and the live one",
                        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    ps.add_argument("targets", metavar="TARGET", nargs="+")
    return p


def _on_signal(signum, frame):
    raise PublishError(EXIT_INTERRUPTED, f"interrupted by signal {signal.Signals(signum).name}")


def _prepare_ssh_files(opts, cleanup: list[str]) -> None:
    if opts.known_hosts:
        if not os.path.isfile(opts.known_hosts):
            raise PublishError(EXIT_USAGE, f"known_hosts file {opts.known_hosts!r} does not exist")
        opts.known_hosts = os.path.abspath(opts.known_hosts)
    if opts.identity:
        if not os.path.isfile(opts.identity):
            raise PublishError(EXIT_USAGE, f"identity file {opts.identity!r} does not exist")
        opts.identity = os.path.abspath(opts.identity)
        if os.stat(opts.identity).st_mode & 0o077:
            # ssh refuses group/world-readable keys (CI "file" variables often are); use a private copy
            d = tempfile.mkdtemp(prefix="kb-publish-")
            cleanup.append(d)
            copy = os.path.join(d, "id")
            with open(opts.identity, "rb") as src, os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as dst:
                dst.write(src.read())
            opts.identity = copy


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    opts = parser.parse_args(argv)
    if getattr(opts, "keep", 1) < 1:
        parser.error("--keep must be at least 1")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    cleanup: list[str] = []
    opts.control_dir = None
    try:
        _prepare_ssh_files(opts, cleanup)
        if os.environ.get("KB_SSH_NO_MULTIPLEX", "") in ("", "0"):
            # unix socket paths are limited to ~108 bytes; %C expands to 40 hex digits
            base = tempfile.gettempdir()
            if len(base) > 50:
                base = "/tmp"
            opts.control_dir = tempfile.mkdtemp(prefix="kb-ssh-", dir=base)
            cleanup.append(opts.control_dir)
        if opts.cmd == "publish":
            return cmd_publish(opts)
        if opts.cmd == "rollback":
            return cmd_rollback(opts)
        return cmd_status(opts)
    except PublishError as exc:
        where = f" on target {exc.target.label}" if exc.target else ""
        err(f"{opts.cmd} failed{where}: {exc.message}")
        return exc.code
    finally:
        for t in _OPENED:
            try:
                t.close()
            except (OSError, subprocess.SubprocessError):
                pass
        for d in cleanup:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
