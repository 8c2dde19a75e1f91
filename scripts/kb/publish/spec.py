"""Parsing a TARGET argument (local directory or ``[user@]host[:port]:/abs/path``) into a target."""

from __future__ import annotations

import os
import re

from .errors import EXIT_USAGE, PublishError
from .local import LocalTarget
from .ssh import SSHTarget
from .target import Target

SAFE_REMOTE_PATH_RE = re.compile(r"^/[A-Za-z0-9._/+@-]*$")
SSH_TARGET_RE = re.compile(
    r"^(?:(?P<user>[A-Za-z0-9._-]+)@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
    r":(?:(?P<port>\d{1,5}):)?(?P<path>.*)$"
)


# SSH targets opened by parse_target(); main() closes their multiplexed connections
OPENED: list[Target] = []


def parse_target(spec: str, opts) -> Target:
    first_slash = spec.find("/")
    colon = spec.find(":")
    if colon != -1 and (first_slash == -1 or colon < first_slash):
        m = SSH_TARGET_RE.match(spec)
        if not m:
            raise PublishError(
                EXIT_USAGE, f"bad target {spec!r}: expected [user@]host[:port]:/abs/path or a local path"
            )
        for part in ("user", "host"):
            if (m.group(part) or "").startswith("-"):
                # ssh (and rsync's ssh) would take it for an option: "-oProxyCommand@h" runs a command
                raise PublishError(EXIT_USAGE, f"bad target {spec!r}: the {part} may not begin with '-'")
        path = m.group("path").rstrip("/")
        if not path.startswith("/"):
            raise PublishError(EXIT_USAGE, f"bad target {spec!r}: remote path must be absolute")
        if not SAFE_REMOTE_PATH_RE.match(path) or "/../" in path + "/" or "/./" in path + "/":
            raise PublishError(
                EXIT_USAGE, f"bad target {spec!r}: remote path may only contain letters, digits and . _ - + @ /"
            )
        port = int(m.group("port")) if m.group("port") else None
        if port is not None and not 0 < port < 65536:
            raise PublishError(EXIT_USAGE, f"bad target {spec!r}: invalid port {port}")
        if not opts.known_hosts:
            raise PublishError(
                EXIT_USAGE,
                f"SSH target {spec!r} needs a known_hosts file: pass --known-hosts FILE "
                f"or set KB_KNOWN_HOSTS (host key checking is never disabled)",
            )
        t = SSHTarget(spec, m.group("user"), m.group("host"), port, path, opts)
        OPENED.append(t)
        return t
    path = spec.rstrip("/") or "/"
    if os.path.abspath(path) == "/":
        raise PublishError(EXIT_USAGE, f"bad target {spec!r}: refusing to publish into /")
    return LocalTarget(spec, path, opts)
