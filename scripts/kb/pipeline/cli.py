"""Rehearse the CI pipeline on this machine, the way GitLab's shell executor runs it.

    python scripts/rehearse_ci.py [--branch main] [--source push] [--with-tests]
                                  [--only gitlab|publish-sh] [--rev REV] [--keep] [-v]

Reads ``.gitlab-ci.yml`` of a clean clone of REV with PyYAML's safe loader
(``extends``, ``default``, ``variables``, ``rules: if:``; ``when: manual`` jobs
are listed, not run) and runs the jobs in stage order, each in a fresh copy of
the clone: ``before_script`` + ``script`` by ``bash -e -o pipefail`` with the
job's variables and the artifacts of the jobs it needs; ``cache: paths`` kept
in .cache/ci-rehearsal/. Publishing goes to a throwaway sshd and nginx on
127.0.0.1 (kb.testhosts). Then the same for scripts/deploy/publish.sh.

Not emulated: ``image:`` (the jobs run on this machine's Python; the image is
reported). The job that runs the whole test suite (``bash .ci/run``, ~5 min) is
skipped unless ``--with-tests``, and always inside a rehearsal (no recursion).
Exit status: 0 every job run passed, 1 otherwise, 2 bad usage or a bad file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .hosts import publish_hosts
from .jobs import Rehearsal, checker_runs, rehearse_gitlab, slug
from .publishsh import rehearse_publish_sh
from .reader import ROOT, Job, PipelineError, add_variables, expand, image_python_version, load, predefined

CI_FILE = ".gitlab-ci.yml"


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="rehearse_ci.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rev", default="HEAD", help="the commit to rehearse (default: HEAD; uncommitted changes are not)")
    ap.add_argument("--branch", default="main", help="CI_COMMIT_BRANCH (default: main)")
    ap.add_argument("--source", default="push", help="CI_PIPELINE_SOURCE (default: push)")
    ap.add_argument("--only", choices=("gitlab", "publish-sh"), help="rehearse only .gitlab-ci.yml or publish.sh")
    ap.add_argument("--with-tests", action="store_true", help="also run the job that runs the whole test suite")
    ap.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a project-level CI/CD variable (overrides the file's), e.g. KB_CI_IMAGE=mirror/python:...",
    )
    ap.add_argument("--no-publish", action="store_true", help="no test sshd/nginx (publish jobs then fail)")
    ap.add_argument("--repo", type=Path, default=ROOT, help="the repository to clone (default: this one)")
    ap.add_argument("--workdir", type=Path, help="where clone, jobs and logs go (default: a temporary directory)")
    ap.add_argument(
        "--cache-dir",
        type=Path,
        default=ROOT / ".cache" / "ci-rehearsal",
        help="persistent job caches, e.g. the pip cache (default: %(default)s)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per job (default: %(default)s)")
    ap.add_argument("-v", "--verbose", action="store_true", help="stream every job's output")
    args = ap.parse_args(argv)
    if any("=" not in v for v in args.var):
        ap.error("--var takes NAME=VALUE")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        args = _args(argv)
        sha = _git("rev-parse", "--verify", f"{args.rev}^{{commit}}", cwd=args.repo)
    except SystemExit as e:
        return int(e.code or 0)
    except (subprocess.CalledProcessError, OSError):
        print(f"rehearse_ci: {args.rev!r} is not a commit of {args.repo}", file=sys.stderr)
        return 2
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="kb-ci-rehearsal-"))).resolve()
    (work / "logs").mkdir(parents=True, exist_ok=True)
    clone, t_start = work / "clone", time.monotonic()
    _git("clone", "-q", "--no-checkout", str(args.repo.resolve()), str(clone))
    _git("checkout", "-q", "-B", args.branch, sha, cwd=clone)
    print(f"==> rehearsing {sha[:12]} (branch {args.branch}, source {args.source}) in {work}", flush=True)
    verify = stop = None
    runs: list[tuple[str, list[Job]]] = []
    failed: list[str] = []
    extra = dict(v.split("=", 1) for v in args.var)
    try:
        if not args.no_publish:
            infra, verify, stop = publish_hosts(work / "infra")
            extra = {**infra, **extra}
            print(f"==> test sshd + nginx on 127.0.0.1: KB_PUBLISH_TARGETS={extra['KB_PUBLISH_TARGETS']}", flush=True)
        r = Rehearsal(
            clone, work, args.cache_dir.resolve(), args.with_tests, args.verbose, args.timeout, extra, args.keep
        )
        env = predefined(args.branch, args.source, sha)

        def published(label: str, jobs: list[Job], publisher: str) -> list[str]:
            if not verify or not any(j.name == publisher and j.status == "passed" for j in jobs):
                return []
            ok, text = verify(sha)
            print(f"    {label} published: {text}", flush=True)
            return [] if ok else [f"{label}: not published"]

        if args.only != "publish-sh":
            doc = load(clone / CI_FILE)
            image = expand(
                (doc.get("default") or {}).get("image", ""), {**add_variables(env, doc.get("variables")), **extra}
            )
            want, have = image_python_version(image), ".".join(map(str, sys.version_info[:3]))
            print(
                f"==> {CI_FILE}: image {image or '-'} is not emulated: the jobs run on this machine's python3 "
                f"(the rehearsal's Python is {have}, the image's {want or 'unknown'}"
                f"{'' if want == have else ' - NOT THE SAME'})",
                flush=True,
            )
            runs.append(("gitlab", rehearse_gitlab(r, doc, env)))
            failed += published("gitlab", runs[-1][1], "publish")
        if args.only != "gitlab":
            job = rehearse_publish_sh(r, env, extra)
            runs.append(("publish.sh", [job]))
            failed += published("publish.sh", [job], "publish.sh")
    except PipelineError as e:
        print(f"rehearse_ci: {e}", file=sys.stderr)
        return 2
    finally:
        if stop:
            stop()
    print(f"\n==> summary ({time.monotonic() - t_start:.0f} s in all; logs in {work / 'logs'})")
    results = [j for _, jobs in runs for j in jobs]
    for j in results:
        print(f"    {j.name:<16} {j.status:<8} {j.seconds:7.1f} s  {j.note}")
    failed += [j.name for j in results if j.status in ("failed", "skipped")]
    for label, jobs in runs:
        counts = checker_runs([work / "logs" / f"{slug(j.name)}.log" for j in jobs])
        if counts:
            print(f"    checkers ({label}): " + ", ".join(f"{k} {v}x" for k, v in sorted(counts.items())))
            failed += [f"{label}: {k} ran {v} times" for k, v in counts.items() if v > 1]
    if not failed and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("==> rehearsal " + ("passed" if not failed else f"FAILED: {', '.join(failed)} (work dir kept: {work})"))
    return 1 if failed else 0
