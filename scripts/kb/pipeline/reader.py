"""Reading .gitlab-ci.yml as GitLab does: extends, default, variables, rules: if:, the plan.

PyYAML's safe loader; ``extends`` merges hashes deeply and replaces the rest;
``default`` fills the keys a job lacks; ``rules: if:`` expressions are evaluated
with the predefined variables (`predefined`). `plan` gives the jobs of one
pipeline in stage order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
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


class PipelineError(Exception):
    """The pipeline file cannot be run as written."""


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
