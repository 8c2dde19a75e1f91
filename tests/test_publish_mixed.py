"""Several targets: a publish hard-killed between two switches, how `status` shows it, how it is repaired.

Against the real sshd and nginx of tests/test_publish.py (its ``infra`` fixture, a fresh
instance for this module). The kill is real: the publish runs in a child Python whose
second ``switch`` SIGKILLs the process (the wrapping lives in this test, not in the code).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import publish_helpers as H
import pytest
from test_publish import LOCK_STALE, NO_RELEASE, OK, infra, live, publish, releases, site, ssh_args

__all__ = ["infra"]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="publish tests need Linux (sshd, nginx)")

MIXED = 13  # "targets disagree" (scripts/kb/publish/errors.py, scripts/deploy/README.md)

KILL_ON_SECOND_SWITCH = """
import os, signal, sys
from kb.publish.target import Target
from kb.publish.local import LocalTarget
from kb.publish.ssh import SSHTarget
calls = []
def wrap(cls):
    orig = cls.switch
    def switch(self, name):
        calls.append(self.label)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # hard kill between the first and the second switch
        return orig(self, name)
    cls.switch = switch
wrap(SSHTarget)
wrap(LocalTarget)
from kb.publish.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def killed_between_switches(infra, site_dir, *targets) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [sys.executable, "-c", KILL_ON_SECOND_SWITCH, "publish", str(site_dir), *targets, *ssh_args(infra)],
        capture_output=True,
        text=True,
        env=H.clean_env(),
        timeout=120,
    )
    assert p.returncode == -signal.SIGKILL, (p.returncode, p.stdout, p.stderr)
    return p


def test_kill_between_switches_is_shown_by_status_and_repaired_by_resume(infra, tmp_path):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    other = tmp_path / "host1"
    t1, t2 = sshd.target(other), sshd.target(served)  # t2 is the one nginx serves
    publish(infra, site(infra, "mix-old"), t1, t2)
    old = live(served)
    assert live(other) == old

    killed_between_switches(infra, site(infra, "mix-new"), t1, t2)
    new = live(other)
    assert new != old and live(served) == old, "host 1 on the new release, host 2 on the old one"
    assert new in releases(served), "the new release was installed (verified) on host 2 before the switches"
    assert b"mix-old" in nginx.get("/")[2]

    # status over both targets shows the mixed state and exits non-zero
    p = H.run_publish("status", t1, t2, *ssh_args(infra))
    assert p.returncode == MIXED, (p.stdout, p.stderr)
    text = p.stdout + p.stderr
    assert "mixed state" in text.lower(), text
    assert f"{t1} on {new}" in text and f"{t2} on {old}" in text, text
    assert "publish --resume" in text, text
    # each target alone looks complete (that is why only a multi-target status can tell)
    assert H.run_publish("status", t2, *ssh_args(infra)).returncode == OK

    # the killed run left its locks: resume reports them like publish does, then breaks them on request
    p = H.run_publish("publish", "--resume", t1, t2, *ssh_args(infra))
    assert p.returncode == LOCK_STALE and "--break-stale-lock" in p.stderr, (p.stdout, p.stderr)
    assert live(served) == old
    p = H.run_publish("publish", "--resume", t1, t2, "--break-stale-lock", *ssh_args(infra))
    assert p.returncode == OK, (p.stdout, p.stderr)
    assert live(other) == live(served) == new
    assert b"mix-new" in nginx.get("/")[2]
    assert H.tree_digest(other / "current") == H.tree_digest(served / "current")
    p = H.run_publish("status", t1, t2, *ssh_args(infra))
    assert p.returncode == OK and "mixed" not in p.stdout.lower(), p.stdout
    # resuming agreeing targets changes nothing
    p = H.run_publish("publish", "--resume", t1, t2, *ssh_args(infra))
    assert p.returncode == OK and live(served) == new, (p.stdout, p.stderr)


def test_next_publish_brings_mixed_targets_together(infra, tmp_path):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    local = tmp_path / "mirror"
    t1, t2 = str(local), sshd.target(served)
    publish(infra, site(infra, "np-1"), t1, t2)
    killed_between_switches(infra, site(infra, "np-2"), t1, t2)
    assert live(local) != live(served)
    p = H.run_publish("status", t1, t2, *ssh_args(infra))
    assert p.returncode == MIXED, (p.stdout, p.stderr)
    p = publish(infra, site(infra, "np-3"), t1, t2, extra=["--break-stale-lock"])
    assert "mixed" in p.stdout.lower(), p.stdout  # said, not silently fixed
    assert live(local) == live(served) and b"np-3" in nginx.get("/")[2]
    assert H.run_publish("status", t1, t2, *ssh_args(infra)).returncode == OK


def test_resume_refuses_when_a_target_lacks_the_release(infra, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    publish(infra, site(infra, "lack-1"), str(a), str(b))
    publish(infra, site(infra, "lack-2"), str(a))  # only a: b never received it
    assert live(a) != live(b)
    before_b = live(b)
    p = H.run_publish("status", str(a), str(b))
    assert p.returncode == MIXED
    p = H.run_publish("publish", "--resume", str(a), str(b))
    assert p.returncode == NO_RELEASE, (p.stdout, p.stderr)
    assert live(a) in p.stderr and str(b) in p.stderr and "publish" in p.stderr, p.stderr
    assert live(b) == before_b
    # a release damaged on the lagging target is verified before any switch: nothing switched
    publish(infra, site(infra, "lack-3"), str(a), str(b))
    goal = live(a)
    p = H.run_publish("rollback", str(b))
    assert p.returncode == OK and live(b) != goal
    (b / "releases" / goal / "index.html").write_text("tampered")
    p = H.run_publish("publish", "--resume", str(a), str(b))
    assert p.returncode == 8 and "MISMATCH" in p.stderr, (p.stdout, p.stderr)
    assert live(b) != goal
    assert not os.path.exists(b / ".kb-publish.lock") and not os.path.exists(a / ".kb-publish.lock")
