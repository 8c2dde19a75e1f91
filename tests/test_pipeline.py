"""The CI pipeline as written: its image's Python admits every pin, .gitlab-ci.yml and
scripts/deploy/publish.sh have the right shape, and the rehearsal's runner works.

The full rehearsal of the real pipeline (every job in a clean clone, about 6 minutes) is too
slow for the test command: it is `.venv/bin/python scripts/rehearse_ci.py` (README, deploy README).
Here: the cheap checks, read with the rehearsal's own reader (kb.pipeline), and a rehearsal of a
small synthetic pipeline in a throwaway repository that publishes to the test sshd + nginx.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from kb import pipeline

ROOT = Path(__file__).resolve().parents[1]
DOC = pipeline.load(ROOT / ".gitlab-ci.yml")
IMAGE = DOC["variables"]["KB_CI_IMAGE"]  # the one place the image (and its Python) is named
GUARD = re.compile(r"sys\.version_info < \((\d+), (\d+), (\d+)\)")
# what runs a checker: the checkers themselves, check.py (both), build.py (both, then the build)
CHECKERS = {
    name: re.compile(rf"{name}\.py|scripts/check\.py|scripts/build\.py|\bkb (check|{name.replace('_', '-')}|build)\b")
    for name in ("check_terms", "check_xrefs")
}


def image_python() -> str:
    version = pipeline.image_python_version(IMAGE)
    assert version, f"KB_CI_IMAGE={IMAGE!r} is not an official python:X.Y.Z-... image"
    return version


def pins() -> list[str]:
    out = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            out.append(line)
    return out


def installed(name: str) -> tuple[str, str | None, list[str]]:
    """(version, Requires-Python, Requires-Dist) of an installed distribution."""
    dist = importlib.metadata.distribution(name)
    return dist.version, dist.metadata.get("Requires-Python"), dist.requires or []


def requires_python_problems(python: str, requirements: list[str], lookup=installed) -> tuple[list[str], set[str]]:
    """Every distribution the requirements pull in (markers evaluated for `python`) whose
    Requires-Python does not admit `python`; also pins whose installed version differs."""
    env = {"python_version": ".".join(python.split(".")[:2]), "python_full_version": python}
    problems, seen, todo = [], set(), [(Requirement(r), True) for r in requirements]
    while todo:
        req, pinned = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            version, requires_python, requires = lookup(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{req.name}: not installed, its metadata cannot be read")
            continue
        if pinned and not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}: installed {version}, pinned {req.specifier} (stale .venv?)")
        if requires_python and not SpecifierSet(requires_python).contains(python, prereleases=True):
            problems.append(f"{req.name} {version}: Requires-Python {requires_python} excludes Python {python}")
        for dep in map(Requirement, requires):
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in sorted(req.extras) or [""]):
                todo.append((dep, False))
    return problems, seen


# ---------------------------------------------------------------- the image's Python


def test_image_python_satisfies_requires_python_of_every_pin():
    problems, seen = requires_python_problems(image_python(), pins())
    assert not problems, f"{IMAGE}:\n" + "\n".join(problems)
    assert len(seen) > len(pins()) > 10, "the pins' dependencies were not followed"


def test_the_check_fails_for_a_pin_above_the_images_python():
    major, minor, patch = map(int, image_python().split("."))
    fake = {
        "site-tool": ("2.0", ">=3.9", ["newer-lib>=1; python_version >= '3.8'", "dev-only; extra == 'dev'"]),
        "newer-lib": ("1.4", f">={major}.{minor}.{patch + 1}", []),
        "dev-only": ("1.0", ">=3.14", []),
    }
    problems, seen = requires_python_problems(image_python(), ["site-tool==2.0"], lambda n: fake[n])
    assert problems == [f"newer-lib 1.4: Requires-Python {fake['newer-lib'][1]} excludes Python {image_python()}"]
    assert "dev-only" not in seen  # an extra nobody asked for is not followed
    problems, _ = requires_python_problems(image_python(), ["site-tool==2.1"], lambda n: fake[n])
    assert problems[0].startswith("site-tool: installed 2.0, pinned ==2.1")
    # the real pins on Debian 12's own python3: exactly the reason for the image
    problems, _ = requires_python_problems("3.11.2", pins())
    assert any(p.startswith("pymdown-extensions") for p in problems) and any(
        p.startswith("soupsieve") for p in problems
    )


def test_every_python_guard_admits_every_pin_and_the_image_passes_it():
    image = tuple(map(int, image_python().split(".")))
    files = [ROOT / ".gitlab-ci.yml", ROOT / "scripts" / "deploy" / "publish.sh", ROOT / "scripts" / "dev"]
    for f in files:
        guards = GUARD.findall(f.read_text())
        assert guards, f"{f.name}: no Python version guard"
        for guard in {tuple(map(int, g)) for g in guards}:
            problems, _ = requires_python_problems(".".join(map(str, guard)), pins())
            assert not problems, f"{f.name} lets Python {guard} through, too old for:\n" + "\n".join(problems)
            assert image >= guard, f"{f.name}: the image's Python {image} fails its own guard {guard}"
    pyproject = ROOT / "pyproject.toml"
    if pyproject.exists():
        spec = tomllib.loads(pyproject.read_text()).get("project", {}).get("requires-python")
        assert not spec or SpecifierSet(spec).contains(image_python()), spec


# ---------------------------------------------------------------- .gitlab-ci.yml


def plan(branch="main", source="push"):
    return {j.name: j for j in pipeline.plan(DOC, pipeline.predefined(branch, source, "0" * 40))}


def test_every_job_runs_in_the_one_image_and_checks_its_python_first():
    assert IMAGE.startswith("python:3.11.") and IMAGE.endswith("-slim-bookworm"), IMAGE  # official, Debian 12
    env = pipeline.add_variables({}, DOC["variables"])
    for name, job in plan().items():
        assert job.spec.get("image") == "$KB_CI_IMAGE", name
        assert job.image(env) == IMAGE, name
        assert GUARD.search(job.commands()[0]), f"{name}: the Python guard is not its first command"


def test_the_checkers_run_once_per_pipeline():
    for branch in ("main", "feature"):
        jobs = [j for j in plan(branch).values() if j.when != "manual"]
        for checker, pattern in CHECKERS.items():
            runs = [(j.name, c) for j in jobs for c in j.commands() if pattern.search(c)]
            assert len(runs) == 1, (branch, checker, runs)
    body = [
        line
        for line in (ROOT / "scripts" / "deploy" / "publish.sh").read_text().splitlines()
        if not line.lstrip().startswith("#")
    ]
    for checker, pattern in CHECKERS.items():
        assert sum(bool(pattern.search(line)) for line in body) == 1, checker


def test_publish_only_on_main_with_the_built_site_and_every_script_exists():
    main = plan()
    assert {"build", "linkcheck", "browser-tests", "publish"} <= set(main)
    assert main["publish"].when == "on_success"
    assert ("build", True, False) in main["publish"].needs
    assert {n for n, _, _ in main["publish"].needs} == {"build", "linkcheck", "browser-tests"}
    assert "site/" in main["build"].spec["artifacts"]["paths"]
    assert main["rollback"].when == main["publish-status"].when == "manual"
    for branch, source in (("feature", "push"), ("main", "merge_request_event")):
        assert not {"publish", "rollback", "publish-status"} & set(plan(branch, source)), (branch, source)
    for job in main.values():
        for script in re.findall(r"scripts/[\w/.-]+\.py", " ".join(job.commands())):
            assert (ROOT / script).is_file(), f"{job.name}: {script} does not exist"


def test_rules_if_expressions():
    env = {"A": "main", "E": ""}
    cases = {
        '$A == "main"': True,
        "$A != 'main'": False,
        "$B == null": True,
        "$E": False,
        "$A": True,
        '$A =~ /^ma/ && ($B || $A != "x")': True,
        '$A !~ /^MA/i || $A == "y"': False,
    }
    for expr, want in cases.items():
        assert pipeline.eval_if(expr, env) is want, expr
    with pytest.raises(pipeline.PipelineError):
        pipeline.eval_if("$A = 'main'", env)


def test_publish_sh_refuses_an_old_python_at_once(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.11.2' && exit 0\nexit 1\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    p = subprocess.run(
        ["sh", str(ROOT / "scripts" / "deploy" / "publish.sh")],
        env={**env, "PYTHON": str(fake)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert p.returncode == 2, p.stderr
    assert "needs Python 3.11.5 or newer" in p.stderr and "found: Python 3.11.2" in p.stderr, p.stderr
    assert not p.stdout, "nothing may run before the Python check"


# ---------------------------------------------------------------- the rehearsal's runner

SYNTHETIC = """\
stages: [one, two, three]
variables:
  GREETING: hello
  DERIVED: "${GREETING}-world"
