"""Findings and the ruff-like output contract shared by every checker.

Text: ``path:line:col: CODE message``; JSON: a list of objects with ``path``,
``line``, ``col``, ``code``, ``severity``, ``message``. Exit status 0 when clean,
1 on findings, 2 on bad usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


def render(findings: Iterable[Finding], fmt: str = "text") -> str:
    items = sorted(findings)
    if fmt == "json":
        return json.dumps([{k: v for k, v in asdict(f).items()} for f in items], ensure_ascii=False, indent=2)
    return "\n".join(f.text() for f in items)


def exit_code(findings: Iterable[Finding]) -> int:
    return 1 if any(f.severity == "error" for f in findings) else 0


def _codes(opt: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (opt or "").split(",") if c.strip())


def report(findings: Iterable[Finding], fmt: str = "text", select: str | None = None, ignore: str | None = None) -> int:
    """Print ``findings`` (only the codes or code prefixes in ``select``, none
    in ``ignore``, both comma-separated as on the command line) and return the
    exit status. JSON output is always a list, ``[]`` when clean."""
    from .rules import RULES

    unknown = [c for c in _codes(select) + _codes(ignore) if not any(code.startswith(c) for code in RULES)]
    if unknown:  # a typo would turn a check into a pass
        print(f"error: no rule code starts with '{unknown[0]}' (see --help for the codes)", file=sys.stderr)
        return 2
    kept = list(findings)
    if select:
        kept = [f for f in kept if f.code.startswith(_codes(select))]
    if ignore:
        kept = [f for f in kept if not f.code.startswith(_codes(ignore))]
    out = render(kept, fmt)
    if out:
        print(out)
    return exit_code(kept)
