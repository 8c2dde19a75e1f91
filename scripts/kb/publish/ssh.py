"""``SSHTarget``: a publish root on another host, driven by POSIX sh snippets over ssh.

Each step runs a sh snippet on the host through ``ssh`` (every step, rsync included, reuses
one multiplexed connection); the snippets print line-oriented output, parsed by the
functions at the end, and exit with the RC_* codes below for the failures that need
their own exit code.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess

from .errors import (
    EXIT_ERROR,
    EXIT_NO_RELEASE,
    EXIT_REMOTE,
    EXIT_UNREACHABLE,
    EXIT_VERIFY,
    PublishError,
    classify_failure,
    last_lines,
)
from .layout import CURRENT, LOCK_DIR, LOCK_INFO, MANIFEST, MARKER, PARTIAL_PREFIX, RELEASES
from .manifest import check_release
from .rsync import rsync_base, run_rsync
from .target import State, Target, live_from_link

# remote script exit codes (internal protocol between this module and its sh snippets)
RC_VERIFY = 42
RC_NO_TOOL = 43
RC_NO_RELEASE = 44
RC_NOT_SYMLINK = 45
RC_EXISTS = 46


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
        argv = [
            "ssh",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            f"UserKnownHostsFile={self.opts.known_hosts}",
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "UpdateHostKeys=no",
            "-o",
            "CheckHostIP=no",
            "-o",
            f"ConnectTimeout={self.opts.connect_timeout}",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
            "-o",
            "LogLevel=ERROR",
        ]
        if self.port:
            argv += ["-p", str(self.port)]
        if self.opts.identity:
            argv += ["-i", self.opts.identity, "-o", "IdentitiesOnly=yes"]
        if self.opts.control_dir:
            # one authenticated connection per target, reused by every step (and by rsync)
            argv += [
                "-o",
                "ControlMaster=auto",
                "-o",
                f"ControlPath={self.opts.control_dir}/%C",
                "-o",
                "ControlPersist=30",
            ]
        return argv

    def close(self) -> None:
        if not self.opts.control_dir:
            return
        subprocess.run(self.ssh_argv() + ["-O", "exit", self.ssh_host], capture_output=True, timeout=30)

    def run(
        self,
        script: str,
        what: str,
        ok=(0,),
        special: dict | None = None,
        data: bytes | None = None,
        raw: bool = False,
    ) -> subprocess.CompletedProcess:
        """Run a POSIX sh script on the host (sent on stdin; or as `sh -c` when stdin carries data).
        stdout is text, or bytes with ``raw``."""
        full = "set -u\numask 022\n" + script
        if data is None:
            argv, stdin = self.ssh_argv() + [self.ssh_host, "sh -s"], full.encode()
        else:
            argv, stdin = self.ssh_argv() + [self.ssh_host, "sh -c " + _q(full)], data
        try:
            p = subprocess.run(argv, input=stdin, capture_output=True, timeout=self.opts.command_timeout)
        except subprocess.TimeoutExpired:
            raise PublishError(
                EXIT_UNREACHABLE, f"{what}: timed out after {self.opts.command_timeout}s", self
            ) from None
        out = p.stdout.decode(errors="replace")
        p = subprocess.CompletedProcess(
            p.args, p.returncode, p.stdout if raw else out, p.stderr.decode(errors="replace")
        )
        if p.returncode in ok:
            return p
        if special and p.returncode in special:
            code, msg = special[p.returncode]
            raise PublishError(code, f"{what}: {msg} [{last_lines(p.stderr + ('' if raw else out))}]", self)
        code, msg = classify_failure(p.returncode, p.stderr, what, "ssh")
        raise PublishError(code, msg, self)

    def _p(self, *parts: str) -> str:
        return _q("/".join([self.root.rstrip("/") or ""] + list(parts)))

    def try_lock(self, info: dict) -> tuple[bool, dict | None, float]:
        lock = self._p(LOCK_DIR)
        script = f"""
