"""One registry of rule codes (kb.model.rules): every code any tool reports is
in it, and the checkers' --help and the content guide are generated from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.model import rules

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r'"((?:KB|TRM|TYP|DUP|CAP|STY|XRF)\d{3})"')


def test_every_code_in_the_code_is_registered() -> None:
    used = {
        (m.group(1), str(p.relative_to(ROOT)))
        for p in (ROOT / "scripts" / "kb").rglob("*.py")
        if p.name != "rules.py"
        for m in CODE.finditer(p.read_text(encoding="utf-8"))
    }
    missing = sorted(f"{code} ({where})" for code, where in used if code not in rules.RULES)
    assert not missing, missing
    assert len({c for c, _ in used}) >= 40


def test_the_content_guide_lists_every_rule() -> None:
    guide = ROOT / "scripts" / "data" / "CONTENT-GUIDE.md"
    assert not rules.sync_guide(guide, check=True), "the rule table of CONTENT-GUIDE.md is stale: run `kb rules`"
    text = guide.read_text(encoding="utf-8")
    assert all(f"`{code}`" in text for code in rules.RULES)


def test_sync_guide_rewrites_a_stale_table(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        "# G\n\n<!-- rules:begin -->\nSTALE-ROW\n<!-- rules:end -->\n\n<!-- terms:begin -->\n<!-- terms:end -->\n",
        encoding="utf-8",
    )
    assert rules.sync_guide(guide, check=True) and "STALE-ROW" in guide.read_text()
    assert rules.sync_guide(guide) and "`XRF001`" in guide.read_text() and "STALE-ROW" not in guide.read_text()
    assert "| 三事分流 | three-way issue triage |" in guide.read_text()
    assert not rules.sync_guide(guide, check=True)


@pytest.mark.parametrize(
    "script, owners",
    [("check_terms.py", ("terms",)), ("check_xrefs.py", ("core", "xrefs", "schema")), ("check.py", ("terms", "xrefs"))],
)
def test_help_lists_the_codes_of_its_rules(script: str, owners: tuple[str, ...]) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--help"], capture_output=True, text=True, check=True
    ).stdout
    for code in rules.of(*owners):
        assert code in out, f"{script} --help lacks {code}"
    assert "(fixable)" in out or "terms" not in owners
