"""Helpers for the publishing tests: the pytest layer over kb.testhosts, and publish.py runs.

The throwaway sshd + nginx on 127.0.0.1 and the fake sites are kb.testhosts (product
code, also used by the CI rehearsal); here its HostsError becomes pytest.skip (tools
missing and not installable) or pytest.fail, as the tests expect.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kb import testhosts
from kb.testhosts import (  # noqa: F401  (re-exported for the tests)
    FILLER,
    MAIN_NGINX_CONF,
    NGINX_CONF,
    SBIN,
    HostsError,
    NginxServer,
    SSHServer,
    ToolsMissing,
    free_port,
    keygen,
    make_site,
    random_commit,
    stop,
    wait_port,
    which,
    world_readable_tmpdir,
)

REPO = Path(__file__).resolve().parents[1]
PUBLISH = REPO / "scripts" / "publish.py"


def ensure_tools() -> None:
    """Install openssh-server, nginx and rsync with apt if missing (root only); else skip or fail."""
    try:
        testhosts.ensure_tools()
    except ToolsMissing as e:
        pytest.skip(str(e))
    except HostsError as e:
        pytest.fail(str(e))


def tree_digest(path: Path) -> dict[str, str]:
    """relative path -> sha256 of every file below path (following the top-level symlink)."""
    real = Path(os.path.realpath(path))
    out = {}
    for dp, _, files in os.walk(real):
        for f in files:
            full = Path(dp) / f
            out[str(full.relative_to(real))] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


# temp dir for the publish subprocesses (ssh control sockets of hard-killed runs end up here)
PUBLISH_TMPDIR: list[str] = []


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    if PUBLISH_TMPDIR:
        env["TMPDIR"] = PUBLISH_TMPDIR[0]
    env.update(extra)
    return env


def publish_cmd(*args: str) -> list[str]:
    return [sys.executable, str(PUBLISH), *args]


def run_publish(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(publish_cmd(*args), capture_output=True, text=True, env=env or clean_env(), timeout=timeout)


def kill_group(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    proc.wait(10)