mkdir -p {self._p(RELEASES)} || exit 1
if mkdir {lock} 2>/dev/null; then
  # cat, not printf > file: dash's builtin says only "I/O error" when the disk is full
  printf '%s\\n' {_q(json.dumps(info))} | cat > {lock}/{LOCK_INFO} || {{ rm -rf {lock}; exit 1; }}
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
        lock = (
            f"""
  if [ -d {LOCK_DIR} ]; then
    printf 'HELD %s %s\\n' "$(stat -c %Y {LOCK_DIR})" "$(date +%s)"
    printf 'LOCKINFO '; tr -d '\\n' < {LOCK_DIR}/{LOCK_INFO} 2>/dev/null; echo
  fi"""
            if with_lock
            else ""
        )
        return f"""(
  cd {self._p()} 2>/dev/null || {{ echo NOROOT; exit 0; }}
  printf 'LIVE %s\\n' "$(readlink {CURRENT} 2>/dev/null)"
  if [ -e {CURRENT} ] && [ ! -L {CURRENT} ]; then echo CURRENT_NOT_LINK; fi
  if [ -d {RELEASES} ]; then
    for d in {RELEASES}/* {RELEASES}/{PARTIAL_PREFIX}*; do
      if [ -L "$d" ]; then printf 'LINK %s\\n' "${{d#{RELEASES}/}}"
      elif [ -d "$d" ]; then printf 'DIR %s\\n' "${{d#{RELEASES}/}}"; fi
    done
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
for n in {" ".join(_q(n) for n in names)}; do
  if [ {"1" if live_guard else "0"} = 1 ] && [ "$n" = "$live" ]; then echo "skip live $n" >&2; continue; fi
  rm -rf -- "$n" || exit 1
done
"""
        self.run(script, "removing old releases")

    def upload(self, site_dir: str, partial: str, link_dest: str | None, bwlimit: int | None) -> str:
        dest = f"{self.rsync_host}:{self.root}/{RELEASES}/{partial}/"
        argv = rsync_base(bwlimit) + ["-e", shlex.join(self.ssh_argv())]
        if link_dest:
            argv.append(f"--link-dest={self.root}/{RELEASES}/{link_dest}")
        argv += [site_dir.rstrip("/") + "/", dest]
        return run_rsync(argv, self, "upload")

    def put_manifest(self, partial: str, data: bytes) -> None:
        path = self._p(RELEASES, partial, MANIFEST)
        try:
            p = subprocess.run(
                self.ssh_argv() + [self.ssh_host, f"umask 022 && cat > {path}"],
                input=data,
                capture_output=True,
                timeout=self.opts.command_timeout,
            )
        except subprocess.TimeoutExpired:
            raise PublishError(EXIT_UNREACHABLE, "writing manifest: timed out", self) from None
        if p.returncode != 0:
            code, msg = classify_failure(p.returncode, p.stderr.decode(errors="replace"), "writing manifest")
            raise PublishError(code, msg, self)

    def _verify_snippet(self, dirname: str) -> str:
        """Print, NUL-separated, every entry that is neither a regular file nor a directory, the
        sha256 of every regular file (``sha256sum -z``: names unescaped, ``./``-prefixed, so ``-``
        or a leading dash is never stdin or an option) and then the manifest; compared in Python."""
        d = _q(dirname)
        return f"""
command -v sha256sum >/dev/null 2>&1 || {{ echo "sha256sum (coreutils) not found on host" >&2; exit {RC_NO_TOOL}; }}
sha256sum -z /dev/null >/dev/null 2>&1 || {{ echo "sha256sum has no -z (GNU coreutils needed)" >&2; exit {RC_NO_TOOL}; }}
cd {self._p(RELEASES)} || exit 1
if [ -L {d} ]; then echo "releases/{dirname} is a symlink, not a release" >&2; exit {RC_VERIFY}; fi
[ -d {d} ] || {{ echo "releases/{dirname} not found" >&2; exit {RC_NO_RELEASE}; }}
cd {d} || exit 1
if [ -L {MANIFEST} ] || [ ! -f {MANIFEST} ]; then echo "no {MANIFEST} in {dirname}" >&2; exit {RC_VERIFY}; fi
printf 'KB-ODD\\0'
find . -mindepth 1 ! -type f ! -type d -print0 || exit 1
printf 'KB-SUMS\\0'
find . -type f ! -path ./{MANIFEST} -print0 | xargs -0 -r sha256sum -z -- || exit 1
printf 'KB-MANIFEST\\0'
cat ./{MANIFEST} || exit 1
"""

    def _verify_special(self, dirname: str) -> dict:
        return {
            RC_VERIFY: (EXIT_VERIFY, f"sha256 verification MISMATCH in releases/{dirname}"),
            RC_NO_TOOL: (EXIT_REMOTE, "sha256sum missing on host"),
            RC_NO_RELEASE: (EXIT_NO_RELEASE, f"releases/{dirname} not found"),
        }

    def verify(self, dirname: str, expected: bytes | None) -> int:
        what = f"verifying {dirname}"
        p = self.run(self._verify_snippet(dirname), what, special=self._verify_special(dirname), raw=True)
        return check_release(what, dirname, *_parse_verify_output(p.stdout, what, self), expected, self)

    def install_release(self, partial: str, name: str, manifest: bytes) -> int:
        self.progress(f"writing {MANIFEST}, verifying sha256 on target")
        what = f"verifying {partial}"
        script = f"cat > {self._p(RELEASES, partial, MANIFEST)} || exit 1\n" + self._verify_snippet(partial)
        p = self.run(script, what, special=self._verify_special(partial), data=manifest, raw=True)
        n = check_release(what, partial, *_parse_verify_output(p.stdout, what, self), manifest, self)
        self.finalize(partial, name)
        return n

    def finalize(self, partial: str, name: str) -> None:
        script = f"""
cd {self._p(RELEASES)} || exit 1
if [ -e {_q(name)} ]; then echo "releases/{name} already exists" >&2; exit {RC_EXISTS}; fi
mv -T {_q(partial)} {_q(name)}
"""
        self.run(
            script,
            f"renaming {partial} to {name}",
            special={RC_EXISTS: (EXIT_REMOTE, f"releases/{name} already exists")},
        )

    def switch(self, name: str) -> None:
        tmp = f"{CURRENT}.tmp-{os.getpid()}"
        script = f"""
cd {self._p()} || exit 1
if [ -L {RELEASES}/{_q(name)} ]; then echo "releases/{name} is a symlink, not a release" >&2; exit {RC_VERIFY}; fi
[ -d {RELEASES}/{_q(name)} ] || {{ echo "releases/{name} not found" >&2; exit {RC_NO_RELEASE}; }}
if [ -e {CURRENT} ] && [ ! -L {CURRENT} ]; then echo "{CURRENT} exists and is not a symlink" >&2; exit {RC_NOT_SYMLINK}; fi
ln -sfn {RELEASES}/{_q(name)} {tmp} || exit 1
mv -T {tmp} {CURRENT} || {{ rm -f {tmp}; exit 1; }}
"""
        self.run(
            script,
            f"switching {CURRENT} to {name}",
            special={
                RC_NO_RELEASE: (EXIT_NO_RELEASE, f"releases/{name} not found"),
                RC_VERIFY: (EXIT_VERIFY, f"releases/{name} is a symlink, not a release"),
                RC_NOT_SYMLINK: (
                    EXIT_REMOTE,
                    f"{self.root}/{CURRENT} is a real directory/file, not a symlink; move it away once by hand",
                ),
            },
        )

    def release_markers(self) -> dict[str, dict]:
        script = f"""
cd {self._p(RELEASES)} 2>/dev/null || exit 0
for d in *; do [ -L "$d" ] && continue; [ -f "$d/{MARKER}" ] || continue; printf 'INFO %s ' "$d"; tr -d '\\n' < "$d/{MARKER}"; echo; done
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


_SUM_RE = re.compile(rb"^([0-9a-f]{64}) [ *]\./(.+)$", re.S)


def _parse_verify_output(out: bytes, what: str, target: Target) -> tuple[bytes, dict[bytes, str], list]:
    """(manifest, relative path -> sha256, [(path, kind)]) from the output of _verify_snippet."""
    head, sep, manifest = out.partition(b"\0KB-MANIFEST\0")
    records = head.split(b"\0")
    if not sep or records[0] != b"KB-ODD" or b"KB-SUMS" not in records:
        raise PublishError(EXIT_REMOTE, f"{what}: unexpected output from the host {out[:200]!r}", target)
    i = records.index(b"KB-SUMS")
    odd = [(r[2:] if r.startswith(b"./") else r, "symlink or special file") for r in records[1:i]]
    found = {}
    for r in records[i + 1 :]:
        m = _SUM_RE.match(r)
        if not m:
            raise PublishError(EXIT_REMOTE, f"{what}: unexpected sha256sum output {r[:200]!r}", target)
        found[m.group(2)] = m.group(1).decode()
    return manifest, found, odd


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
                owner = json.loads(line[len("LOCKINFO ") :])
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
            st.live = live_from_link(line[5:])
        elif line == "CURRENT_NOT_LINK":
            st.current_not_link = True
        elif line.startswith("DIR "):
            st.dirs.append(line[4:])
        elif line.startswith("LINK "):
            st.links.append(line[5:])
    held = _parse_lock_output(stdout)
    if any(line.startswith("HELD ") for line in stdout.splitlines()):
        st.lock = (held[1], held[2])
    return st
