#!/bin/sh
# The CI pipeline as one plain shell sequence, for CI systems other than GitLab
# (same steps as .gitlab-ci.yml): check -> strict build -> link check ->
# tests (incl. browser tests) -> publish.  Run from the repository root on a
# Debian machine; stops at the first failing step.
#
# Required environment (keep them in the CI system's protected secrets):
#   KB_PUBLISH_TARGETS  space-separated targets, e.g. "deploy@kb1:/srv/kb deploy@kb2:2222:/srv/kb"
#   KB_KNOWN_HOSTS      path to a known_hosts file holding the hosts' keys
#   KB_SSH_KEY          path to the deploy private key
# Optional:
#   KB_PUBLISH=0        stop after the tests (e.g. on branches other than main)
#   KB_PUBLISH_KEEP     releases to keep per host (default 5)
set -eu
cd "$(dirname "$0")/../.."

if [ "${KB_PUBLISH:-1}" != "0" ]; then   # fail early, before the long steps
    : "${KB_PUBLISH_TARGETS:?set KB_PUBLISH_TARGETS (space-separated targets)}"
    : "${KB_KNOWN_HOSTS:?set KB_KNOWN_HOSTS (path to known_hosts)}"
    : "${KB_SSH_KEY:?set KB_SSH_KEY (path to the deploy key)}"
fi

echo "==> setup + checks"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
.venv/bin/python scripts/check_terms.py
.venv/bin/python scripts/check_xrefs.py

echo "==> strict build (writes site/.kb-build.json)"
.venv/bin/python scripts/build.py

echo "==> link check of the built site (served on 127.0.0.1 only)"
.venv/bin/python scripts/linkcheck.py site

echo "==> tests (unit, site, browser, publish)"
bash .ci/run

if [ "${KB_PUBLISH:-1}" = "0" ]; then
    echo "==> KB_PUBLISH=0: not publishing"
    exit 0
fi

echo "==> publish"
export KB_KNOWN_HOSTS KB_SSH_KEY
# shellcheck disable=SC2086  # targets are intentionally word-split
exec python3 scripts/publish.py publish site $KB_PUBLISH_TARGETS --keep "${KB_PUBLISH_KEEP:-5}"
