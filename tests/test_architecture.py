"""The import rules of docs/ARCHITECTURE.md, checked on the source (ast): a module's layer
is its folder, it imports only its own layer or lower ones, and there is no import cycle
in lib/ (imports inside functions count; ``if TYPE_CHECKING:`` blocks do not)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from mutualism import LAYERS

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "mutualism"
ARCHITECTURE = PACKAGE.parents[1] / "docs" / "ARCHITECTURE.md"

#: The layers, lowest first: the folders of the package (``mutualism.LAYERS``, the one
#: place they are listed). A module's layer is its folder; it may import modules of its
#: own layer or of a lower one. The package's ``__init__`` (the front door) sits on top.
ORDER = [*LAYERS, "package"]


def modules() -> list[str]:
    """Every library module by dotted name under the package (``"gvc.indices"``; a
    subpackage's ``__init__`` by the subpackage's name; the front door ``"__init__"``)."""
    names = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts))
    return sorted(names)


def layer_of(module: str) -> str:
    top = module.split(".")[0]
    return "package" if module == "__init__" else top


def source_of(module: str) -> Path:
    if module == "__init__":
        return PACKAGE / "__init__.py"
    base = PACKAGE.joinpath(*module.split("."))
    return base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"


def imports(module: str) -> set[str]:
    """The library modules ``module`` imports anywhere except under ``TYPE_CHECKING``
    (``from pkg import name`` counts as ``pkg.name`` when that is a module, else ``pkg``)."""
    path = source_of(module)
    tree = ast.parse(path.read_text())
    typing_only = {id(sub) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for sub in ast.walk(node)}
    known = set(modules())
    package = [] if module == "__init__" else module.split(".")[:None if path.name == "__init__.py" else -1]
    found: set[str] = set()

    def add(target: list[str], names: list[str]) -> None:
        for name in names:
            dotted = ".".join([*target, name])
            found.add(dotted if dotted in known else ".".join(target))

    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                base = package[:len(package) - node.level + 1]
                add(base + (node.module.split(".") if node.module else []), [a.name for a in node.names])
            elif node.module and node.module.split(".")[0] == "mutualism":
                add(node.module.split(".")[1:], [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("mutualism.") for a in node.names if a.name.startswith("mutualism."))
    return found & known - {module}


def test_the_layers_are_the_folders_and_the_documented_table():
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(set(LAYERS) - {"cli"}) and (PACKAGE / "cli.py").is_file()
    loose = [m for m in modules() if "." not in m and m not in LAYERS and m != "__init__"]
    assert not loose, f"{loose}: a module lives in the folder of its layer"
    rows = re.findall(r"^\| `(\w+)/?` \|", ARCHITECTURE.read_text().split("## Layers and import rules")[1], re.M)
    assert rows == list(LAYERS), f"docs/ARCHITECTURE.md lists the layers {rows}, the package {LAYERS}"


def test_no_module_imports_a_higher_layer():
    bad = [f"{m} ({layer_of(m)}) imports {d} ({layer_of(d)})" for m in modules()
           for d in sorted(imports(m)) if ORDER.index(layer_of(d)) > ORDER.index(layer_of(m))]
    assert not bad, "; ".join(bad)


def test_the_layer_check_sees_a_planted_upward_import(tmp_path, monkeypatch):
    """The control: a core module importing the book is caught."""
    planted = tmp_path / "mutualism"
    (planted / "core").mkdir(parents=True)
    (planted / "book").mkdir()
    for f in ("__init__.py", "core/__init__.py", "book/__init__.py", "book/runs.py"):
        (planted / f).write_text("")
    (planted / "core" / "cache.py").write_text("def f():\n    from ..book import runs\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", planted)
    assert imports("core.cache") == {"book.runs"}
    assert ORDER.index(layer_of("book.runs")) > ORDER.index(layer_of("core.cache"))


def test_the_algebra_imports_nothing_from_estimation_presentation_book_or_cli():
    above = set(ORDER[ORDER.index("econometrics"):])
    for module in (m for m in modules() if layer_of(m) == "gvc"):
        assert not {layer_of(d) for d in imports(module)} & above, module


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


@pytest.mark.parametrize("module", ["gvc.indices", "gvc.decompose", "gvc.leontief", "econometrics.paper"])
def test_the_cache_follows_what_the_algebra_imports(module):
    """cache.module_closure (the source digest of a cache key) sees the same imports."""
    from mutualism.core import cache

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


def test_ci_runs_the_readme_test_command_with_the_slow_tests():
    """`.ci/run` calls `make test`, whose pytest selects no marker: the tests marked slow
    (the WIOD book, the Dask clusters) are left out only by `make test-fast`."""
    root = PACKAGE.parents[1]
    assert re.search(r"^make test$", (root / ".ci" / "run").read_text(), re.M)
    makefile = (root / "Makefile").read_text()
    recipe = re.search(r"^test: .*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "pytest" in recipe and "-m" not in recipe.split("pytest", 1)[1]
    fast = re.search(r"^test-fast: .*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert '-m "not slow"' in fast
    assert "make test" in (root / "README.md").read_text()


def test_xdist_keeps_a_group_on_one_worker(tmp_path):
    """`make test` spreads the suite over two workers with ``--dist loadgroup``, and the
    session books are built once only if every test of a group runs on one worker
    (tests/conftest.py). pytest 9.2 broke that with pytest-xdist 3.8 (each group was split
    across the workers and each worker built every book): a small suite whose groups are
    given as tests/conftest.py gives them (a mark added at collection) must keep each
    group's tests together."""
    import os
    import subprocess

    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        "@pytest.hookimpl(tryfirst=True)\n"
        "def pytest_collection_modifyitems(config, items):\n"
        "    for item in items:\n"
        "        item.add_marker(pytest.mark.xdist_group(item.callspec.params['g']))\n")
    (tmp_path / "test_groups.py").write_text(
        "import os, pathlib, time, pytest\n"
        "@pytest.mark.parametrize('i', range(4))\n"
        "@pytest.mark.parametrize('g', ['a', 'b', 'c'])\n"
        "def test_member(g, i):\n"
        "    time.sleep(0.05)\n"
        "    out = pathlib.Path(os.environ['GROUPS_OUT']) / f'{g}-{i}.worker'\n"
        "    out.write_text(os.environ['PYTEST_XDIST_WORKER'])\n")
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
                           "--no-loadscope-reorder", "-p", "no:cacheprovider", "test_groups.py"],
                          cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "GROUPS_OUT": str(out)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    workers: dict[str, set[str]] = {}
    for f in out.glob("*.worker"):
        workers.setdefault(f.name.split("-")[0], set()).add(f.read_text())
    assert sorted(workers) == ["a", "b", "c"] and len(list(out.glob("*.worker"))) == 12
    assert all(len(w) == 1 for w in workers.values()), workers
    assert len(set().union(*workers.values())) == 2, workers  # both workers were used


def test_every_pin_installs_on_the_oldest_python_the_project_accepts():
    """`make book` and `make test` create the venv with the machine's `python3`, and
    pyproject.toml accepts any 3.11: every pin of requirements-lock.txt must allow the
    oldest such Python (3.11.0; Debian 12 ships 3.11.2). soupsieve 4.1.2 asked for 3.11.5
    and stopped `make book` there. Read from the installed distributions' metadata."""
    import tomllib
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    root = PACKAGE.parents[1]
    accepted = SpecifierSet(tomllib.loads((root / "pyproject.toml").read_text())["project"]["requires-python"])
    oldest = next(v for v in ("3.11.0", "3.12.0") if accepted.contains(v))
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==", (root / "requirements-lock.txt").read_text(), re.M)
    assert len(pins) > 50
    refused = {}
    for name in pins:
        needs = metadata.metadata(name).get("Requires-Python")
        if needs and not SpecifierSet(needs).contains(oldest):
            refused[name] = needs
    assert not refused, f"pins that refuse Python {oldest}: {refused}"
