"""``LocalTarget``: a publish root in a directory of this machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import time

from .errors import EXIT_ERROR, EXIT_NO_RELEASE, EXIT_REMOTE, EXIT_VERIFY, PublishError, classify_oserror
from .layout import CURRENT, LOCK_DIR, LOCK_INFO, MANIFEST, MARKER, RELEASES
from .manifest import sha256_file
from .rsync import rsync_base, run_rsync
from .target import State, Target, live_from_link


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
            raise _oserr(exc, "taking lock", self) from exc

    def break_lock(self) -> None:
        lock = self._j(LOCK_DIR)
        tmp = f"{lock}.broken-{os.getpid()}"
        try:
            os.rename(lock, tmp)
            shutil.rmtree(tmp)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _oserr(exc, "breaking stale lock", self) from exc

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
            st.live = live_from_link(st.live_raw)
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
                raise _oserr(exc, "removing old releases", self) from exc

    def upload(self, site_dir: str, partial: str, link_dest: str | None, bwlimit: int | None) -> str:
        argv = rsync_base(bwlimit)
        if link_dest:
            argv.append(f"--link-dest={self._j(RELEASES, link_dest)}")
        argv += [site_dir.rstrip("/") + "/", self._j(RELEASES, partial) + "/"]
        return run_rsync(argv, self, "upload")

    def put_manifest(self, partial: str, data: bytes) -> None:
        try:
            path = self._j(RELEASES, partial, MANIFEST)
            with open(path, "wb") as fh:
                fh.write(data)
            os.chmod(path, 0o644)
        except OSError as exc:
            raise _oserr(exc, "writing manifest", self) from exc

    def verify(self, dirname: str, expected: int | None) -> None:
        base = self._j(RELEASES, dirname)
        what = f"verifying {dirname}"
        if not os.path.isdir(base):
            raise PublishError(EXIT_NO_RELEASE, f"{what}: releases/{dirname} not found", self)
        try:
            with open(os.path.join(base, MANIFEST), "rb") as fh:
                lines = fh.read().splitlines()
        except OSError as exc:
            raise PublishError(EXIT_VERIFY, f"{what}: cannot read {MANIFEST} ({exc})", self) from exc
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
            raise PublishError(
                EXIT_VERIFY, f"{what}: sha256 verification MISMATCH in releases/{dirname}: " + "; ".join(bad[:10]), self
            )
        if expected is not None:
            n = sum(
                1 for dp, _, fs in os.walk(base) for f in fs if os.path.relpath(os.path.join(dp, f), base) != MANIFEST
            )
            if n != expected:
                raise PublishError(EXIT_VERIFY, f"{what}: expected {expected} files, found {n}", self)

    def finalize(self, partial: str, name: str) -> None:
        dst = self._j(RELEASES, name)
        if os.path.exists(dst):
            raise PublishError(EXIT_REMOTE, f"releases/{name} already exists", self)
        try:
            os.rename(self._j(RELEASES, partial), dst)
        except OSError as exc:
            raise _oserr(exc, f"renaming {partial} to {name}", self) from exc

    def switch(self, name: str) -> None:
        what = f"switching {CURRENT} to {name}"
        if not os.path.isdir(self._j(RELEASES, name)):
            raise PublishError(EXIT_NO_RELEASE, f"{what}: releases/{name} not found", self)
        cur = self._j(CURRENT)
        if os.path.exists(cur) and not os.path.islink(cur):
            raise PublishError(
                EXIT_REMOTE, f"{what}: {cur} is a real directory/file, not a symlink; move it away once by hand", self
            )
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
            raise _oserr(exc, what, self) from exc

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
