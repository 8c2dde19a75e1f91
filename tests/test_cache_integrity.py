"""The checkers' cache can never change an answer nor run code (issue 20, item 10).

A damaged entry (any changed byte) is a miss: the page is parsed and checked
again. The file is JSON, read without constructing anything but the
project's own plain data classes.
"""

from __future__ import annotations

import pickle
import random
import shutil
from pathlib import Path

import pytest

from kb.checks import cli
from kb.model.findings import render
from kb.model.site import Site, _cache_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def damaged_docs(tmp_path: Path) -> Path:
    """A small docs tree with findings of several rules (terms, typography, links)."""
    docs = tmp_path / "docs"
    for part in ("course", "cases"):
        shutil.copytree(ROOT / "docs" / part, docs / part)
    for name in ("index.md", "index.en.md", "glossary.md", "glossary.en.md"):
        shutil.copy2(ROOT / "docs" / name, docs / name)
    page = docs / "course" / "overview.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("。", ",", 2) + "\n[坏链接](nowhere.md)\n", encoding="utf-8")
    return docs


def check(docs: Path) -> str:
    return render(cli.run(docs, "docs/", None))


def test_a_cache_that_would_run_code_is_never_executed(damaged_docs: Path, tmp_path: Path) -> None:
    expected = check(damaged_docs)
    proof = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (proof,))

    _cache_path(damaged_docs).write_bytes(pickle.dumps((None, {"x": Exploit()})))
    assert check(damaged_docs) == expected
    assert not proof.exists(), "loading the cache ran code"


def test_a_changed_severity_in_the_cache_is_a_miss(damaged_docs: Path) -> None:
    expected = check(damaged_docs)
    assert "error" in expected or "TYP001" in expected
    cache = _cache_path(damaged_docs)
    data = cache.read_bytes()
    severity = b'"severity":"error"'
    assert severity in data
    cache.write_bytes(data.replace(severity, severity.replace(b"error", b"warning")))
    assert check(damaged_docs) == expected


def test_random_single_byte_changes_never_change_the_findings(damaged_docs: Path) -> None:
    expected = check(damaged_docs)
    cache = _cache_path(damaged_docs)
    clean = cache.read_bytes()
    rng = random.Random(20)
    for _ in range(60):
        data = bytearray(clean)
        i = rng.randrange(len(data))
        data[i] = (data[i] + rng.randrange(1, 255)) % 256
        cache.write_bytes(bytes(data))
        assert check(damaged_docs) == expected, f"byte {i} changed the findings"
        cache.write_bytes(clean)


def test_a_cached_page_equals_a_fresh_parse(damaged_docs: Path) -> None:
    cold = Site.load(damaged_docs)
    warm = Site.load(damaged_docs)
    assert warm.docs == cold.docs == Site.load(damaged_docs, cache=False).docs
