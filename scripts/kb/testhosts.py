"""Throwaway publishing hosts on 127.0.0.1: a real sshd and nginx, and fake built sites.

Used by the publishing tests (tests/publish_helpers.py is their pytest layer) and
by the CI rehearsal (kb.pipeline), which publishes to them. Everything listens on
127.0.0.1 only, on free ports, and lives in the directories given; keys and
known_hosts are generated for each server. Standard library only. Problems raise
HostsError (ToolsMissing when sshd/nginx/rsync are missing and cannot be installed).

    python -m kb.testhosts make-site DIR VERSION [--commit SHA] [--no-marker] [--not-strict]
    python -m kb.testhosts ensure-tools
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "scripts" / "deploy" / "nginx-kb-site.conf"
SBIN = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
TOOLS = ("sshd", "ssh", "ssh-keygen", "nginx", "rsync", "sha256sum")
PACKAGES = ("openssh-server", "openssh-client", "nginx", "rsync", "coreutils")


class HostsError(RuntimeError):
    """The test sshd/nginx cannot be set up or started."""


class ToolsMissing(HostsError):
    """sshd, nginx or rsync are missing and cannot be installed here (not root, or no apt-get)."""


def which(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in SBIN:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


def missing_tools() -> list[str]:
    return [t for t in TOOLS if not which(t)]


def ensure_tools() -> None:
    """Install openssh-server, nginx and rsync with apt if missing (root only)."""
    if not missing_tools():
        return
    if os.geteuid() != 0 or not which("apt-get"):
        raise ToolsMissing(f"missing {missing_tools()} and cannot apt-get install (not root / no apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # do not let package scripts start system-wide sshd/nginx services
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = False
    if not policy.exists():
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        created_policy = True
    try:
        cmd = ["apt-get", "install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", *PACKAGES]
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "update"], env=env, capture_output=True)
            p = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if p.returncode != 0:
                raise HostsError(f"apt-get install failed: {p.stderr[-2000:]}")
    finally:
        if created_policy:
            policy.unlink()
    if missing_tools():
        raise HostsError(f"still missing after apt-get install: {missing_tools()}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


def wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 10.0) -> None:
    """Until 127.0.0.1:port accepts connections; HostsError if proc exits or time runs out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise HostsError(f"server exited ({proc.returncode}): {_log_text(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    stop(proc)
    raise HostsError(f"port {port} did not open; log: {_log_text(log)}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def keygen(path: Path) -> None:
    p = subprocess.run(
        [
            which("ssh-keygen") or "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "kb-publish-test",
            "-f",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        raise HostsError(f"ssh-keygen failed for {path}: {p.stderr.strip()}")


def world_readable_tmpdir(prefix: str) -> Path:
    """A new temporary directory that nginx's workers (user nobody) can read."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers {user}
MaxStartups 100:30:200
LogLevel VERBOSE
"""


class SSHServer:
    """A real sshd on 127.0.0.1:<port> with throwaway host and client keys (for this user)."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "sshd"
        self.dir.mkdir(parents=True)
        self.port = free_port()
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.host_key = self.dir / "ssh_host_ed25519_key"
        self.client_key = self.dir / "client_key"
        self.other_key = self.dir / "other_client_key"
        self.other_host_key = self.dir / "other_host_key"
        for k in (self.host_key, self.client_key, self.other_key, self.other_host_key):
            keygen(k)
        (self.dir / "authorized_keys").write_text(Path(f"{self.client_key}.pub").read_text())
        host_pub = " ".join(Path(f"{self.host_key}.pub").read_text().split()[:2])
        other_pub = " ".join(Path(f"{self.other_host_key}.pub").read_text().split()[:2])
        self.known_hosts = self.dir / "known_hosts"
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {host_pub}\n")
        self.bad_known_hosts = self.dir / "known_hosts_wrong"
        self.bad_known_hosts.write_text(f"[127.0.0.1]:{self.port} {other_pub}\n")
        self.log = self.dir / "sshd.log"
        cfg = self.dir / "sshd_config"
        cfg.write_text(SSHD_CONFIG.format(port=self.port, host_key=self.host_key, dir=self.dir, user=self.user))
        sshd = which("sshd")
        if not sshd:
            raise ToolsMissing("sshd is not installed (ensure_tools() installs it)")
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self.proc = subprocess.Popen(
            [sshd, "-D", "-f", str(cfg), "-E", str(self.log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port, self.proc, self.log)

    def target(self, path: Path | str) -> str:
        return f"{self.user}@127.0.0.1:{self.port}:{path}"

    def stop(self) -> None:
        stop(self.proc)


MAIN_NGINX_CONF = """\
user nobody nogroup;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp_body;
    proxy_temp_path {dir}/tmp_proxy;
    fastcgi_temp_path {dir}/tmp_fastcgi;
    uwsgi_temp_path {dir}/tmp_uwsgi;
    scgi_temp_path {dir}/tmp_scgi;
    sendfile on;
    include {dir}/kb-site.conf;
}}
"""


class NginxServer:
    """A real nginx on 127.0.0.1:<port> using the site config (scripts/deploy/nginx-kb-site.conf) for ROOT."""

    def __init__(self, base: Path, root: Path, site_conf: Path = NGINX_CONF) -> None:
        self.dir = base / "nginx"
        self.dir.mkdir(parents=True)
        self.port = free_port()
        text = site_conf.read_text()
        if "__ROOT__" not in text or "__PORT__" not in text:
            raise HostsError(f"{site_conf}: no __ROOT__ / __PORT__ placeholder")
        (self.dir / "kb-site.conf").write_text(
            text.replace("__ROOT__", str(root)).replace("__PORT__", f"127.0.0.1:{self.port}")
        )
        conf = self.dir / "nginx.conf"
        conf.write_text(MAIN_NGINX_CONF.format(dir=self.dir))
        self.log = self.dir / "err.log"
        nginx = which("nginx")
        if not nginx:
            raise ToolsMissing("nginx is not installed (ensure_tools() installs it)")
        args = [
            "-p",
            str(self.dir),
            "-e",
            str(self.log),
            "-c",
            str(conf),
            "-g",
            f"daemon off; pid {self.dir}/nginx.pid;",
        ]
        test = subprocess.run([nginx, "-t", *args], capture_output=True, text=True)
        if test.returncode != 0:
            raise HostsError(f"nginx -t failed: {test.stderr}")
        self.proc = subprocess.Popen(
            [nginx, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        wait_port(self.port, self.proc, self.log)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """GET without proxies and without following redirects; returns (status, headers, raw body)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
        req = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with opener.open(req, timeout=10) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            body = e.read()
            return e.code, {k.lower(): v for k, v in e.headers.items()}, body

    def text(self, path: str) -> str:
        status, headers, body = self.get(path)
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8")

    def stop(self) -> None:
        stop(self.proc)


# ---------------------------------------------------------------- fake sites

FILLER = "<p>" + ("知识库内容 lorem ipsum dolor sit amet. " * 12) + "</p>\n"


def random_commit() -> str:
    return secrets.token_hex(20)


def make_site(
    path: Path,
    version: str,
    *,
    commit: str | None = None,
    checks: dict | None = None,
    strict: bool = True,
    marker: bool = True,
    big_mb: float = 0.0,
) -> Path:
    """A small MkDocs-like bilingual site; `version` appears in every HTML page.

    With `marker`, a .kb-build.json names the commit (random if None), strictness and checks."""
    path.mkdir(parents=True)
    (path / "en" / "search").mkdir(parents=True)
    (path / "search").mkdir()
    (path / "assets" / "javascripts" / "workers").mkdir(parents=True)
    (path / "guide").mkdir()
    (path / "index.html").write_text(
        f"<!doctype html><html lang=zh><head><title>首页 {version}</title>"
        f"<link rel=stylesheet href=assets/x.abc12345.min.css></head>"
        f"<body><h1>知识库 {version}</h1>{FILLER}</body></html>\n",
        encoding="utf-8",
    )
    (path / "guide" / "index.html").write_text(f"<html><body>指南 {version}{FILLER}</body></html>\n", encoding="utf-8")
    (path / "en" / "index.html").write_text(
        f"<!doctype html><html lang=en><body><h1>Knowledge base {version}</h1>{FILLER}</body></html>\n",
        encoding="utf-8",
    )
    (path / "404.html").write_text(f"<html lang=zh><body>页面未找到 zh-404 {FILLER}</body></html>\n", encoding="utf-8")
    (path / "en" / "404.html").write_text(
        f"<html lang=en><body>Page not found en-404 {FILLER}</body></html>\n", encoding="utf-8"
    )
    # identical in every version -> hard-linked by --link-dest
    (path / "assets" / "x.abc12345.min.css").write_text("body{color:#333}\n" * 40)
    (path / "assets" / "javascripts" / "workers" / "search.abcdef12.min.js").write_text("/*w*/var a=1;\n" * 40)
    (path / "assets" / "plain.css").write_text("p{margin:0}\n")
    index = {"config": {"lang": ["zh"]}, "docs": [{"location": "", "title": f"首页 {version}", "text": "知识库 " * 50}]}
    (path / "search" / "search_index.json").write_text(json.dumps(index, ensure_ascii=False))
    index["docs"][0]["title"] = f"Home {version}"
    (path / "en" / "search" / "search_index.json").write_text(json.dumps(index))
    if big_mb:
        big = path / "assets" / "big"
        big.mkdir()
        n = max(1, int(big_mb * 8))
        for i in range(n):
            (big / f"blob{i:03d}.bin").write_bytes(os.urandom(128 * 1024))
    if marker:
        m = {
            "commit": commit or random_commit(),
            "strict": strict,
            "checks": {"check_terms": "passed", "check_xrefs": "passed"} if checks is None else checks,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (path / ".kb-build.json").write_text(json.dumps(m))
    return path


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m kb.testhosts", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="command", required=True)
    site = sub.add_parser("make-site", help="write a small fake built site (DIR must not exist)")
    site.add_argument("dir", type=Path)
    site.add_argument("version", help="appears in every HTML page")
    site.add_argument("--commit", help="the commit in .kb-build.json (default: a random one)")
    site.add_argument("--no-marker", action="store_true", help="no .kb-build.json")
    site.add_argument("--not-strict", action="store_true", help='"strict": false in .kb-build.json')
    site.add_argument("--big-mb", type=float, default=0.0, help="add about this many MB of random files")
    sub.add_parser("ensure-tools", help="install sshd, nginx and rsync with apt-get if missing (root only)")
    args = ap.parse_args(argv)
    try:
        if args.command == "make-site":
            kw = {"strict": not args.not_strict, "marker": not args.no_marker, "big_mb": args.big_mb}
            print(make_site(args.dir, args.version, commit=args.commit, **kw))
        else:
            ensure_tools()
    except (HostsError, OSError) as e:
        print(f"kb.testhosts: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
