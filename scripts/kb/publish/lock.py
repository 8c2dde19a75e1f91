"""Lock helpers: the owner record written into the lock and the rules for a stale lock.

The lock records the *publisher's* pid/host (not the target's), so staleness is
decided for sure only when the lock was taken on this machine.
"""

from __future__ import annotations

import datetime as dt
import os
import socket


def _proc_start(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            data = fh.read()
        fields = data[data.rfind(")") + 2 :].split()
        return fields[19]  # field 22 (starttime); fields[0] is field 3
    except (OSError, IndexError):
        return None


def _proc_state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            data = fh.read()
        return data[data.rfind(")") + 2 :].split()[0]
    except (OSError, IndexError):
        return None


def lock_owner_info(action: str, token: str) -> dict:
    now = dt.datetime.now(dt.UTC)
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
    return (
        f"pid {owner.get('pid')} on host {owner.get('host')} (user {owner.get('user')}), "
        f"started {owner.get('started')}, {owner.get('action', '')}".rstrip(", ")
    )
