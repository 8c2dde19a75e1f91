#!/bin/sh
# The CI pipeline as one plain shell sequence, for CI systems other than GitLab
# (same steps as .gitlab-ci.yml): checks + strict build -> link check ->
# tests (incl. browser tests) -> publish.  Run from anywhere; stops at the
# first failing step.  Rehearsed by scripts/rehearse_ci.py.
#
# Python: needs Python 3.11.5 or newer as python3, or PYTHON=/path/to/python3.11
# (pymdown-extensions 13 and soupsieve 4, pinned in requirements.txt, require
# it).  Debian 12's own python3 is 3.11.2 and is refused: run this in the image
# .gitlab-ci.yml uses (KB_CI_IMAGE, the official python:3.11 image on Debian 12)
# or with another Python 3.11.5+.  The machine also needs git, ssh and rsync;
# the tests step installs what else it needs (see scripts/deploy/README.md).
#
# Required environment (keep them in the CI system's protected secrets):
#   KB_PUBLISH_TARGETS  space-separated targets, e.g. "deploy@kb1:/srv/kb deploy@kb2:2222:/srv/kb"
#   KB_KNOWN_HOSTS      path to a known_hosts file holding the hosts' keys
#   KB_SSH_KEY          path to the deploy private key
# Optional:
#   PYTHON              the interpreter (default python3); the tests step uses it too
#   KB_PUBLISH=0        stop after the tests (e.g. on branches other than main)
#   KB_PUBLISH_KEEP     releases to keep per host (default 5)
#   KB_TESTS=0          skip the tests step (when the CI system runs `bash .ci/run` as its own job)
set -eu
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
export PYTHON

# fail early, before the long steps
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11, 5))' 2>/dev/null; then
    echo "publish.sh: needs Python 3.11.5 or newer as '$PYTHON' (found: $("$PYTHON" --version 2>&1 || echo none));" \
         "set PYTHON=/path/to/python3.11, or run in the image named by KB_CI_IMAGE in .gitlab-ci.yml" >&2
    exit 2
fi
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11, 5))'; then
    echo "publish.sh: .venv was made with Python older than 3.11.5 ($(.venv/bin/python --version 2>&1)); remove it" >&2
    exit 2
fi
if [ "${KB_PUBLISH:-1}" != "0" ]; then
    : "${KB_PUBLISH_TARGETS:?set KB_PUBLISH_TARGETS (space-separated targets)}"
    : "${KB_KNOWN_HOSTS:?set KB_KNOWN_HOSTS (path to known_hosts)}"
    : "${KB_SSH_KEY:?set KB_SSH_KEY (path to the deploy key)}"
fi

echo "==> setup ($("$PYTHON" --version 2>&1))"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt

# the only run of the checkers: build.py runs check_terms and check_xrefs first
echo "==> checks + strict build (writes site/.kb-build.json)"
.venv/bin/python scripts/build.py

echo "==> link check of the built site (served on 127.0.0.1 only)"
.venv/bin/python scripts/linkcheck.py site

if [ "${KB_TESTS:-1}" = "0" ]; then
    echo "==> KB_TESTS=0: tests not run here"
else
    echo "==> tests (unit, site, browser, publish)"
    bash .ci/run
fi

if [ "${KB_PUBLISH:-1}" = "0" ]; then
    echo "==> KB_PUBLISH=0: not publishing"
    exit 0
fi

echo "==> publish"
export KB_KNOWN_HOSTS KB_SSH_KEY
# shellcheck disable=SC2086  # targets are intentionally word-split
exec .venv/bin/python scripts/publish.py publish site $KB_PUBLISH_TARGETS --keep "${KB_PUBLISH_KEEP:-5}"
