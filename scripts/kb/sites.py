"""Building a site with MkDocs and serving a built site on 127.0.0.1: the one
way every tool does it (``kb build``, the link check, the benchmark, the tests).

Standard library only. ``python -m kb.sites DIR --port N`` serves ``DIR`` in
its own process (the benchmark measures the browser against it).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

# MkDocs 1.6 prints a notice about MkDocs 2.0 on every run: not a warning of ours
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def build_args(config: Path, site_dir: Path, strict: bool = True) -> list[str]:
    """The ``mkdocs build`` command line. Never ``-q``: with ``-q`` MkDocs drops
    warnings before strict mode counts them."""
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict" if strict else "--no-strict",
        "-f",
        str(config),
        "-d",
        str(site_dir),
    ]


def build(
    config: Path,
    site_dir: Path,
    strict: bool = True,
    cwd: Path | None = None,
    echo: Callable[[str], None] | None = None,
) -> subprocess.CompletedProcess:
    """Run ``mkdocs build``; the finished process (output captured as text).
    With ``echo``, each line of its output (standard error merged into it) is
    passed to ``echo`` as it comes, and all of it is the process's ``stdout``."""
    args, where, env = (
        build_args(config, site_dir, strict),
        cwd or Path(config).resolve().parent,
        {**os.environ, **BUILD_ENV},
    )
    if echo is None:
        return subprocess.run(args, cwd=where, env=env, capture_output=True, text=True)
    env["PYTHONUNBUFFERED"] = "1"  # each line when it is logged
    out = []
    with subprocess.Popen(
        args, cwd=where, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        try:
            for line in proc.stdout:  # type: ignore[union-attr]
                out.append(line)
                echo(line.rstrip("\n"))
        except BaseException:  # Ctrl-C, or echo failed: the build does not outlive its caller
            proc.kill()
            raise
    return subprocess.CompletedProcess(args, proc.returncode, stdout="".join(out), stderr="")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site quietly; a missing page gets its language's 404
    page (``/en/...`` the English one), as the site's nginx configuration does."""

    extra_headers: dict[str, str] = {}
    other_languages: tuple[str, ...] = ("en",)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet
        pass

    def end_headers(self) -> None:
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        path = unquote(urlsplit(self.path).path)
        root = Path(self.directory)
        lang = next((l for l in self.other_languages if path == f"/{l}" or path.startswith(f"/{l}/")), None)
        page = root / lang / "404.html" if lang else root / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class SiteServer:
    """A threaded server of ``site_dir`` on 127.0.0.1 (a free port unless
    given), as a context manager: ``with SiteServer(site) as s: s.url("/en/")``."""

    def __init__(
        self,
        site_dir: Path,
        port: int = 0,
        headers: dict[str, str] | None = None,
        handler_class: type[SiteHandler] = SiteHandler,
    ) -> None:
        handler = type("Handler", (handler_class,), {"extra_headers": dict(headers or {})})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(handler, directory=str(site_dir))
        )
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/") -> str:
        return self.origin + path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kb.sites", description="Serve a built site on 127.0.0.1.")
    ap.add_argument("site_dir", type=Path)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)
    server = SiteServer(args.site_dir, args.port)
    print(server.url(), flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
