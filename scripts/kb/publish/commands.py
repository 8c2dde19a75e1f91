"""The sub-commands: publish (all targets, all-or-nothing switch), rollback and status (multi.py: --resume)."""

from __future__ import annotations

import os
import time
import uuid

from .errors import EXIT_MIXED, EXIT_NO_RELEASE, EXIT_OK, EXIT_REMOTE, PublishError, err, log, warn
from .layout import CURRENT, PARTIAL_PREFIX, RELEASES, prune_candidates, release_name_for
from .lock import describe_owner, lock_owner_info, lock_staleness
from .marker import validate_marker
from .multi import cmd_resume, lock_all, mixed, parse_targets, release_all, switch_back
from .snapshot import Snapshot, take_snapshot
from .target import State, Target


def cmd_publish(opts) -> int:
    if opts.resume:
        return cmd_resume(opts)
    site = os.path.abspath(opts.site_dir)
    validate_marker(site, opts.allow_dirty)  # refuse early, before copying anything
    targets = parse_targets(opts.targets, opts)
    snap = take_snapshot(site)
    try:
        # from here on only the snapshot is read: the marker published is the one checked
        marker = validate_marker(snap.path, opts.allow_dirty, label=site)
        log(
            f"site {site}: commit {marker['commit']}, built {marker.get('built_at')}, checks: "
            + ", ".join(f"{k}={v}" for k, v in sorted(marker["checks"].items()))
        )
        log(f"snapshot: {snap.files} files copied to {snap.path}; manifest made from the copy")
        return _publish(opts, snap, marker["commit"], targets)
    finally:
        snap.remove()


def _publish(opts, snap: Snapshot, commit: str, targets: list[Target]) -> int:
    token = uuid.uuid4().hex
    locked: list[Target] = []
    states: list[State] = []
    created: dict[int, str] = {}  # index -> partial or release dir we created (for cleanup)
    switched: list[tuple[Target, str | None]] = []
    all_switched = False
    name = release_name_for(commit)
    info = lock_owner_info(f"publish {commit[:12]}", token)
    try:
        # phase 0: lock every target and read its state
        states = lock_all(targets, info, opts, locked)
        before = mixed([(t.label, st.live) for t, st in zip(targets, states)])
        if before:
            log(f"{before}. This publish brings every target to its new release.")
        # release names sort chronologically; make the new one sort after every existing release
        # (two publishes within one second would otherwise order by commit hash)
        for _ in range(3):
            newest = max((r[:16] for st in states for r in st.releases), default="")
            if name[:16] > newest:
                break
            time.sleep(1.02 - (time.time() % 1))
            name = release_name_for(commit)
        if any(name in st.dirs + st.links for st in states):
            raise PublishError(EXIT_REMOTE, f"release {name} already exists on a target (clock skew?)")
        partial = PARTIAL_PREFIX + name

        # phase 1: upload + verify everywhere
        for i, t in enumerate(targets):
            st = states[i]
            if st.partials:
                t.progress(
                    f"removing {len(st.partials)} partial upload(s) left by an interrupted publish: "
                    + ", ".join(st.partials)
                )
                t.remove_dirs(st.partials, live_guard=False)
            link = st.live if st.live in st.releases else (st.releases[-1] if st.releases else None)
            t.progress(
                f"uploading to releases/{partial}" + (f" (hard-linking unchanged files from {link})" if link else "")
            )
            created[i] = partial
            started = time.time()
            stats = t.upload(snap.path, partial, link, opts.bwlimit)
            t.progress(f"upload done in {time.time() - started:.1f}s ({stats})")
            n = t.install_release(partial, name, snap.manifest)
            created[i] = name
            t.progress(f"verified {n} files (exactly the manifest, no link); release {name} ready")

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
        inconsistent = switch_back(switched)
        for i, dirname in created.items():
            t = targets[i]
            try:
                t.remove_dirs([dirname])
                t.progress(f"removed unswitched {dirname}")
            except PublishError:
                pass
        err(f"publish failed{where}: {exc.message}")
        if inconsistent:
            err(
                f"targets left on the NEW release {name}: {', '.join(inconsistent)}; "
                f"`status` shows the mixed state, `publish --resume` (or `rollback`) repairs it"
            )
        elif locked or created:
            err("no target was switched; the live release is unchanged on every target")
        return exc.code
    finally:
        release_all(locked, token)


def cmd_rollback(opts) -> int:
    t = parse_targets([opts.target], opts)[0]
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
                raise PublishError(
                    EXIT_NO_RELEASE, f"release {opts.release!r} not found; available: " + (", ".join(rel) or "none"), t
                )
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
        n = t.verify(goal, None)
        t.progress(f"verified {n} files (exactly the manifest, no link)")
        t.switch(goal)
        t.progress(f"switched {CURRENT} -> {RELEASES}/{goal} (was {st.live or 'none'})")
        log(f"rolled back {t.label} to {goal}")
        return EXIT_OK
    except PublishError as exc:
        exc.target = exc.target or t
        err(f"rollback failed on target {exc.target.label}: {exc.message}")
        return exc.code
    finally:
        release_all(locked, token)


def cmd_status(opts) -> int:
    rc = EXIT_OK
    lives: list[tuple[str, str | None]] = []
    for t in parse_targets(opts.targets, opts):
        try:
            st = t.state()
            lives.append((t.label, st.live))
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
                log(
                    "  no live release (current is missing)"
                    if not st.current_not_link
                    else "  current is not a symlink!"
                )
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
    message = mixed(lives)
    if message:
        log(message)
        rc = rc or EXIT_MIXED
    elif len(lives) > 1 and rc == EXIT_OK:
        log(f"all {len(lives)} targets are on {lives[0][1] or '(no live release)'}")
    return rc
