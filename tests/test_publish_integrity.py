"""What gets published is exactly the checked site: no symlink, no extra or missing file, any file name.

Against the real sshd and nginx of tests/test_publish.py (its ``infra`` fixture, a fresh
instance for this module). Some tests run ``kb.publish.cli.main`` in-process so that a
step of the publish can be wrapped (a symlink planted while the lock is held, a release
tampered with on the host right after its upload) without any test hook in the code.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import publish_helpers as H
import pytest
from test_publish import DISK_FULL, OK, SITE, USAGE, VERIFY, infra, live, publish, releases, site, ssh_args

from kb.publish import cli
from kb.publish.local import LocalTarget
from kb.publish.ssh import SSHTarget
from kb.publish.target import Target

__all__ = ["infra"]  # the module-scoped fixture, used by every test here

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="publish tests need Linux (sshd, nginx)")

PASSWD = Path("/etc/passwd").read_bytes()


def run_inprocess(*argv: str) -> tuple[int, str, str]:
    """kb.publish.cli.main(argv) in this process; (exit code, stdout, stderr)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli.main(list(argv))
    finally:
        for s, h in saved.items():
            signal.signal(s, h)
    return rc, out.getvalue(), err.getvalue()


def links_and_specials(root: Path) -> list[str]:
    out = []
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            p = Path(dp) / n
            if p.is_symlink() or not (p.is_dir() or p.is_file()):
                out.append(str(p.relative_to(root)))
    return out


def not_passwd(nginx, path: str) -> None:
    status, _, body = nginx.get(path)
    assert PASSWD not in body and b"root:" not in body, f"nginx served a file outside the release at {path}"
    assert status == 404, (path, status)


# --- item 6: symlinks --------------------------------------------------------------------------


def test_symlink_planted_after_the_site_check_is_not_shipped(infra, monkeypatch):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    target = sshd.target(served)
    s = site(infra, "planted")
    orig = Target.acquire

    def acquire_then_plant(self, *a, **k):
        orig(self, *a, **k)
        # the site passed its check; while publish holds the lock, someone plants links
        os.symlink("/etc/passwd", s / "leak.txt")
        os.symlink("/etc", s / "assets" / "etc")
        (s / "en" / "index.html").write_text("rewritten after the check")

    monkeypatch.setattr(Target, "acquire", acquire_then_plant)
    rc, out, err = run_inprocess("publish", str(s), target, *ssh_args(infra))
    monkeypatch.undo()
    assert rc == OK, (rc, out, err)  # published from the snapshot taken before the links appeared
    assert links_and_specials(served / "current") == [], "a symlink was shipped into the release"
    not_passwd(nginx, "/leak.txt")
    not_passwd(nginx, "/assets/etc/passwd")
    assert b"planted" in nginx.get("/")[2] and "planted" in nginx.text("/guide/")
    assert "rewritten" not in nginx.text("/en/") and "planted" in nginx.text("/en/")  # the snapshot's bytes


def test_symlinks_and_special_files_in_the_site_are_refused(infra, tmp_path):
    for kind in ("link-file", "link-dir", "dangling", "fifo", "link-top"):
        s = site(infra, f"refuse-{kind}")
        if kind == "link-file":
            os.symlink("/etc/passwd", s / "en" / "p.txt")
        elif kind == "link-dir":
            os.symlink("/etc", s / "assets" / "etc")
        elif kind == "dangling":
            os.symlink("nowhere", s / "assets" / "gone")
        elif kind == "fifo":
            os.mkfifo(s / "search" / "pipe")
        else:
            os.symlink("index.html", s / "home.html")
        p = H.run_publish("publish", str(s), str(tmp_path / "root"))
        assert p.returncode == SITE, (kind, p.stdout, p.stderr)
        assert "refusing" in p.stderr and ("symlink" in p.stderr or "not a regular file" in p.stderr), p.stderr
        assert not (tmp_path / "root").exists()


def test_nginx_does_not_follow_symlinks_inside_a_release(infra):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    publish(infra, site(infra, "nginx-links"), sshd.target(served))
    cur = served / "current"
    planted = [cur / "leak.txt", cur / "etcdir", cur / "en" / "leak.html"]
    try:
        os.symlink("/etc/passwd", planted[0])
        os.symlink("/etc", planted[1])
        os.symlink("../../../../../../../etc/passwd", planted[2])
        for path in ("/leak.txt", "/etcdir/passwd", "/en/leak.html"):
            not_passwd(nginx, path)
        # the site itself (served through the "current" symlink) still is
        assert nginx.get("/")[0] == 200 and b"nginx-links" in nginx.get("/")[2]
        assert nginx.get("/en/")[0] == 200 and nginx.get("/guide/")[0] == 200
        assert nginx.get("/assets/x.abc12345.min.css")[0] == 200
        st, _, body = nginx.get("/nope")
        assert st == 404 and b"zh-404" in body
    finally:
        for p in planted:
            if p.is_symlink():
                p.unlink()


