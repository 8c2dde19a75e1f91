"""The sub-commands: publish (all targets, all-or-nothing switch), rollback and status."""

from __future__ import annotations

import os
import time
import uuid

from .errors import EXIT_ERROR, EXIT_NO_RELEASE, EXIT_OK, EXIT_REMOTE, EXIT_USAGE, PublishError, err, log, warn
from .layout import CURRENT, PARTIAL_PREFIX, RELEASES, prune_candidates, release_name_for
from .lock import describe_owner, lock_owner_info, lock_staleness
from .manifest import build_manifest
from .marker import validate_marker
from .spec import parse_target
from .target import State, Target


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
    log(
        f"site {site}: commit {commit}, built {marker.get('built_at')}, checks: "
        + ", ".join(f"{k}={v}" for k, v in sorted(marker["checks"].items()))
    )
    manifest, nfiles = build_manifest(site)
    log(f"manifest: {nfiles} files")
    targets = [parse_target(s, opts) for s in opts.targets]
    labels = [t.label for t in targets]
    if len(set(labels)) != len(labels):
        raise PublishError(EXIT_USAGE, "the same target is given twice")

    token = uuid.uuid4().hex
    locked: list[Target] = []
    states: dict[int, State] = {}
    created: dict[int, str] = {}  # index -> partial or release dir we created (for cleanup)
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
                raise PublishError(
                    EXIT_REMOTE, f"{t.root}/{CURRENT} exists but is not a symlink; move it away once by hand", t
                )
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
            err(
                f"targets left on the NEW release {name}: {', '.join(inconsistent)}; "
                f"check with `status` and use `rollback`"
            )
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
    return rc
