"""End-to-end tests for scripts/publish.py against a real sshd and nginx on 127.0.0.1.

Needs root (installs openssh-server, nginx, rsync with apt-get if missing).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import publish_helpers as H
import pytest

from kb.publish.layout import prune_candidates

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="publish tests need Linux (sshd, nginx)")

# exit codes (must match scripts/kb/publish/errors.py and scripts/deploy/README.md)
OK, USAGE, SITE, UNREACHABLE, PERMISSION, HOSTKEY, DISK_FULL, VERIFY, LOCK_HELD, LOCK_STALE, NO_RELEASE = (
    0,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)


@pytest.fixture(scope="module")
def infra(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("publish end-to-end tests run as root (sshd on a high port, /run/sshd)")
    H.ensure_tools()
    base = H.world_readable_tmpdir("kbpub-")
    served = base / "www"  # publish root served by nginx (nginx root = served/current)
    (base / "t").mkdir()
    H.PUBLISH_TMPDIR[:] = [str(base / "t")]
    sshd = nginx = None
    try:
        sshd = H.SSHServer(tmp_path_factory.mktemp("ssh"))
        nginx = H.NginxServer(tmp_path_factory.mktemp("nginx"), served)
        yield {"base": base, "served": served, "sshd": sshd, "nginx": nginx, "sites": tmp_path_factory.mktemp("sites")}
    finally:
        for s in (nginx, sshd):
            if s:
                s.stop()
        H.PUBLISH_TMPDIR.clear()
        shutil.rmtree(base, ignore_errors=True)


_counter = [0]


def site(infra, version: str, **kw) -> Path:
    _counter[0] += 1
    return H.make_site(infra["sites"] / f"s{_counter[0]}-{version}", version, **kw)


def ssh_args(infra, known_hosts=None, identity=None) -> list[str]:
    s = infra["sshd"]
    return ["--known-hosts", str(known_hosts or s.known_hosts), "--identity", str(identity or s.client_key)]


def publish(infra, site_dir, *targets, extra=(), expect=OK):
    p = H.run_publish("publish", str(site_dir), *targets, *ssh_args(infra), *extra)
    assert p.returncode == expect, f"rc={p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p


def releases(root: Path) -> list[str]:
    d = root / "releases"
    return sorted(x for x in os.listdir(d) if not x.startswith(".")) if d.exists() else []


def live(root: Path) -> str:
    return os.readlink(root / "current").rsplit("/", 1)[-1]


def served_pages(nginx) -> dict[str, bytes]:
    return {p: nginx.get(p)[2] for p in ("/", "/en/", "/guide/", "/search/search_index.json")}


# ---------------------------------------------------------------------------


def test_refuses_sites_without_valid_marker(infra, tmp_path):
    target = str(tmp_path / "root")
    cases = {
        "no-marker": dict(marker=False),
        "failed-check": dict(checks={"check_terms": "passed", "check_xrefs": "failed"}),
        "no-checks": dict(checks={}),
        "not-strict": dict(strict=False),
        "bad-commit": dict(commit="abc123"),
    }
    for name, kw in cases.items():
        s = site(infra, name, **kw)
        p = H.run_publish("publish", str(s), target)
        assert p.returncode == SITE, (name, p.stdout, p.stderr)
        assert "refusing" in p.stderr and ".kb-build.json" in p.stderr, p.stderr
    p = H.run_publish("publish", str(site(infra, "x", marker=False)), target)
    assert "missing" in p.stderr
    p = H.run_publish("publish", str(site(infra, "y", checks={"check_xrefs": "failed"})), target)
    assert "check_xrefs='failed'" in p.stderr
    assert not (tmp_path / "root").exists(), "nothing may be written for a refused site"
    p = H.run_publish("publish", str(site(infra, "zero", commit="0" * 40)), target)
    assert p.returncode == SITE and "unknown" in p.stderr
    # built from uncommitted changes: refused unless --allow-dirty
    s = site(infra, "dirty")
    m = json.loads((s / ".kb-build.json").read_text())
    (s / ".kb-build.json").write_text(json.dumps(dict(m, dirty=True), indent=2))
    p = H.run_publish("publish", str(s), target)
    assert p.returncode == SITE and "--allow-dirty" in p.stderr
    assert not (tmp_path / "root").exists()
    p = H.run_publish("publish", str(s), target, "--allow-dirty")
    assert p.returncode == OK, p.stderr
    # a broken marker JSON
    s = site(infra, "badjson")
    (s / ".kb-build.json").write_text("{not json")
    assert H.run_publish("publish", str(s), target).returncode == SITE


def test_ssh_requires_known_hosts_and_checks_host_key(infra, tmp_path):
    sshd = infra["sshd"]
    s = site(infra, "hk")
    target = sshd.target(tmp_path / "hk")
    # no known_hosts at all -> refuse to run (host key checking is never disabled)
    p = H.run_publish("publish", str(s), target, "--identity", str(sshd.client_key))
    assert p.returncode == USAGE and "known_hosts" in p.stderr, p.stderr
    # known_hosts without this server's key -> unknown host key
    p = H.run_publish("publish", str(s), target, *ssh_args(infra, known_hosts=sshd.bad_known_hosts))
    assert p.returncode == HOSTKEY, (p.stdout, p.stderr)
    assert "host key verification failed" in p.stderr.lower() and target in p.stderr
    # same via environment variables
    env = H.clean_env(KB_KNOWN_HOSTS=str(sshd.bad_known_hosts), KB_SSH_KEY=str(sshd.client_key))
    p = H.run_publish("publish", str(s), target, env=env)
    assert p.returncode == HOSTKEY, p.stderr
    # an empty known_hosts file: also unknown
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    p = H.run_publish("publish", str(s), target, *ssh_args(infra, known_hosts=empty))
    assert p.returncode == HOSTKEY, p.stderr
    # a key the server does not accept -> permission denied
    p = H.run_publish("publish", str(s), target, *ssh_args(infra, identity=sshd.other_key))
    assert p.returncode == PERMISSION and "permission denied" in p.stderr.lower(), p.stderr
    # nobody listening -> unreachable
    p = H.run_publish("publish", str(s), f"{sshd.user}@127.0.0.1:{H.free_port()}:/tmp/x", *ssh_args(infra))
    assert p.returncode == UNREACHABLE and "unreachable" in p.stderr, p.stderr
    assert not (tmp_path / "hk").exists()


def test_two_publishes_served_by_nginx_with_headers(infra):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    target = sshd.target(served)
    s1 = site(infra, "v1-first")
    p1 = publish(infra, s1, target)
    for step in ("lock acquired", "uploading", "verifying sha256", "switched current", "lock released"):
        assert step in p1.stdout, p1.stdout
    assert "v1-first" in nginx.text("/")
    s2 = site(infra, "v2-second")
    p2 = publish(infra, s2, target)
    assert "hard-linking unchanged files" in p2.stdout
    rel = releases(served)
    assert len(rel) >= 2 and live(served) == rel[-1]
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{12}", rel[-1])
    marker = json.loads((s2 / ".kb-build.json").read_text())
    assert rel[-1].endswith(marker["commit"][:12])

    # nginx serves exactly the second release
    status, headers, body = nginx.get("/")
    assert status == 200 and body == (s2 / "index.html").read_bytes()
    assert nginx.get("/en/")[2] == (s2 / "en" / "index.html").read_bytes()
    assert "v2-second" in nginx.text("/guide/")
    # unchanged files are hard links to the previous release (cost nothing)
    prev, cur = served / "releases" / rel[-2], served / "releases" / rel[-1]
    css = "assets/x.abc12345.min.css"
    assert (prev / css).stat().st_ino == (cur / css).stat().st_ino
    assert (prev / "index.html").stat().st_ino != (cur / "index.html").stat().st_ino
    # manifest present and in sha256sum format
    assert re.match(r"^[0-9a-f]{64}  \S", (cur / ".kb-manifest.sha256").read_text())

    # security headers, on pages and on errors
    for path in ("/", "/en/", "/nope", "/assets/x.abc12345.min.css"):
        _, h, _ = nginx.get(path)
        csp = h.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, (path, h)
        assert "script-src 'self';" in csp and "connect-src 'self'" in csp
        assert h.get("x-content-type-options") == "nosniff", (path, h)
        assert h.get("referrer-policy") == "same-origin", (path, h)
    # gzip for html/css/js/json when asked, identity otherwise
    for path in (
        "/",
        "/en/",
        "/search/search_index.json",
        "/en/search/search_index.json",
        "/assets/x.abc12345.min.css",
        "/assets/javascripts/workers/search.abcdef12.min.js",
    ):
        _, h, b = nginx.get(path, {"Accept-Encoding": "gzip"})
        assert h.get("content-encoding") == "gzip", (path, h)
        assert gzip.decompress(b)
    assert "content-encoding" not in nginx.get("/")[1]
    _, h, _ = nginx.get("/search/search_index.json")
    assert h["content-type"].startswith("application/json")
    # caching: fingerprinted assets immutable, HTML/search index revalidated
    for path in ("/assets/x.abc12345.min.css", "/assets/javascripts/workers/search.abcdef12.min.js"):
        cc = nginx.get(path)[1].get("cache-control", "")
        assert "immutable" in cc and "max-age=31536000" in cc, (path, cc)
    for path in ("/", "/en/", "/guide/", "/search/search_index.json", "/assets/plain.css"):
        assert nginx.get(path)[1].get("cache-control") == "no-cache", path
    # language-specific 404 pages
    st, h, b = nginx.get("/nope")
    assert st == 404 and "zh-404" in b.decode() and h.get("cache-control") == "no-cache"
    st, _, b = nginx.get("/en/nope")
    assert st == 404 and "en-404" in b.decode()
    # no directory listings, no dotfiles
    for path in ("/assets/", "/assets/javascripts/", "/en/search/"):
        st, _, b = nginx.get(path)
        assert st in (403, 404) and b"Index of" not in b, (path, st)
    assert nginx.get("/.kb-build.json")[0] == 404
    assert nginx.get("/.kb-manifest.sha256")[0] == 404
    assert nginx.get("/en")[0] == 301 and nginx.get("/en")[1]["location"] == "/en/"

    # status over SSH marks the live release
    p = H.run_publish("status", target, *ssh_args(infra))
    assert p.returncode == OK, p.stderr
    live_line = [ln for ln in p.stdout.splitlines() if "(live)" in ln]
    assert len(live_line) == 1 and rel[-1] in live_line[0] and live_line[0].lstrip().startswith("*")
    assert "lock: free" in p.stdout


def test_killed_upload_keeps_live_site_and_concurrent_publish_refused(infra):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    target = sshd.target(served)
    publish(infra, site(infra, "before-kill"), target)
    live_before = live(served)
    pages_before = served_pages(nginx)
    tree_before = H.tree_digest(served / "current")
    assert b"before-kill" in pages_before["/"]

    big = site(infra, "never-live", big_mb=4)
    slow = subprocess.Popen(
        H.publish_cmd("publish", str(big), target, *ssh_args(infra), "--bwlimit", "300"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=H.clean_env(),
        start_new_session=True,
    )
    try:
        deadline = time.time() + 20
        partial = None
        while time.time() < deadline:
            parts = [d for d in os.listdir(served / "releases") if d.startswith(".partial-")]
            if parts and any((served / "releases" / parts[0]).rglob("*.html")):
                partial = parts[0]
                break
            assert slow.poll() is None, slow.communicate()
            time.sleep(0.05)
        assert partial, "upload did not start"

        # 5. a concurrent publish is refused while the lock is held by a live process
        p = H.run_publish("publish", str(site(infra, "concurrent")), target, *ssh_args(infra))
        assert p.returncode == LOCK_HELD, (p.stdout, p.stderr)
        assert "lock held" in p.stderr and f"pid {slow.pid}" in p.stderr, p.stderr
        assert live(served) == live_before

        # 2. kill the whole publish (python, rsync, ssh) hard, mid-upload
        time.sleep(0.3)
        H.kill_group(slow, signal.SIGKILL)
    finally:
        if slow.poll() is None:
            H.kill_group(slow, signal.SIGKILL)
    assert slow.returncode == -signal.SIGKILL
    time.sleep(0.3)  # let the remote rsync notice the closed connection

    assert live(served) == live_before
    assert H.tree_digest(served / "current") == tree_before
    assert served_pages(nginx) == pages_before
    assert not any(
        r.endswith(json.loads((big / ".kb-build.json").read_text())["commit"][:12]) for r in releases(served)
    ), "an interrupted upload must never look like a release"

    # status shows the stale lock and the partial upload
    p = H.run_publish("status", target, *ssh_args(infra))
    assert "STALE" in p.stdout and "--break-stale-lock" in p.stdout and ".partial-" in p.stdout, p.stdout

    # next publish: stale lock reported, not silently ignored
    nxt = site(infra, "after-kill")
    p = H.run_publish("publish", str(nxt), target, *ssh_args(infra))
    assert p.returncode == LOCK_STALE, (p.stdout, p.stderr)
    assert "stale lock" in p.stderr and "--break-stale-lock" in p.stderr and f"pid {slow.pid}" in p.stderr
    assert live(served) == live_before
    # ... and cleared with the documented flag
    p = publish(infra, nxt, target, extra=["--break-stale-lock"])
    assert "breaking stale lock" in p.stdout and "partial upload" in p.stdout
    assert b"after-kill" in nginx.get("/")[2]
    assert not [d for d in os.listdir(served / "releases") if d.startswith(".")]
    assert not (served / ".kb-publish.lock").exists()


def test_sigterm_cleans_up(infra, tmp_path):
    root = tmp_path / "term"
    publish(infra, site(infra, "t1"), str(root))
    before = live(root)
    slow = subprocess.Popen(
        H.publish_cmd("publish", str(site(infra, "t2", big_mb=2)), str(root), "--bwlimit", "300"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=H.clean_env(),
    )
    deadline = time.time() + 20
    while time.time() < deadline and not any(d.startswith(".partial-") for d in os.listdir(root / "releases")):
        time.sleep(0.05)
    time.sleep(0.2)
    slow.send_signal(signal.SIGTERM)
    out, errs = slow.communicate(timeout=20)
    assert slow.returncode == 130, (out, errs)
    assert "interrupted" in errs and "no target was switched" in errs
    assert live(root) == before
    assert not (root / ".kb-publish.lock").exists()
    assert not [d for d in os.listdir(root / "releases") if d.startswith(".")]


def test_failed_target_switches_none(infra, tmp_path):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    good = sshd.target(served)
    publish(infra, site(infra, "multi-base"), good)
    live_before, rel_before, pages_before = live(served), releases(served), served_pages(nginx)

    # second target: nothing listens on that port
    bad = f"{sshd.user}@127.0.0.1:{H.free_port()}:{tmp_path / 'unreachable'}"
    p = H.run_publish("publish", str(site(infra, "multi-new")), good, bad, *ssh_args(infra))
    assert p.returncode == UNREACHABLE, (p.stdout, p.stderr)
    assert f"on target {bad}" in p.stderr and "no target was switched" in p.stderr
    assert live(served) == live_before and releases(served) == rel_before
    assert served_pages(nginx) == pages_before
    assert not (served / ".kb-publish.lock").exists()

    # second target reachable but its path cannot be created (a file is in the way): fails after the
    # first target's upload completed -> still no switch, uploaded release removed again
    blocker = tmp_path / "file"
    blocker.write_text("x")
    bad2 = sshd.target(blocker / "sub")
    p = H.run_publish("publish", str(site(infra, "multi-new2")), good, bad2, *ssh_args(infra))
    assert p.returncode != OK and f"on target {bad2}" in p.stderr, (p.stdout, p.stderr)
    assert live(served) == live_before and releases(served) == rel_before
    assert served_pages(nginx) == pages_before
    assert not [d for d in os.listdir(served / "releases") if d.startswith(".")]  # no partial upload left

    # both good (SSH + local): both switched to the same release
    local = tmp_path / "mirror"
    p = publish(infra, site(infra, "multi-both"), good, str(local))
    assert live(served) == live(local) != live_before
    assert H.tree_digest(served / "current") == H.tree_digest(local / "current")
    assert b"multi-both" in nginx.get("/")[2]


def test_rollback_serves_previous_release_byte_identical(infra):
    sshd, nginx, served = infra["sshd"], infra["nginx"], infra["served"]
    target = sshd.target(served)
    publish(infra, site(infra, "rb-old"), target)
    old, pages_old, tree_old = live(served), served_pages(nginx), H.tree_digest(served / "current")
    publish(infra, site(infra, "rb-new"), target)
    new = live(served)
    assert b"rb-new" in nginx.get("/")[2]

    p = H.run_publish("rollback", target, *ssh_args(infra))
    assert p.returncode == OK, (p.stdout, p.stderr)
    assert "verifying sha256" in p.stdout and f"switched current -> releases/{old}" in p.stdout
    assert live(served) == old
    assert served_pages(nginx) == pages_old
    assert H.tree_digest(served / "current") == tree_old

    # roll forward to an explicit release
    p = H.run_publish("rollback", target, new, *ssh_args(infra))
    assert p.returncode == OK and live(served) == new
    # unknown release
    p = H.run_publish("rollback", target, "20000101T000000Z-000000000000", *ssh_args(infra))
    assert p.returncode == NO_RELEASE and "not found" in p.stderr

    # a corrupted release is refused (verification mismatch), live stays
    (served / "releases" / old / "index.html").write_text("tampered")
    p = H.run_publish("rollback", target, old, *ssh_args(infra))
    assert p.returncode == VERIFY and "MISMATCH" in p.stderr and "index.html" in p.stderr, p.stderr
    assert live(served) == new


def test_local_target_status_keep_and_prune(infra, tmp_path):
    root = tmp_path / "local"
    names = []
    for i in range(3):
        publish(infra, site(infra, f"loc{i}"), str(root), extra=["--keep", "2"])
        names.append(live(root))
    assert releases(root) == names[-2:], "keep 2 newest"
    assert (root / "current").is_symlink() and os.readlink(root / "current") == f"releases/{names[-1]}"
    assert "loc2" in (root / "current" / "index.html").read_text()
    st = os.stat(root / "current" / "index.html")
    assert st.st_mode & 0o004, "published files must be world-readable for the web server"

    p = H.run_publish("status", str(root))
    assert p.returncode == OK
    lines = p.stdout.splitlines()
    assert any(ln.strip().startswith("*") and names[-1] in ln and "(live)" in ln for ln in lines), p.stdout
    assert any(names[-2] in ln and "(live)" not in ln for ln in lines)

    # rollback locally; nothing older left -> refused; a publish with --keep 1 keeps only the new live one
    p = H.run_publish("rollback", str(root))
    assert p.returncode == OK and live(root) == names[-2]
    p = H.run_publish("rollback", str(root))
    assert p.returncode == NO_RELEASE and "nothing to roll back" in p.stderr
    publish(infra, site(infra, "loc-final"), str(root), extra=["--keep", "1"])
    assert releases(root) == [live(root)]

    # unit check of the pruning rule: the live release is never pruned
    rel = [f"2024010{i}T000000Z-{'a' * 12}" for i in range(1, 7)]
    assert prune_candidates(rel, rel[0], 2) == rel[1:4]
    assert prune_candidates(rel, rel[-1], 5) == rel[:1]
    assert prune_candidates(rel + ["other", ".partial-x"], None, 10) == []


def test_disk_full_is_reported(infra, tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        big = site(infra, "toobig", big_mb=1)
        p = H.run_publish("publish", str(big), str(mnt / "root"))
        assert p.returncode == DISK_FULL and "disk full" in p.stderr, (p.stdout, p.stderr)
        p = H.run_publish("publish", str(big), infra["sshd"].target(mnt / "root2"), *ssh_args(infra))
        assert p.returncode == DISK_FULL and "disk full" in p.stderr, (p.stdout, p.stderr)
        assert not (mnt / "root" / "current").exists()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_lock_from_another_machine_stale_only_by_age(infra, tmp_path):
    root = tmp_path / "foreign"
    publish(infra, site(infra, "f1"), str(root))
    lock = root / ".kb-publish.lock"
    lock.mkdir()
    (lock / "owner.json").write_text(
        json.dumps(
            {"pid": 1, "host": "another-ci-runner", "user": "ci", "started": "2020-01-01T00:00:00Z", "token": "x"}
        )
    )
    s2 = site(infra, "f2")
    # young lock from another machine: we cannot check its pid -> held
    p = H.run_publish("publish", str(s2), str(root), "--break-stale-lock")
    assert p.returncode == LOCK_HELD and "another-ci-runner" in p.stderr and "--stale-after 0" in p.stderr, p.stderr
    # old enough -> stale, reported
    old = time.time() - 7200
    os.utime(lock, (old, old))
    p = H.run_publish("publish", str(s2), str(root))
    assert p.returncode == LOCK_STALE and "older than --stale-after" in p.stderr, p.stderr
    p = H.run_publish("status", str(root))
    assert "STALE" in p.stdout and "another-ci-runner" in p.stdout
    p = H.run_publish("publish", str(s2), str(root), "--break-stale-lock")
    assert p.returncode == OK and "f2" in (root / "current" / "index.html").read_text()
    assert not lock.exists()