# --- items 6 and 8: the host checks the release against the manifest in both directions ------


TAMPER = {
    "extra-symlink": lambda d: os.symlink("/etc/passwd", d / "leak.txt"),
    "extra-dir-symlink": lambda d: os.symlink("/etc", d / "assets" / "etc"),
    "fifo": lambda d: os.mkfifo(d / "en" / "pipe"),
    # a listed file replaced by a link to identical bytes, plus one extra file: the counts still agree
    "same-bytes-link-plus-extra": lambda d: (
        (d.parent.parent / "elsewhere.html").write_bytes((d / "404.html").read_bytes()),
        (d / "404.html").unlink(),
        os.symlink(str(d.parent.parent / "elsewhere.html"), d / "404.html"),
        (d / "extra.html").write_text("x"),
    ),
    "extra-file": lambda d: (d / "assets" / "extra.js").write_text("alert(1)"),
    "missing-file": lambda d: (d / "en" / "404.html").unlink(),
}


@pytest.mark.parametrize("kind", ["ssh", "local"])
def test_upload_tampered_on_the_host_is_refused(infra, tmp_path, monkeypatch, kind):
    sshd, served = infra["sshd"], infra["served"]
    root = served if kind == "ssh" else tmp_path / "localroot"
    target = sshd.target(root) if kind == "ssh" else str(root)
    publish(infra, site(infra, f"tamper-base-{kind}"), target)
    before, rel_before = live(root), releases(root)
    cls = SSHTarget if kind == "ssh" else LocalTarget
    orig = cls.upload
    for case, tamper in TAMPER.items():

        def upload_then_tamper(self, site_dir, partial, link_dest, bwlimit, _tamper=tamper):
            stats = orig(self, site_dir, partial, link_dest, bwlimit)
            _tamper(root / "releases" / partial)
            return stats

        monkeypatch.setattr(cls, "upload", upload_then_tamper)
        rc, out, err = run_inprocess("publish", str(site(infra, f"tamper-{case}")), target, *ssh_args(infra))
        monkeypatch.undo()
        assert rc == VERIFY, (case, rc, out, err)
        assert "MISMATCH" in err, (case, err)
        stray = root / "elsewhere.html"
        if stray.exists():
            stray.unlink()
        assert live(root) == before and releases(root) == rel_before, case
        assert not [d for d in os.listdir(root / "releases") if d.startswith(".")], case


@pytest.mark.parametrize("kind", ["ssh", "local"])
def test_rollback_refuses_a_release_with_added_or_linked_entries(infra, tmp_path, kind):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    root = served if kind == "ssh" else tmp_path / "rbroot"
    target = sshd.target(root) if kind == "ssh" else str(root)
    publish(infra, site(infra, f"rb-a-{kind}"), target)
    old = live(root)
    publish(infra, site(infra, f"rb-b-{kind}"), target)
    new = live(root)
    old_dir = root / "releases" / old
    cases = {
        "added file": old_dir / "added.html",
        "added file in a subdirectory": old_dir / "en" / "added.html",
        "symlink": old_dir / "leak.txt",
        "symlinked directory": old_dir / "etc",
        "fifo": old_dir / "pipe",
    }
    for case, path in cases.items():
        if case.startswith("added"):
            path.write_text("<script>alert(1)</script>")
        elif case == "symlink":
            os.symlink("/etc/passwd", path)
        elif case == "symlinked directory":
            os.symlink("/etc", path)
        else:
            os.mkfifo(path)
        p = H.run_publish("rollback", target, old, *ssh_args(infra))
        assert p.returncode == VERIFY, (case, p.stdout, p.stderr)
        assert "MISMATCH" in p.stderr and path.name in p.stderr, (case, p.stderr)
        assert live(root) == new, case
        path.unlink()
        if kind == "ssh":
            assert nginx.get("/added.html")[0] == 404
    # untouched again: the rollback is accepted and serves the old release
    p = H.run_publish("rollback", target, old, *ssh_args(infra))
    assert p.returncode == OK, (p.stdout, p.stderr)
    assert live(root) == old
    if kind == "ssh":
        assert b"rb-a-ssh" in nginx.get("/")[2]
    # a release directory that is itself a symlink is never verified through, nor switched to
    fake = "20000101T000000Z-0123456789ab"
    os.symlink(str(old_dir), root / "releases" / fake)
    try:
        p = H.run_publish("rollback", target, fake, *ssh_args(infra))
        assert p.returncode != OK and live(root) == old, (p.stdout, p.stderr)
    finally:
        (root / "releases" / fake).unlink()


# --- item 9: awkward names, targets, leftovers, disk full ----------------------------------------

AWKWARD = ["-", "-n", "--help", "cr\r", " lead space", "trail space ", "back\\slash", "nl\nname", "tab\tname", "é中"]


