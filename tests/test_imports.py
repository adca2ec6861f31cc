"""The layering promise: imports point one way through the stages, and there is no cycle.

    config, vocab, contract, errors, _* → io → clean → measure → publish → report, qa, synth → cli

Every ``import`` statement of every module counts, module level or inside a function (a lazy
import is still a dependency). A package importing its own submodules (its face) is not an edge.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "impact"

#: the stage of each top-level name under impact (higher may import lower, never the reverse)
LAYERS = {
    "_version": 0,
    "_text": 0,
    "_compat": 0,
    "_memory": 0,
    "errors": 0,
    "config": 0,
    "vocab": 0,
    "contract": 0,
    "programme": 0,
    "io": 1,
    "clean": 2,
    "measure": 3,
    "publish": 4,
    "report": 5,
    "qa": 6,
    "synth": 6,
    "cli": 7,
    "console": 7,
    "__main__": 8,
}


def _modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        rel = f.relative_to(SRC).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = f
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The impact modules ``name`` imports (the most specific module each import names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name and not t.startswith(name + "."):
                found.add(t)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None  # the root face is no layer


def test_every_top_level_module_has_a_layer():
    tops = {m.split(".")[1] for m in MODULES if "." in m}
    assert tops - set(LAYERS) == set(), "give each new top-level module a layer in LAYERS"


def _upward(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, deps in graph.items():
        mine = _layer(module)
        if mine is None:
            continue
        for dep in sorted(deps):
            theirs = _layer(dep)
            if dep == "impact":
                found.append(f"{module} imports the package root (import the defining module instead)")
            elif theirs is not None and theirs > mine:
                found.append(f"{module} (stage {mine}) imports {dep} (stage {theirs})")
    return found


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    found = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                found.append(" → ".join([*stack[stack.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_no_module_imports_a_later_stage():
    assert _upward(GRAPH) == []


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


def test_the_checks_find_a_cycle_and_an_upward_import():
    """The two checks can fail: on a made-up graph they find both problems."""
    fake = {"impact.io.raw": {"impact.publish.results"}, "impact.publish.results": {"impact.io.raw"}}
    assert _upward(fake) == ["impact.io.raw (stage 1) imports impact.publish.results (stage 4)"]
    assert _cycles(fake) == ["impact.io.raw → impact.publish.results → impact.io.raw"]


def test_every_module_declares_all():
    missing = [
        name
        for name, path in MODULES.items()
        if not any(
            isinstance(n, ast.Assign | ast.AnnAssign)
            and any(
                getattr(t, "id", None) == "__all__"
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            )
            for n in ast.parse(path.read_text(encoding="utf-8")).body
        )
    ]
    assert missing == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.endswith("__main__")))
def test_every_module_imports(module):
    importlib.import_module(module)


def test_import_impact_is_light_and_exposes_the_notebook_api():
    code = (
        "import sys, impact; heavy = [m for m in ('pandas', 'plotly', 'scipy', 'nbconvert') if m in sys.modules];"
        "print(heavy); print(sorted(impact.__all__))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "[]"
    for name in ("build", "clean", "legend", "load", "present"):
        assert name in out[1]
    import impact

    assert callable(impact.clean)
    assert callable(impact.build)
    assert callable(impact.present)
