"""The shape of scripts/: layers, no import cycle, small files, one of each convention.

``kb.model`` is the bottom layer and imports no other part of ``kb``;
``kb.checks`` and ``kb.build`` are peers that import the model only, never
each other; ``kb.publish`` uses the standard library alone (CI's publish job
runs it on a bare Python). Every import is read from the source (also the
ones inside functions), so a deferred import cannot hide a cycle.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
KB = SCRIPTS / "kb"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SCRIPTS).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``kb`` module that ``path`` imports, at module level or inside a function."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {  # imports under "if TYPE_CHECKING:" never run
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "kb"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "kb":
                continue
            for a in node.names:  # "from kb.model import terms" imports the module kb.model.terms
                sub = f"{mod}.{a.name}"
                out.add(sub if _exists(sub) else mod)
    return out


def _exists(module: str) -> bool:
    p = SCRIPTS.joinpath(*module.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(KB.rglob("*.py"))}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_import_graph_has_no_cycle() -> None:
    g = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(g.get(m, ())):
            if n not in g:
                continue
            if state.get(n) == 1:
                cycle = stack[stack.index(n) :] + [n]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m)


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        ("model", {"checks", "build", "publish", "bench", "cli", "runner", "importer", "reports", "pipeline"}),
        ("checks", {"build", "publish", "bench", "cli", "runner", "importer", "pipeline"}),
        ("build", {"checks", "publish", "bench", "cli", "runner", "importer", "pipeline"}),
        ("publish", {"model", "checks", "build", "bench", "cli", "runner", "importer", "pipeline"}),
    ],
)
def test_layers_import_only_what_is_below_them(layer: str, forbidden: set[str]) -> None:
    bad = [
        f"{m} imports {n}" for m, deps in graph().items() if _layer(m) == layer for n in deps if _layer(n) in forbidden
    ]
    assert not bad, "\n".join(bad)


def test_the_walker_sees_a_deferred_import(tmp_path: Path) -> None:
    # the old cycle hid in a function body: the walker must read such imports
    src = tmp_path / "x.py"
    src.write_text("def f():\n    from kb.build import features\n", encoding="utf-8")
    mod = ast.parse(src.read_text())
    found = [n for n in ast.walk(mod) if isinstance(n, ast.ImportFrom)]
    assert found and found[0].module == "kb.build"


def test_publish_runs_on_the_standard_library_alone() -> None:
    # CI's publish job runs scripts/publish.py with a bare Python: -S leaves out site-packages
    proc = subprocess.run(
        [sys.executable, "-S", str(SCRIPTS / "publish.py"), "--help"], capture_output=True, text=True, cwd="/"
    )
    assert proc.returncode == 0, proc.stderr
    assert "publish" in proc.stdout


def test_no_python_file_is_over_about_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in SCRIPTS.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert not long, long


def test_no_sys_path_manipulation() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*SCRIPTS.rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
        if re.search(r"sys\.path\.(insert|append)|PYTHONPATH=", p.read_text(encoding="utf-8")) and p != Path(__file__)
    ]
    assert not offenders, offenders


@pytest.mark.parametrize(
    "pattern, home",
    [
        (r'COLLECTIONS = \{"', "kb/model/tree.py"),
        (r"<!--\\s\*kb:", "kb/model/tree.py"),
        (r"kb-tbs\[", "kb/model/tbs.py"),
        (r"CSafeLoader|yaml\.SafeLoader\)|add_multi_constructor", "kb/model/yamlio.py"),
        (r"def relative_url|def rel_href", "kb/model/tree.py"),
        (r"def (base_path|lang_path|doc_lang)\(", "kb/model/tree.py"),
        (r"SINGLE_LANGUAGE_FILE = ", "kb/model/tree.py"),
        (r'(?m)^\s*"XRF020",\s*$', "kb/model/config.py"),
    ],
)
def test_each_convention_is_defined_once(pattern: str, home: str) -> None:
    where = sorted(
        str(p.relative_to(SCRIPTS)) for p in SCRIPTS.rglob("*.py") if re.search(pattern, p.read_text(encoding="utf-8"))
    )
    assert where == [home], f"{pattern!r} is defined in {where}, expected only in {home}"