def test_awkward_file_names_are_published_and_verified(infra, tmp_path):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    s = site(infra, "awkward")
    for i, name in enumerate(AWKWARD):
        (s / name).write_text(f"file {i}\n")
        (s / "en" / name).write_text(f"en file {i}\n")
    local = tmp_path / "awk-local"
    p = H.run_publish("publish", str(s), sshd.target(served), str(local), *ssh_args(infra))
    assert p.returncode == OK, (p.stdout, p.stderr)
    for root in (served, local):
        cur = root / "current"
        for i, name in enumerate(AWKWARD):
            assert (cur / name).read_text() == f"file {i}\n", (root, name)
            assert (cur / "en" / name).read_text() == f"en file {i}\n"
    assert nginx.get("/-")[2] == b"file 0\n"
    awkward_release = live(served)
    # a later rollback to it verifies it again on the host (SSH) and in Python (local)
    publish(infra, site(infra, "after-awkward"), sshd.target(served), str(local))
    for target in (sshd.target(served), str(local)):
        p = H.run_publish("rollback", target, *ssh_args(infra))
        assert p.returncode == OK, (target, p.stdout, p.stderr)
    assert live(served) == awkward_release == live(local)
    # a damaged awkward file is still a mismatch, named in the message
    publish(infra, site(infra, "after-awkward-2"), sshd.target(served))
    (served / "releases" / awkward_release / "cr\r").write_text("changed\n")
    p = H.run_publish("rollback", sshd.target(served), awkward_release, *ssh_args(infra))
    assert p.returncode == VERIFY and "cr\\r" in p.stderr, (p.stdout, p.stderr)


def test_target_user_or_host_beginning_with_a_dash_is_a_usage_error(infra, tmp_path):
    sshd = infra["sshd"]
    s = site(infra, "dash-user")
    for spec in (
        f"-oProxyCommand@127.0.0.1:{sshd.port}:{tmp_path}/x",
        f"-x@127.0.0.1:{sshd.port}:{tmp_path}/x",
        f"-F:{tmp_path}/x",
        f"{sshd.user}@-x:{tmp_path}/x",
        f"{sshd.user}@-oProxyCommand:{sshd.port}:{tmp_path}/x",
    ):
        # "--" ends the options, so argparse hands the spec over as a TARGET
        for argv in (("publish", str(s), "--", spec), ("status", "--", spec), ("rollback", "--", spec)):
            p = H.run_publish(argv[0], *ssh_args(infra), *argv[1:])
            assert p.returncode == USAGE, (spec, argv[0], p.stdout, p.stderr)
            assert "bad target" in p.stderr and "'-'" in p.stderr, p.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("kind", ["local", "ssh"])
def test_leftover_partial_symlink_is_removed_not_followed(infra, tmp_path, kind):
    sshd = infra["sshd"]
    root = tmp_path / f"partial-{kind}"
    target = str(root) if kind == "local" else sshd.target(root)
    publish(infra, site(infra, "pl-1"), target)
    victim = tmp_path / f"victim-{kind}"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "precious.txt").write_text("keep me")
    (tmp_path / "victim-file").write_text("keep me too")
    rel = root / "releases"
    os.symlink(str(victim), rel / ".partial-20200101T000000Z-aaaaaaaaaaaa")
    os.symlink(str(tmp_path / "victim-file"), rel / ".partial-20200101T000001Z-bbbbbbbbbbbb")
    os.symlink("nowhere", rel / ".partial-20200101T000002Z-cccccccccccc")
    for i in range(2):  # every later publish works, not only the first
        p = publish(infra, site(infra, f"pl-{i + 2}"), target)
        assert "partial upload" in p.stdout or i == 1
        assert not [d for d in os.listdir(rel) if d.startswith(".")]
    assert (victim / "sub" / "precious.txt").read_text() == "keep me"
    assert (tmp_path / "victim-file").read_text() == "keep me too"
    assert f"pl-{3}" in (root / "current" / "index.html").read_text()


@pytest.mark.parametrize("full", ["blocks", "inodes"])
def test_disk_full_while_taking_the_lock(infra, tmp_path, full):
    s = site(infra, f"lock-full-{full}")
    for kind in ("local", "ssh"):
        mnt = tmp_path / f"full-{kind}"
        mnt.mkdir()
        # blocks: the lock directory can still be made (tmpfs), its owner record cannot be written;
        # inodes: not even the lock directory can be made
        opts = "size=64k" if full == "blocks" else "size=1m,nr_inodes=3"
        if subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(mnt)], capture_output=True).returncode:
            pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
        try:
            (mnt / "releases").mkdir()
            if full == "blocks":
                subprocess.run(["dd", "if=/dev/zero", f"of={mnt}/fill", "bs=4k", "count=64"], capture_output=True)
            target = str(mnt) if kind == "local" else infra["sshd"].target(mnt)
            p = H.run_publish("publish", str(s), target, *ssh_args(infra))
            assert p.returncode == DISK_FULL, (kind, p.stdout, p.stderr)
            assert "disk full" in p.stderr and "lock" in p.stderr, p.stderr
            assert not (mnt / ".kb-publish.lock").exists(), "a half-made lock must not be left behind"
            assert not (mnt / "current").exists()
        finally:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
