"""Running the jobs of a pipeline the way GitLab's shell executor does, one fresh copy each.

Each job runs in a copy of the clean clone: ``before_script`` + ``script`` by
``bash -e -o pipefail`` with the job's variables, the artifacts of the jobs it
needs (or of every earlier stage), its ``cache: paths`` linked to a persistent
directory; then ``after_script``. `rehearse_gitlab` runs a whole plan in stage
order and decides what is run, skipped, manual or left out (the test suite).
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .reader import Job, add_variables, expand, lines, plan, stages_of

TEST_SUITE = re.compile(r"(^|[\s;&|])(bash\s+)?\.ci/run\b")
CHECKER_LINE = re.compile(r"^==> (check_\w+): ", re.M)
IN_REHEARSAL = "KB_CI_REHEARSAL"


def _base_env() -> dict[str, str]:
    """This process's environment without what would leak into a job (our venv, pytest, KB_*/CI_*)."""
    venv = os.environ.get("VIRTUAL_ENV")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KB_", "CI_", "GITLAB_", "PYTEST_")) and k not in ("VIRTUAL_ENV", "PYTHONPATH", "CI")
    }
    if venv:
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(venv))
    return env


def run_commands(commands: list[str], cwd: Path, env: dict[str, str], log: Path, verbose: bool, timeout: float) -> int:
    script = "".join(f"printf '%s\\n' {shlex.quote('$ ' + c)}\n{c}\n" for c in commands)
    (log.parent / f"{log.stem}.sh").write_text(script)
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", str(log.parent / f"{log.stem}.sh")],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        for line in proc.stdout:
            out.write(line)
            if verbose:
                print("    | " + line, end="", flush=True)
            if time.monotonic() > deadline:
                os.killpg(proc.pid, 9)
                out.write(f"\n(rehearsal: killed after {timeout:.0f} s)\n")
                break
        return proc.wait()


def _cache_key(spec: dict, job_dir: Path, env: dict[str, str]) -> str:
    key = spec.get("key", "default")
    if isinstance(key, dict):
        h = hashlib.sha256(
            b"".join((job_dir / f).read_bytes() for f in key.get("files", []) if (job_dir / f).is_file())
        )
        return expand(key.get("prefix", ""), env) + h.hexdigest()[:16]
    return slug(expand(key, env))


@dataclass
class Rehearsal:
    clone: Path
    work: Path
    cache_root: Path
    with_tests: bool
    verbose: bool
    timeout: float
    extra: dict[str, str]
    keep: bool = False
    store: dict[str, Path] = field(default_factory=dict)

    def run(self, job: Job, doc: dict, env: dict[str, str], prior: list[Job]) -> None:
        job_dir = self.work / "jobs" / slug(job.name)
        shutil.copytree(self.clone, job_dir, symlinks=True)
        jenv = {**_base_env(), IN_REHEARSAL: "1"}
        jenv.update(
            add_variables(
                {
                    **env,
                    "CI_PROJECT_DIR": str(job_dir),
                    "CI_BUILDS_DIR": str(job_dir.parent),
                    "CI_JOB_NAME": job.name,
                    "CI_JOB_STAGE": job.stage,
                },
                doc.get("variables"),
            )
        )
        jenv = add_variables(add_variables(jenv, job.spec.get("variables")), job.variables)
        jenv.update(self.extra)
        needs = job.needs
        sources = (
            [n for n, art, _ in needs if art]
            if needs is not None
            else job.spec["dependencies"]
            if "dependencies" in job.spec
            else [p.name for p in prior]
        )
        for src in sources:
            if src in self.store:
                shutil.copytree(self.store[src], job_dir, symlinks=True, dirs_exist_ok=True)
        cache = job.spec.get("cache")
        for c in [cache] if isinstance(cache, dict) else cache or []:
            keep = self.cache_root / _cache_key(c, job_dir, jenv)
            for p in c.get("paths", []):
                target, link = keep / expand(p, jenv), job_dir / expand(p, jenv)
                target.mkdir(parents=True, exist_ok=True)
                link.parent.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(link, ignore_errors=True)
                link.symlink_to(target, target_is_directory=True)
        t0 = time.monotonic()
        rc = run_commands(
            job.commands(), job_dir, jenv, self.work / "logs" / f"{job_dir.name}.log", self.verbose, self.timeout
        )
        if job.spec.get("after_script"):
            run_commands(
                lines(job.spec["after_script"]),
                job_dir,
                jenv,
                self.work / "logs" / f"{job_dir.name}.after.log",
                self.verbose,
                300,
            )
        job.seconds, job.status = time.monotonic() - t0, "failed" if rc else "passed"
        job.note = f"exit {rc}" if rc else job.note
        paths = (job.spec.get("artifacts") or {}).get("paths", [])
        if rc == 0 and paths:
            store = self.work / "artifacts" / job_dir.name
            for p in paths:
                hits = glob.glob(str(job_dir / expand(p, jenv)).rstrip("/"))
                if not hits:
                    print(f"    {job.name}: WARNING: artifacts path {p} matched no files")
                for hit in hits:
                    rel = Path(hit).relative_to(job_dir)
                    (store / rel).parent.mkdir(parents=True, exist_ok=True)
                    (shutil.copytree if os.path.isdir(hit) else shutil.copy2)(hit, store / rel)
            self.store[job.name] = store
        if rc == 0 and not self.keep:
            shutil.rmtree(job_dir, ignore_errors=True)


