#!/usr/bin/env python3
"""Rehearse .gitlab-ci.yml and scripts/deploy/publish.sh on this machine, job by job.

    .venv/bin/python scripts/rehearse_ci.py [--with-tests] [--only gitlab|publish-sh] [--branch B] [-v]

Each job of the committed pipeline runs in stage order in a fresh copy of a
clean clone, as GitLab's shell executor would run it (variables, before_script,
script, artifacts, rules); the publish job publishes to a throwaway sshd and
nginx on 127.0.0.1. Ends with each job's result and time. Exit status: 0 every
job run passed, 1 otherwise, 2 bad usage. The code is in the package kb.pipeline.
"""

from kb.pipeline.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
