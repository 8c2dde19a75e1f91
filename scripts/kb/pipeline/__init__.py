"""The CI rehearsal: .gitlab-ci.yml and scripts/deploy/publish.sh run job by job on this machine.

reader     reading .gitlab-ci.yml as GitLab does (extends, default, variables, rules: if:), the plan
jobs       running a job in a fresh copy of the clone (variables, artifacts, cache), stage by stage
hosts      the throwaway sshd + nginx on 127.0.0.1 the publish jobs publish to (kb.testhosts)
publishsh  the rehearsal of scripts/deploy/publish.sh
cli        the command: scripts/rehearse_ci.py, `kb rehearse-ci`
"""

from .cli import main
from .reader import (
    Job,
    PipelineError,
    add_variables,
    eval_if,
    expand,
    image_python_version,
    jobs_of,
    load,
    plan,
    predefined,
    stages_of,
)

__all__ = [
    "Job",
    "PipelineError",
    "add_variables",
    "eval_if",
    "expand",
    "image_python_version",
    "jobs_of",
    "load",
    "main",
    "plan",
    "predefined",
    "stages_of",
]