default:
  image: $IMG
  before_script: ['echo "before $CI_JOB_NAME" >> trace']
.tpl:
  variables: {FROM_TPL: tpl}
make:
  stage: one
  extends: .tpl
  before_script: [mkdir -p out]
  script:
    - echo "$DERIVED $FROM_TPL" > out/msg
    - test -n "$CI_COMMIT_BRANCH" && test ! -e trace
    - '"$KB_PY" -m kb.testhosts make-site site v1 --commit "$CI_COMMIT_SHA"'
  artifacts: {paths: [out/, site/]}
use:
  stage: two
  needs: [make]
  script: ['grep -qx "hello-world tpl" out/msg', 'grep -qx "before use" trace']
no-artifacts:
  stage: two
  needs: []
  script: ['test ! -e out/msg']
broken:
  stage: two
  script: ['false', 'echo not reached > reached']
after-broken:
  stage: three
  script: ['true']
publish:
  stage: three
  needs: [make, use]
  rules: [{if: '$CI_COMMIT_BRANCH == "main"'}]
  script: ['python3 "$KB_REPO/scripts/publish.py" publish site $KB_PUBLISH_TARGETS']
by-hand:
  stage: three
  rules: [{if: '$CI_COMMIT_BRANCH == "main"', when: manual}]
  script: ['exit 1']
