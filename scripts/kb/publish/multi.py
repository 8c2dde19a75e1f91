"""Several targets at once: locking them all, switching them back, telling and repairing a mixed state.

A *mixed state* is targets that are each complete (every ``current`` points at a verified
release) but not on the same release: a publish hard-killed (SIGKILL, runner lost) between
two switches, or a rollback of one target only. ``status`` over several targets reports it
(exit 13); ``publish --resume`` brings every target to the newest live release among them,
after verifying it there; any later successful ``publish`` brings them together too.
"""

from __future__ import annotations

import os
import uuid

from .errors import EXIT_NO_RELEASE, EXIT_OK, EXIT_REMOTE, EXIT_USAGE, PublishError, err, log, warn
from .layout import CURRENT, MARKER, RELEASE_RE, RELEASES
from .lock import lock_owner_info
from .spec import parse_target
from .target import State, Target


def release_all(locked: list[Target], token: str) -> None:
    for t in locked:
        try:
            t.unlock(token)
            t.progress("lock released")
        except PublishError as exc:
            warn(f"could not release lock on {t.label}: {exc.message}")


def parse_targets(specs: list[str], opts) -> list[Target]:
    targets = [parse_target(s, opts) for s in specs]
    labels = [t.label for t in targets]
    if len(set(labels)) != len(labels):
        raise PublishError(EXIT_USAGE, "the same target is given twice")
    return targets


def lock_all(targets: list[Target], info: dict, opts, locked: list[Target]) -> list[State]:
    """Lock every target (appending it to ``locked``) and read its state."""
    states = []
    for t in targets:
        t.progress("connecting, taking lock")
        t.acquire(info, opts.break_stale_lock, opts.stale_after)
        locked.append(t)
        st = t.state_after_lock()
        if st.current_not_link:
            raise PublishError(
                EXIT_REMOTE, f"{t.root}/{CURRENT} exists but is not a symlink; move it away once by hand", t
            )
        states.append(st)
        t.progress(f"live release: {st.live or '(none)'}; {len(st.releases)} release(s) on target")
    return states


def switch_back(switched: list[tuple[Target, str | None]]) -> list[str]:
    """Switch targets back to their previous release (newest switch first); the labels that could not be."""
    inconsistent = []
    for t, prev in reversed(switched):
        try:
            if not prev:
                raise PublishError(EXIT_NO_RELEASE, "it had no previous release")
            t.switch(prev)
            t.progress(f"switched back to {prev}")
        except PublishError as exc2:
            inconsistent.append(t.label)
            warn(f"could not switch {t.label} back to {prev}: {exc2.message}")
    return inconsistent


def mixed(lives: list[tuple[str, str | None]]) -> str | None:
    """The mixed-state message when the targets' live releases differ, else None."""
    if len(lives) < 2 or len({live for _, live in lives}) < 2:
        return None
    where = ", ".join(f"{label} on {live or '(no live release)'}" for label, live in lives)
    specs = " ".join(label for label, _ in lives)
    return (
        f"MIXED STATE: the targets disagree: {where}. Each target serves a complete release, but not the "
        f"same one (a publish killed between two switches, or a rollback of one target only). Bring them "
        f"together: `publish.py publish --resume {specs}` (switches every target to the newest live release "
        f"after verifying it there; add --break-stale-lock if the killed run left its lock), or publish a site "
        f"again, or roll back each target to the same release"
    )


def cmd_resume(opts) -> int:
    """publish --resume TARGET...: bring every target to the newest live release among them."""
    for spec in opts.targets:
        if os.path.isfile(os.path.join(spec, MARKER)):
            raise PublishError(
                EXIT_USAGE, f"{spec!r} is a site (it holds {MARKER}); publish --resume takes TARGETs only"
            )
    targets = parse_targets(opts.targets, opts)
    token = uuid.uuid4().hex
    locked: list[Target] = []
    try:
        states = lock_all(targets, lock_owner_info("publish --resume", token), opts, locked)
        lives = [(t.label, st.live) for t, st in zip(targets, states)]
        message = mixed(lives)
        if not message:
            log(f"every target is on {states[0].live or '(no live release)'}; nothing to resume")
            return EXIT_OK
        log(message)
        candidates = sorted((live, label) for label, live in lives if live and RELEASE_RE.match(live))
        if not candidates:
            raise PublishError(EXIT_NO_RELEASE, "no target has a live release to resume to; publish a site")
        goal, holder = candidates[-1]
        log(f"resuming: bringing every target to {goal} (the newest live release, on {holder})")
        lagging = [(t, st) for t, st in zip(targets, states) if st.live != goal]
        missing = [t.label for t, st in lagging if goal not in st.releases]
        if missing:
            raise PublishError(
                EXIT_NO_RELEASE,
                f"cannot resume: release {goal} (live on {holder}) is not on {', '.join(missing)}; "
                f"publish the site again (a publish brings every target to one new release), "
                f"or roll back {holder} to the release the others have",
            )
        for t, _ in lagging:  # verify everywhere before the first switch
            t.progress(f"verifying sha256 of {goal} on target")
            n = t.verify(goal, None)
            t.progress(f"verified {n} files")
        switched: list[tuple[Target, str | None]] = []
        try:
            for t, st in lagging:
                t.switch(goal)
                switched.append((t, st.live))
                t.progress(f"switched {CURRENT} -> {RELEASES}/{goal} (was {st.live or 'none'})")
        except PublishError:
            if switch_back(switched):
                err("some targets could not be switched back; check with `status`")
            raise
        log(f"resumed: every target ({len(targets)}) is on {goal}")
        return EXIT_OK
    except PublishError as exc:
        where = f" on target {exc.target.label}" if exc.target else ""
        err(f"publish --resume failed{where}: {exc.message}")
        return exc.code
    finally:
        release_all(locked, token)
