"""Rehearse the CI pipeline on this machine, the way GitLab's shell executor runs it.

    python scripts/rehearse_ci.py [--branch main] [--source push] [--with-tests]
                                  [--only gitlab|publish-sh] [--rev REV] [--keep] [-v]

Reads ``.gitlab-ci.yml`` of a clean clone of REV with PyYAML's safe loader
(``extends``, ``default``, ``variables``, ``rules: if:``; ``when: manual`` jobs
are listed, not run) and runs the jobs in stage order, each in a fresh copy of
the clone: ``before_script`` + ``script`` by ``bash -e -o pipefail`` with the
job's variables and the artifacts of the jobs it needs; ``cache: paths`` kept
in .cache/ci-rehearsal/. Publishing goes to a throwaway sshd and nginx on
127.0.0.1 (tests/publish_helpers.py). Then the same for scripts/deploy/publish.sh.

Not emulated: ``image:`` (the jobs run on this machine's Python; the image is
reported). The job that runs the whole test suite (``bash .ci/run``, ~5 min) is
skipped unless ``--with-tests``, and always inside a rehearsal (no recursion).
Exit status: 0 every job run passed, 1 otherwise, 2 bad usage or a bad file.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CI_FILE = ".gitlab-ci.yml"
PUBLISH_SH = "scripts/deploy/publish.sh"
GLOBAL_KEYS = {
    "stages",
    "default",
    "variables",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
}
DEFAULT_KEYS = (
    "image",
    "before_script",
    "after_script",
    "cache",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
    "artifacts",
    "hooks",
)
TEST_SUITE = re.compile(r"(^|[\s;&|])(bash\s+)?\.ci/run\b")
CHECKER_LINE = re.compile(r"^==> (check_\w+): ", re.M)
IN_REHEARSAL = "KB_CI_REHEARSAL"


class PipelineError(Exception):
    """The pipeline file cannot be run as written."""


# ---------------------------------------------------------------- reading


def load(path: Path) -> dict:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise PipelineError(f"{path}: not a mapping")
    return doc


def _merge(base: dict, over: dict) -> dict:
    """GitLab's extends: hashes are merged deeply, everything else is replaced."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def resolve(doc: dict, name: str, seen: tuple = ()) -> dict:
    if name in seen:
        raise PipelineError(f"extends loop: {' -> '.join(seen + (name,))}")
    spec = doc.get(name)
    if not isinstance(spec, dict):
        raise PipelineError(f"job or template '{name}' not found")
    out: dict = {}
    for parent in lines(spec.get("extends")):
        out = _merge(out, resolve(doc, parent, seen + (name,)))
    return _merge(out, {k: v for k, v in spec.items() if k != "extends"})


def jobs_of(doc: dict) -> dict[str, dict]:
    """Every visible job, fully resolved (extends, then default for keys it lacks)."""
    default = {k: v for k, v in (doc.get("default") or {}).items() if k in DEFAULT_KEYS}
    return {
        name: {**default, **resolve(doc, name)}
        for name in doc
        if name not in GLOBAL_KEYS and not str(name).startswith(".")
    }


def stages_of(doc: dict) -> list[str]:
    return [".pre", *(doc.get("stages") or ["build", "test", "deploy"]), ".post"]


def expand(text: str, env: dict[str, str]) -> str:
    return re.sub(
        r"\$\$|\$\{(\w+)\}|\$(\w+)",
        lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1) or m.group(2), ""),
        str(text),
    )


def add_variables(env: dict[str, str], variables: dict | None) -> dict[str, str]:
    env = dict(env)
    for k, v in (variables or {}).items():
        env[k] = expand(v.get("value", "") if isinstance(v, dict) else "" if v is None else v, env)
    return env


