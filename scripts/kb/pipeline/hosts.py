"""The rehearsal's publishing target: kb.testhosts' sshd + nginx on 127.0.0.1, and its check."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from kb import testhosts

from .reader import PipelineError


def publish_hosts(base: Path) -> tuple[dict[str, str], Callable[[str], tuple[bool, str]], Callable[[], None]]:
    """Start a throwaway sshd and nginx below `base`: (variables for the jobs, check, stop).

    check(sha) tells whether a new release of that commit went live since the last check
    and nginx serves it; stop() stops both servers and removes what nginx served."""
    try:
        testhosts.ensure_tools()
    except testhosts.HostsError as e:
        raise PipelineError(f"cannot start the test sshd/nginx: {e}") from None
    www = testhosts.world_readable_tmpdir("kb-ci-rehearsal-www-")  # nginx's workers (nobody) must read it
    served = www / "www"
    sshd = nginx = None
    try:
        sshd = testhosts.SSHServer(base / "s")
        nginx = testhosts.NginxServer(base / "n", served)
    except testhosts.HostsError as e:
        if sshd:
            sshd.stop()
        shutil.rmtree(www, ignore_errors=True)
        raise PipelineError(f"cannot start the test sshd/nginx: {e}") from None
    variables = {
        "KB_PUBLISH_TARGETS": sshd.target(served),
        "KB_SSH_KEY": str(sshd.client_key),
        "KB_KNOWN_HOSTS": str(sshd.known_hosts),
    }
    before = [""]

    def check(sha: str) -> tuple[bool, str]:
        """A new release of this commit is live and nginx serves it."""
        live = os.readlink(served / "current") if (served / "current").is_symlink() else ""
        status = nginx.get("/")[0]
        ok = live.endswith(sha[:12]) and live != before[0] and status == 200
        before[0] = live
        return ok, f"{'ok' if ok else 'NOT PUBLISHED'}: live {live or '-'}, nginx / -> {status}"

    def stop() -> None:
        nginx.stop()
        sshd.stop()
        shutil.rmtree(www, ignore_errors=True)

    return variables, check, stop
