"""Running the commands the benchmark times: :class:`Run` and :func:`timed`
(wall time, and peak memory and CPU time from ``os.wait4``), the MkDocs build,
a static :class:`Server` on 127.0.0.1, our source checkers, the link check and
the Pagefind indexer."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kb import sites
from kb.model.paths import ROOT, SCRIPTS

PY = sys.executable
ENV = {**os.environ, **sites.BUILD_ENV, "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class Run:
    seconds: float
    rss_mb: float | None
    returncode: int
    warnings: int = 0
    output: str = ""
    cpu: float | None = None  # user + system seconds of the command and its children


def timed(args: list[str], cwd: Path = ROOT, timeout: float | None = None) -> Run:
    """Run a command; wall time, and peak RSS and CPU time of the command and
    the processes it waited for, from the kernel (``os.wait4``: what
    ``/usr/bin/time -v`` reports, without needing it on the machine)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=ENV)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    if timer and proc.returncode == -9 and seconds >= timeout:
        return Run(seconds, None, -9, output=f"timeout after {timeout}s")
    rss = usage.ru_maxrss / 1024  # kB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, rss, proc.returncode, len(re.findall(r"^WARNING", output, re.M)), output, cpu)


def build(cfg: Path, site: Path) -> Run:
    # never -q: with -q MkDocs drops warnings before strict mode counts them
    return timed(sites.build_args(cfg, site, strict=False))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A static server for a built site on 127.0.0.1."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [PY, "-m", "kb.sites", str(directory), "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_checkers(docs: Path, cfg: Path) -> tuple[Run | None, list[str], Run | None]:
    """Our source checkers on the corpus: scripts/check.py (both in one process)
    from a cold start (no cache: what CI on a fresh clone does), then again with
    its per-page cache warm (an editor's second run). Without check.py (older
    trees): check_xrefs.py and check_terms.py one after the other."""
    one = SCRIPTS / "check.py"
    if one.exists():
        shutil.rmtree(docs.parent / ".cache" / "kb", ignore_errors=True)
        args = [PY, str(one), "--docs", str(docs), "--config", str(cfg)]
        cold, warm = timed(args), timed(args)
        if cold.returncode not in (0, 1):
            return None, [f"check.py (exit {cold.returncode}: {cold.output.strip().splitlines()[-1:]})"], None
        nfind = len([line for line in cold.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)])
        return cold, [f"check.py (cold {cold.seconds:.2f} s, warm {warm.seconds:.2f} s, {nfind} findings)"], warm
    ran, total, rss, cpu = [], 0.0, 0.0, 0.0
    for name in ("check_xrefs.py", "check_terms.py"):
        script = SCRIPTS / name
        if not script.exists():
            continue
        help_text = subprocess.run([PY, str(script), "--help"], capture_output=True, text=True, env=ENV).stdout
        args = [PY, str(script)]
        if "--docs" in help_text:
            args += ["--docs", str(docs)]
        else:
            args += [str(docs)]
        if "--config" in help_text:
            args += ["--config", str(cfg)]
        r = timed(args)
        if r.returncode not in (0, 1):
            ran.append(
                f"{name} (exit {r.returncode}: {r.output.strip().splitlines()[-1:] if r.output.strip() else ''})"
            )
            continue
        nfind = len([line for line in r.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)])
        ran.append(f"{name} ({r.seconds:.2f} s, {nfind} findings)")
        total += r.seconds
        cpu += r.cpu or 0
        rss = max(rss, r.rss_mb or 0)
    if not ran:
        return None, [], None
    return Run(total, rss, 0, cpu=cpu or None), ran, None


def run_linkchecker(site: Path, timeout: float) -> tuple[Run, str]:
    """scripts/linkcheck.py (it serves the site itself) or plain linkchecker on 127.0.0.1."""
    own = SCRIPTS / "linkcheck.py"
    if own.exists():
        return timed([PY, str(own), str(site)], timeout=timeout), "scripts/linkcheck.py"
    srv = Server(site)
    try:
        exe = Path(PY).parent / "linkchecker"
        args = [str(exe) if exe.exists() else "linkchecker", "--no-status", "-o", "none", srv.url]
        return timed(args, timeout=timeout), "linkchecker"
    finally:
        srv.close()


def run_pagefind(site: Path) -> Run | None:
    try:
        import pagefind  # noqa: F401
    except ImportError:
        return None
    return timed([PY, "-m", "pagefind", "--site", str(site), "--root-selector", "article.md-content__inner", "--quiet"])
