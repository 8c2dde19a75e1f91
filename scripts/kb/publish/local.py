"""``LocalTarget``: a publish root in a directory of this machine."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time

from .errors import EXIT_ERROR, EXIT_NO_RELEASE, EXIT_REMOTE, EXIT_VERIFY, PublishError, classify_oserror
from .layout import CURRENT, LOCK_DIR, LOCK_INFO, MANIFEST, MARKER, RELEASES
from .manifest import check_release
from .rsync import rsync_base, run_rsync
from .target import State, Target, live_from_link
from .tree import scan


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
            for d in sorted(os.listdir(rel)):
                path = os.path.join(rel, d)
                if os.path.islink(path):  # never a release, never followed (a .partial-* one is unlinked)
                    st.links.append(d)
                elif os.path.isdir(path):
                    st.dirs.append(d)
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
                if os.path.islink(path):
                    os.unlink(path)  # the link only, never what it points to
                elif os.path.isdir(path):
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

    def verify(self, dirname: str, expected: bytes | None) -> int:
        base = self._j(RELEASES, dirname)
        what = f"verifying {dirname}"
        if os.path.islink(base):
            raise PublishError(EXIT_VERIFY, f"{what}: releases/{dirname} is a symlink, not a release", self)
        if not os.path.isdir(base):
            raise PublishError(EXIT_NO_RELEASE, f"{what}: releases/{dirname} not found", self)
        try:
            fd = os.open(os.path.join(base, MANIFEST), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as fh:
                manifest = fh.read()
            found, odd = scan(base, skip_top=os.fsencode(MANIFEST))
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise PublishError(EXIT_VERIFY, f"{what}: cannot read {MANIFEST} ({exc.strerror})", self) from exc
            raise _oserr(exc, what, self) from exc
        return check_release(what, dirname, manifest, found, odd, expected, self)

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
        if os.path.islink(self._j(RELEASES, name)):
            raise PublishError(EXIT_VERIFY, f"{what}: releases/{name} is a symlink, not a release", self)
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
            if os.path.islink(os.path.join(rel, d)):
                continue
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
