"""What a target holds (``State``) and the ``Target`` base class with the logic shared by all targets."""

from __future__ import annotations

from .errors import EXIT_LOCK_HELD, EXIT_LOCK_STALE, PublishError, log
from .layout import LOCK_DIR, MANIFEST, PARTIAL_PREFIX, RELEASE_RE
from .lock import describe_owner, lock_staleness


class State:
    def __init__(self) -> None:
        self.exists = True
        self.live: str | None = None
        self.live_raw = ""
        self.current_not_link = False
        self.dirs: list[str] = []  # real directories in releases/
        self.links: list[str] = []  # symlinks in releases/ (never a release; .partial-* ones are removed)
        self.lock: tuple[dict | None, float] | None = None

    @property
    def releases(self) -> list[str]:
        return sorted(d for d in self.dirs if RELEASE_RE.match(d))

    @property
    def partials(self) -> list[str]:
        return sorted(d for d in self.dirs + self.links if d.startswith(PARTIAL_PREFIX))

    @property
    def others(self) -> list[str]:
        rest = [d for d in self.dirs if not RELEASE_RE.match(d) and not d.startswith(PARTIAL_PREFIX)]
        return sorted(rest + [f"{n} (symlink)" for n in self.links if not n.startswith(PARTIAL_PREFIX)])


def live_from_link(raw: str) -> str | None:
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
    def verify(self, dirname: str, expected: bytes | None) -> int:
        """Check releases/<dirname> against its manifest in both directions (see manifest.py):
        exactly the listed files with their sha256, nothing else but directories. ``expected``:
        the manifest that must be there (publish); None: the one found there (rollback).
        Returns the number of files."""

    def finalize(self, partial: str, name: str) -> None: ...
    def switch(self, name: str) -> None: ...
    def release_markers(self) -> dict[str, dict]: ...

    # shared logic -----------------------------------------------------------
    _lock_state: State | None = None

    def state_after_lock(self) -> State:
        """State read together with the lock (SSH: same round trip), else a fresh read."""
        st, self._lock_state = self._lock_state, None
        return st or self.state()

    def install_release(self, partial: str, name: str, manifest: bytes) -> int:
        """Write the manifest into the upload, verify it on the target, rename it to the release name."""
        self.put_manifest(partial, manifest)
        self.progress(f"manifest {MANIFEST} written; verifying sha256 on target")
        n = self.verify(partial, manifest)
        self.finalize(partial, name)
        return n

    def acquire(self, info: dict, break_stale: bool, stale_after: int) -> None:
        ok, owner, age = self.try_lock(info)
        if ok:
            self.progress(f"lock acquired ({self.root}/{LOCK_DIR})")
            return
        reason = lock_staleness(owner, age, stale_after)
        if reason is None:
            raise PublishError(
                EXIT_LOCK_HELD,
                f"lock held on {self.label}: another publish/rollback is running "
                f"({describe_owner(owner)}); lock: {self.root}/{LOCK_DIR}. "
                f"Wait for it to finish. If that run is certainly dead (e.g. a cancelled CI "
                f"job on another machine), re-run with --break-stale-lock --stale-after 0.",
                self,
            )
        if not break_stale:
            raise PublishError(
                EXIT_LOCK_STALE,
                f"stale lock on {self.label}: {reason}; left by {describe_owner(owner)}. "
                f"Make sure no publish is running, then re-run with --break-stale-lock "
                f"(or remove {self.root}/{LOCK_DIR} by hand).",
                self,
            )
        self.progress(f"breaking stale lock: {reason}; was {describe_owner(owner)}")
        self.break_lock()
        ok, owner, age = self.try_lock(info)
        if not ok:
            raise PublishError(
                EXIT_LOCK_HELD,
                f"lock on {self.label} was taken by someone else while breaking the stale "
                f"one ({describe_owner(owner)})",
                self,
            )
        self.progress(f"lock acquired ({self.root}/{LOCK_DIR})")
