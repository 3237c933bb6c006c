"""The import rules of docs/ARCHITECTURE.md, checked on the source (ast): every library
module has a layer, imports only its own layer or lower ones, and there is no import
cycle in lib/ (imports inside functions count; ``if TYPE_CHECKING:`` blocks do not)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "mutualism"

#: The layers, lowest first (docs/ARCHITECTURE.md, "Layers"). A module may import modules
#: of its own layer or of a lower one.
LAYERS = {
    "base": {"errors", "fileio", "resources", "config", "countries", "reference", "cache", "parallel",
             "published", "verdict", "claims"},
    "data": {"mrio", "synthetic", "layouts", "controls", "sources"},
    "algebra": {"leontief", "exports", "extraction", "borin_mancini", "tiva", "decompose", "indices"},
    "panel": {"panel"},
    "estimation": {"fe", "models", "results", "paper"},
    "presentation": {"formatting", "tables", "figures", "diagrams"},
    "book": {"runs", "prose", "sentences", "worked_example", "appendix", "methods_page", "offline_math", "exercises",
             "build", "book", "multiverse"},
    "cli": {"cli"},
    "package": {"__init__"},  # the front door re-exports a few names from below
}
ORDER = list(LAYERS)
LAYER_OF = {module: layer for layer, modules in LAYERS.items() for module in modules}


def modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py"))


def imports(module: str) -> set[str]:
    """The library modules ``module`` imports anywhere except under ``TYPE_CHECKING``."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    typing_only = {id(sub) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for sub in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
            elif node.module and node.module.split(".")[0] == "mutualism":
                parts = node.module.split(".")
                found.update(parts[1:2] if len(parts) > 1 else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("mutualism."))
    return found & set(modules()) - {module}


def test_every_module_has_a_layer():
    unplaced = [m for m in modules() if m not in LAYER_OF]
    assert not unplaced, f"place {unplaced} in a layer of docs/ARCHITECTURE.md and of LAYERS here"


def test_no_module_imports_a_higher_layer():
    bad = [f"{m} ({LAYER_OF[m]}) imports {d} ({LAYER_OF[d]})" for m in modules() if m in LAYER_OF
           for d in sorted(imports(m)) if d in LAYER_OF and ORDER.index(LAYER_OF[d]) > ORDER.index(LAYER_OF[m])]
    assert not bad, "; ".join(bad)


def test_the_algebra_imports_nothing_from_estimation_presentation_book_or_cli():
    above = {m for layer in ORDER[ORDER.index("panel"):] for m in LAYERS[layer]}
    for module in LAYERS["algebra"]:
        assert not imports(module) & above, module


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a list of nodes (first = last), or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_there_is_no_import_cycle_in_the_library():
    graph = {m: imports(m) for m in modules()}
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", ["indices", "decompose", "leontief"])
def test_the_cache_follows_what_the_algebra_imports(module):
    """cache.module_closure (the source digest of a cache key) sees the same imports."""
    from mutualism import cache

    assert cache.module_closure(module) == sorted({module} | _closure(module))


def _closure(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for dep in imports(todo.pop()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen
