#!/usr/bin/env python3
"""Publish the built knowledge-base site to intranet hosts: atomic, verified, reversible.

Layout on every target (TARGET is the *publish root*):

    ROOT/releases/<YYYYmmddTHHMMSSZ>-<commit12>/   one directory per release
    ROOT/releases/.partial-<name>/                 upload in progress (never served)
    ROOT/current -> releases/<name>                symlink served by nginx
    ROOT/.kb-publish.lock/owner.json               held while a publish/rollback runs

Sub-commands:

    publish SITE_DIR TARGET [TARGET ...]   upload + verify on all targets, then switch all
    publish --resume TARGET [TARGET ...]   bring targets on different releases together
    rollback TARGET [RELEASE]              switch back (default: release before the live one)
    status TARGET [TARGET ...]             releases, the live one, the lock; exit 13 if targets disagree

TARGET is either a local directory (``/srv/kb``) or ``[user@]host:/abs/path``
over SSH; a non-default SSH port goes into the target: ``user@host:2222:/abs/path``.
SSH targets need a known_hosts file (``--known-hosts`` / ``KB_KNOWN_HOSTS``);
host keys are always checked strictly.  See scripts/deploy/README.md.

The code lives in the package scripts/kb/publish/ (standard library only); this
file is the entry point that the README, CI and scripts/deploy/publish.sh call.
"""

from kb.publish.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
