"""Helpers for tests/test_publish.py: throwaway sshd + nginx on 127.0.0.1, fake sites.

Everything listens on 127.0.0.1 only and lives in a temporary directory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PUBLISH = REPO / "scripts" / "publish.py"
NGINX_CONF = REPO / "scripts" / "deploy" / "nginx-kb-site.conf"

SBIN = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]


def which(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in SBIN:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


def _missing_tools() -> list[str]:
    return [t for t in ("sshd", "ssh", "ssh-keygen", "nginx", "rsync", "sha256sum") if not which(t)]


def ensure_tools() -> None:
    """Install openssh-server, nginx and rsync with apt if missing (root only)."""
    if not _missing_tools():
        return
    if os.geteuid() != 0 or not which("apt-get"):
        pytest.skip(f"missing {_missing_tools()} and cannot apt-get install (not root / no apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # do not let package scripts start system-wide sshd/nginx services
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = False
    if not policy.exists():
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        created_policy = True
    try:
        cmd = [
            "apt-get",
            "install",
            "-y",
            "--no-install-recommends",
            "-o",
            "DPkg::Lock::Timeout=300",
            "openssh-server",
            "openssh-client",
            "nginx",
            "rsync",
            "coreutils",
        ]
        if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "update"], env=env, capture_output=True)
            p = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if p.returncode != 0:
                pytest.fail(f"apt-get install failed: {p.stderr[-2000:]}")
    finally:
        if created_policy:
            policy.unlink()
    if _missing_tools():
        pytest.fail(f"still missing after apt-get install: {_missing_tools()}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 10.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited ({proc.returncode}): {log.read_text(errors='replace') if log.exists() else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open; log: {log.read_text(errors='replace') if log.exists() else ''}")


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
    subprocess.run(
        [which("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", "kb-publish-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )


class SSHServer:
    """A real sshd on 127.0.0.1:<port> with throwaway host and client keys."""

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
        cfg.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"PidFile {self.dir / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.dir / 'authorized_keys'}",
                    "StrictModes no",
                    "UsePAM no",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    f"AllowUsers {self.user}",
                    "MaxStartups 100:30:200",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self.proc = subprocess.Popen(
            [which("sshd"), "-D", "-f", str(cfg), "-E", str(self.log)],
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
    """A real nginx on 127.0.0.1:<port> using scripts/deploy/nginx-kb-site.conf for ROOT."""

    def __init__(self, base: Path, root: Path) -> None:
        self.dir = base / "nginx"
        self.dir.mkdir(parents=True)
        self.port = free_port()
        site_conf = NGINX_CONF.read_text()
        assert "__ROOT__" in site_conf and "__PORT__" in site_conf
        (self.dir / "kb-site.conf").write_text(
            site_conf.replace("__ROOT__", str(root)).replace("__PORT__", f"127.0.0.1:{self.port}")
        )
        conf = self.dir / "nginx.conf"
        conf.write_text(MAIN_NGINX_CONF.format(dir=self.dir))
        self.log = self.dir / "err.log"
        nginx = which("nginx")
        test = subprocess.run(
            [
                nginx,
                "-t",
                "-p",
                str(self.dir),
                "-e",
                str(self.log),
                "-c",
                str(conf),
                "-g",
                f"daemon off; pid {self.dir}/nginx.pid;",
            ],
            capture_output=True,
            text=True,
        )
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {test.stderr}")
        self.proc = subprocess.Popen(
            [
                nginx,
                "-p",
                str(self.dir),
                "-e",
                str(self.log),
                "-c",
                str(conf),
                "-g",
                f"daemon off; pid {self.dir}/nginx.pid;",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
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


# ---------------------------------------------------------------------------
# fake sites

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
    """A small MkDocs-like bilingual site; `version` appears in every HTML page."""
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


def world_readable_tmpdir(prefix: str) -> Path:
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d
