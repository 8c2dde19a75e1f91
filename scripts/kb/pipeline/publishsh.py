"""The rehearsal of scripts/deploy/publish.sh: the whole script as one job in a fresh copy."""

from __future__ import annotations

from .jobs import Rehearsal, nested
from .reader import Job

PUBLISH_SH = "scripts/deploy/publish.sh"


def rehearse_publish_sh(r: Rehearsal, env: dict[str, str], extra: dict[str, str]) -> Job:
    """Run publish.sh with the pipeline's variables; its tests step only with --with-tests, never nested."""
    job = Job("publish.sh", "-", {"script": [f"sh {PUBLISH_SH}"]}, "on_success", False)
    print(f"==> {PUBLISH_SH}: running", flush=True)
    r.extra = {**extra, "PIP_CACHE_DIR": str(r.cache_root / "pip")}
    if not r.with_tests or nested():
        r.extra["KB_TESTS"] = "0"
        job.note = "tests step off (KB_TESTS=0)" + ("" if nested() else "; --with-tests runs it")
    r.run(job, {}, env, [])
    print(f"    publish.sh: {job.status} ({job.seconds:.1f} s)" + (f" - {job.note}" if job.note else ""))
    return job