suite:
  stage: three
  needs: []
  script: ['bash .ci/run']
"""


def test_the_rehearsal_runs_a_pipeline_as_gitlab_would(tmp_path, capsys):
    if os.geteuid() != 0:
        pytest.skip("the rehearsal's publish step starts the test sshd (root)")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".gitlab-ci.yml").write_text(SYNTHETIC)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "synthetic"], check=True)
    common = [
        "--repo",
        str(repo),
        "--only",
        "gitlab",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--var",
        f"KB_REPO={ROOT}",
        "--var",
        f"KB_PY={sys.executable}",
    ]
    rc = pipeline.main(
        [*common, "--workdir", str(tmp_path / "w"), "--with-tests", "--var", "IMG=python:3.11.7-slim-bookworm"]
    )
    out = capsys.readouterr().out
    status = dict(re.findall(r"^    ([\w.-]+) +(passed|failed|skipped|manual|not run) ", out, re.M))
    assert status == {
        "make": "passed",
        "use": "passed",
        "no-artifacts": "passed",
        "broken": "failed",
        "after-broken": "skipped",
        "publish": "passed",
        "by-hand": "manual",
        "suite": "not run",
    }, out
    assert rc == 1 and "FAILED: broken, after-broken" in out
    assert "image python:3.11.7-slim-bookworm" in out and "no recursion" in out
    assert re.search(r"gitlab published: ok: live releases/\S+-[0-9a-f]{12}, nginx / -> 200", out), out
    assert not (tmp_path / "w" / "jobs" / "broken" / "reached").exists()
    # a feature branch: no publish job, and nothing failing once `broken` is gone
    (repo / ".gitlab-ci.yml").write_text(SYNTHETIC.replace("['false', ", "['true', "))
    subprocess.run([*git, "commit", "-q", "-am", "fixed"], check=True)
    rc = pipeline.main([*common, "--branch", "feature", "--no-publish", "--var", "IMG=x"])
    out = capsys.readouterr().out
    status = dict(re.findall(r"^    ([\w.-]+) +(passed|failed|skipped|manual|not run) ", out, re.M))
    assert status == {
        "make": "passed",
        "use": "passed",
        "no-artifacts": "passed",
        "broken": "passed",
        "after-broken": "passed",
        "suite": "not run",
    }, out
    assert rc == 0 and "==> rehearsal passed" in out
    assert pipeline.main(["--rev", "no-such-rev"]) == 2
    assert pipeline.main(["--var", "novalue"]) == 2