def lines(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else [x for v in value for x in lines(v)]


def image_python_version(image: str) -> str | None:
    """'python:3.11.7-slim-bookworm' (any registry prefix) -> '3.11.7'."""
    m = re.search(r"(?:^|/)python:(\d+\.\d+\.\d+)(?:-|$)", image)
    return m.group(1) if m else None


# ---------------------------------------------------------------- rules

_TOKEN = re.compile(
    r"\s*(?:(\(|\)|&&|\|\||==|!=|=~|!~)|\$\{?(\w+)\}?|\"([^\"]*)\"|'([^']*)'|(null)\b"
    r"|/((?:\\.|[^/])*)/([a-z]*))"
)


def eval_if(expr: str, env: dict[str, str]) -> bool:
    """A `rules: if:` expression: variables, strings, null, /regex/, == != =~ !~, && ||, parentheses."""
    toks, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise PipelineError(f"cannot parse rules:if at {pos}: {expr!r}")
        op, var, s1, s2, null, rx, flags = m.groups()
        toks.append(
            ("op", op)
            if op
            else ("val", env.get(var))
            if var
            else ("val", None)
            if null
            else ("re", (rx, flags))
            if rx is not None
            else ("val", s1 if s1 is not None else s2)
        )
        pos = m.end()
    toks.append(("end", None))
    i = 0

    def take(kind=None, value=None):
        nonlocal i
        t = toks[i]
        if (kind and t[0] != kind) or (value and t[1] != value):
            raise PipelineError(f"rules:if: unexpected {t[1]!r} in {expr!r}")
        i += 1
        return t

    def operand():
        if toks[i] == ("op", "("):
            take()
            v = disjunction()
            return take("op", ")") and v
        left = take("val")[1]
        op = toks[i][1] if toks[i][0] == "op" and toks[i][1] in ("==", "!=", "=~", "!~") else None
        if not op:
            return bool(left)
        take()
        if op in ("=~", "!~"):
            rx, flags = take("re")[1]
            hit = left is not None and re.search(rx, left, re.I if "i" in flags else 0) is not None
            return hit if op == "=~" else not hit
        right = take("val")[1]
        return (left == right) if op == "==" else (left != right)

    def chain(op, item, combine):
        v = item()
        while toks[i] == ("op", op):
            take()
            v = combine(item(), v)
        return v

    def disjunction():
        return chain("||", lambda: chain("&&", operand, lambda a, b: a and b), lambda a, b: a or b)

    result = disjunction()
    take("end")
    return result


@dataclass
class Job:
    name: str
    stage: str
    spec: dict
    when: str  # on_success | manual | always | on_failure
    allow_failure: bool
    variables: dict = field(default_factory=dict)
    status: str = "pending"
    seconds: float = 0.0
    note: str = ""

    @property
    def needs(self) -> list[tuple[str, bool, bool]] | None:
        """(job, artifacts, optional) per `needs:` entry, or None without needs."""
        if "needs" not in self.spec:
            return None
        return [
            (n, True, False) if isinstance(n, str) else (n["job"], n.get("artifacts", True), n.get("optional", False))
            for n in self.spec["needs"] or []
        ]

    def commands(self) -> list[str]:
        return lines(self.spec.get("before_script")) + lines(self.spec.get("script"))

    def image(self, env: dict[str, str]) -> str:
        image = self.spec.get("image") or ""
        return expand(image.get("name", "") if isinstance(image, dict) else image, env)


def plan(doc: dict, env: dict[str, str]) -> list[Job]:
    """The jobs of a pipeline with these predefined variables, in stage order (file order within a stage)."""
    stages = stages_of(doc)
    env = add_variables(env, doc.get("variables"))
    out = []
    for name, spec in jobs_of(doc).items():
        stage = spec.get("stage", "test")
        if stage not in stages:
            raise PipelineError(f"job '{name}': stage '{stage}' is not in stages")
        when, af, variables = spec.get("when", "on_success"), spec.get("allow_failure"), {}
        if "rules" in spec:
            jenv = add_variables(env, spec.get("variables"))
            rule = next((r for r in spec["rules"] if "if" not in r or eval_if(r["if"], jenv)), None)
            if rule is None:
                continue
            when, variables = rule.get("when", "on_success"), rule.get("variables") or {}
            af = rule.get("allow_failure", af if af is not None else False)
        if when == "never":
            continue
        af = (when == "manual") if af is None else bool(af)
        out.append(Job(name, stage, spec, when, af, variables))
    out.sort(key=lambda j: stages.index(j.stage))
    names = {j.name for j in out}
    for j in out:
        for need, _, optional in j.needs or []:
            if need not in names and not optional:
                raise PipelineError(f"job '{j.name}' needs '{need}', which is not in this pipeline")
    return out


def predefined(branch: str | None, source: str, sha: str, default_branch: str = "main") -> dict[str, str]:
    env = {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": source,
        "CI_DEFAULT_BRANCH": default_branch,
        "CI_COMMIT_SHA": sha,
        "CI_COMMIT_SHORT_SHA": sha[:8],
        "CI_COMMIT_REF_NAME": branch or "",
        "CI_PROJECT_NAME": ROOT.name,
        "CI_SERVER": "yes",
    }
    if branch and source != "merge_request_event":
        env["CI_COMMIT_BRANCH"] = branch
    return env


# ---------------------------------------------------------------- running


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
    return _slug(expand(key, env))


def _publish_infra(base: Path):
    """The throwaway sshd + nginx of the publishing tests: (variables, check, stop)."""
    spec = importlib.util.spec_from_file_location("kb_publish_helpers", ROOT / "tests" / "publish_helpers.py")
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    try:
        helpers.ensure_tools()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # pytest.skip/fail outside pytest
        raise PipelineError(f"cannot start the test sshd/nginx: {e}") from None
    www = helpers.world_readable_tmpdir("kb-ci-rehearsal-www-")  # nginx's workers (nobody) must read it
    served = www / "www"
    sshd = helpers.SSHServer(base / "s")
    nginx = helpers.NginxServer(base / "n", served)
    variables = {
        "KB_PUBLISH_TARGETS": sshd.target(served),
        "KB_SSH_KEY": str(sshd.client_key),
        "KB_KNOWN_HOSTS": str(sshd.known_hosts),
    }

    before = [""]

    def check(sha: str) -> tuple[bool, str]:
        """A new release of this commit is live and nginx serves it."""
        live = os.readlink(served / "current") if (served / "current").is_symlink() else ""
        status = nginx.get("/")[0]
        ok = live.endswith(sha[:12]) and live != before[0] and status == 200
        before[0] = live
        return ok, f"{'ok' if ok else 'NOT PUBLISHED'}: live {live or '-'}, nginx / -> {status}"

    def stop() -> None:
        nginx.stop()
        sshd.stop()
        shutil.rmtree(www, ignore_errors=True)

    return variables, check, stop


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
        job_dir = self.work / "jobs" / _slug(job.name)
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


def _nested() -> bool:
    return bool(os.environ.get(IN_REHEARSAL) or os.environ.get("PYTEST_CURRENT_TEST"))


def _slug(name: str) -> str:
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
        elif any(TEST_SUITE.search(c) for c in job.commands()) and (not r.with_tests or _nested()):
            job.status = "not run"
            job.note = "runs the whole test suite (bash .ci/run" + (
                "): never inside a rehearsal or a test (no recursion)"
                if _nested()
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
            log = r.work / "logs" / f"{_slug(job.name)}.log"
            print("    | " + "\n    | ".join(log.read_text(errors="replace").splitlines()[-40:]), flush=True)
    return jobs


def checker_runs(logs: list[Path]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for log in logs:
        for name in CHECKER_LINE.findall(log.read_text(errors="replace")) if log.exists() else []:
            counts[name] = counts.get(name, 0) + 1
    return counts


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
            infra, verify, stop = _publish_infra(work / "infra")
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
            job = Job("publish.sh", "-", {"script": [f"sh {PUBLISH_SH}"]}, "on_success", False)
            print(f"==> {PUBLISH_SH}: running", flush=True)
            r.extra = {**extra, "PIP_CACHE_DIR": str(r.cache_root / "pip")}
            if not args.with_tests or _nested():
                r.extra["KB_TESTS"] = "0"
                job.note = "tests step off (KB_TESTS=0)" + ("" if _nested() else "; --with-tests runs it")
            r.run(job, {}, env, [])
            print(f"    publish.sh: {job.status} ({job.seconds:.1f} s)" + (f" - {job.note}" if job.note else ""))
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
        counts = checker_runs([work / "logs" / f"{_slug(j.name)}.log" for j in jobs])
        if counts:
            print(f"    checkers ({label}): " + ", ".join(f"{k} {v}x" for k, v in sorted(counts.items())))
            failed += [f"{label}: {k} ran {v} times" for k, v in counts.items() if v > 1]
    if not failed and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("==> rehearsal " + ("passed" if not failed else f"FAILED: {', '.join(failed)} (work dir kept: {work})"))
    return 1 if failed else 0
