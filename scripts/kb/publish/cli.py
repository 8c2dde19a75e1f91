"""The command line: argument parser, help epilog, signal handling and ``main()``."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import tempfile

from .commands import cmd_publish, cmd_rollback, cmd_status
from .errors import EXIT_CODES, EXIT_INTERRUPTED, EXIT_USAGE, PublishError, err
from .spec import OPENED

# the first paragraph of scripts/publish.py's docstring (the --help description)
DESCRIPTION = "Publish the built knowledge-base site to intranet hosts: atomic, verified, reversible."

DEFAULT_KEEP = 5
DEFAULT_STALE_AFTER = 3600
DEFAULT_CONNECT_TIMEOUT = 10


def _exit_code_help() -> str:
    return "exit codes:\n" + "\n".join(f"  {c:>3}  {d}" for c, d in EXIT_CODES)


EPILOG = f"""\
targets:
  /srv/kb                    local directory (publish root)
  user@host:/srv/kb          SSH (port 22)
  user@host:2222:/srv/kb     SSH on port 2222
  nginx serves ROOT/current; releases live in ROOT/releases/.

environment:
  KB_KNOWN_HOSTS   known_hosts file for SSH targets (same as --known-hosts; required for SSH)
  KB_SSH_KEY       private key file (same as --identity)

{_exit_code_help()}
"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--known-hosts",
        default=os.environ.get("KB_KNOWN_HOSTS") or None,
        help="known_hosts file with the hosts' keys (env KB_KNOWN_HOSTS); required for SSH targets",
    )
    common.add_argument(
        "--identity", default=os.environ.get("KB_SSH_KEY") or None, help="SSH private key file (env KB_SSH_KEY)"
    )
    common.add_argument(
        "--connect-timeout",
        type=int,
        default=DEFAULT_CONNECT_TIMEOUT,
        help="SSH connect timeout in seconds (default %(default)s)",
    )
    common.add_argument("--command-timeout", type=int, default=600, help=argparse.SUPPRESS)
    common.add_argument(
        "--break-stale-lock",
        action="store_true",
        help="remove a lock left by a killed publish (pid gone / older than --stale-after)",
    )
    common.add_argument(
        "--stale-after",
        type=int,
        default=DEFAULT_STALE_AFTER,
        help="treat a lock older than this many seconds as stale (default %(default)s)",
    )

    p = argparse.ArgumentParser(
        prog="publish.py", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser(
        "publish",
        parents=[common],
        help="upload, verify and switch to a new release",
        usage="%(prog)s [options] SITE_DIR TARGET [TARGET ...]\n       %(prog)s --resume [options] TARGET [TARGET ...]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    pp.add_argument("site_dir", metavar="SITE_DIR")
    pp.add_argument("targets", metavar="TARGET", nargs="*")
    pp.add_argument(
        "--resume",
        action="store_true",
        help="no SITE_DIR: bring targets in a mixed state (a publish killed between two switches) "
        "to the newest live release among them, after verifying it on each",
    )
    pp.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP,
        help="releases to keep per target after a successful switch (default %(default)s)",
    )
    pp.add_argument(
        "--allow-dirty", action="store_true", help="accept a site built from uncommitted changes (marker dirty: true)"
    )
    pp.add_argument(
        "--bwlimit", type=int, default=None, metavar="KBPS", help="rsync bandwidth limit in KiB/s (default: unlimited)"
    )
    pr = sub.add_parser(
        "rollback",
        parents=[common],
        help="switch back to an earlier release",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    pr.add_argument("target", metavar="TARGET")
    pr.add_argument(
        "release", metavar="RELEASE", nargs="?", help="release name (default: the release before the live one)"
    )
    ps = sub.add_parser(
        "status",
        parents=[common],
        help="list releases and the live one",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    ps.add_argument("targets", metavar="TARGET", nargs="+")
    return p


def _on_signal(signum, frame):
    raise PublishError(EXIT_INTERRUPTED, f"interrupted by signal {signal.Signals(signum).name}")


def _prepare_ssh_files(opts, cleanup: list[str]) -> None:
    if opts.known_hosts:
        if not os.path.isfile(opts.known_hosts):
            raise PublishError(EXIT_USAGE, f"known_hosts file {opts.known_hosts!r} does not exist")
        opts.known_hosts = os.path.abspath(opts.known_hosts)
    if opts.identity:
        if not os.path.isfile(opts.identity):
            raise PublishError(EXIT_USAGE, f"identity file {opts.identity!r} does not exist")
        opts.identity = os.path.abspath(opts.identity)
        if os.stat(opts.identity).st_mode & 0o077:
            # ssh refuses group/world-readable keys (CI "file" variables often are); use a private copy
            d = tempfile.mkdtemp(prefix="kb-publish-")
            cleanup.append(d)
            copy = os.path.join(d, "id")
            with (
                open(opts.identity, "rb") as src,
                os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as dst,
            ):
                dst.write(src.read())
            opts.identity = copy


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    opts = parser.parse_args(argv)
    if getattr(opts, "keep", 1) < 1:
        parser.error("--keep must be at least 1")
    if opts.cmd == "publish":
        if opts.resume:
            opts.targets, opts.site_dir = [opts.site_dir, *opts.targets], None
        elif not opts.targets:
            parser.error("publish needs SITE_DIR and at least one TARGET (or --resume TARGET...)")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    cleanup: list[str] = []
    opts.control_dir = None
    try:
        _prepare_ssh_files(opts, cleanup)
        if os.environ.get("KB_SSH_NO_MULTIPLEX", "") in ("", "0"):
            # unix socket paths are limited to ~108 bytes; %C expands to 40 hex digits
            base = tempfile.gettempdir()
            if len(base) > 50:
                base = "/tmp"
            opts.control_dir = tempfile.mkdtemp(prefix="kb-ssh-", dir=base)
            cleanup.append(opts.control_dir)
        if opts.cmd == "publish":
            return cmd_publish(opts)
        if opts.cmd == "rollback":
            return cmd_rollback(opts)
        return cmd_status(opts)
    except PublishError as exc:
        where = f" on target {exc.target.label}" if exc.target else ""
        err(f"{opts.cmd} failed{where}: {exc.message}")
        return exc.code
    finally:
        for t in OPENED:
            try:
                t.close()
            except (OSError, subprocess.SubprocessError):
                pass
        OPENED.clear()
        for d in cleanup:
            shutil.rmtree(d, ignore_errors=True)