def nested() -> bool:
    return bool(os.environ.get(IN_REHEARSAL) or os.environ.get("PYTEST_CURRENT_TEST"))


def slug(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name)


def _ok(job: Job) -> bool:
    return job.status in ("passed", "not run") or (job.allow_failure and job.status in ("failed", "manual"))


def rehearse_gitlab(r: Rehearsal, doc: dict, env: dict[str, str]) -> list[Job]:
    jobs = plan(doc, env)
    stages = stages_of(doc)
    by_name = {j.name: j for j in jobs}
    genv = add_variables(env, doc.get("variables"))
    for job in jobs:
        prior = [p for p in jobs if stages.index(p.stage) < stages.index(job.stage)]
        preds = prior if job.needs is None else [by_name[n] for n, _, _ in job.needs if n in by_name]
        if job.when == "manual":
            job.status, job.note = "manual", "when: manual, not run automatically"
        elif job.when == "on_failure" and all(_ok(p) for p in preds):
            job.status, job.note = "not run", "when: on_failure, nothing failed"
        elif job.when == "on_success" and not all(_ok(p) for p in preds):
            job.status, job.note = "skipped", "a job before it did not pass"
        elif any(TEST_SUITE.search(c) for c in job.commands()) and (not r.with_tests or nested()):
            job.status = "not run"
            job.note = "runs the whole test suite (bash .ci/run" + (
                "): never inside a rehearsal or a test (no recursion)"
                if nested()
                else ", ~5 min): --with-tests runs it"
            )
        else:
            print(f"==> [{job.stage}] {job.name}: running (image {job.image({**genv, **r.extra}) or '-'})", flush=True)
            r.run(job, doc, env, prior)
        print(
            f"    {job.name}: {job.status}"
            + (f" ({job.seconds:.1f} s)" if job.seconds else "")
            + (f" - {job.note}" if job.note else ""),
            flush=True,
        )
        if job.status == "failed":
            log = r.work / "logs" / f"{slug(job.name)}.log"
            print("    | " + "\n    | ".join(log.read_text(errors="replace").splitlines()[-40:]), flush=True)
    return jobs


def checker_runs(logs: list[Path]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for log in logs:
        for name in CHECKER_LINE.findall(log.read_text(errors="replace")) if log.exists() else []:
            counts[name] = counts.get(name, 0) + 1
    return counts
