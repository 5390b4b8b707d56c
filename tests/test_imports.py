"""No module of Flashpoint imports another that imports it back, even inside a function.

Why a test: a function-level import hides a cycle from Python (it works until someone moves the
import to the top) but not from a reader, who can no longer say which module sits below which.
Each cycle found so far marked a function living in the wrong module (a factory that imports its
own implementations, a helper two modules shared by importing each other), so the fix is to move
the function, never to hide the import.

How the graph is built, read with ``ast`` from the source (nothing is imported):

- Every ``import`` and ``from ... import`` anywhere in a module counts: at the top, inside
  functions and classes, and under ``if TYPE_CHECKING`` (a type-only import is still a
  dependency a reader has to follow). Relative imports are resolved against the module's package.
- An import names one node, the module it asks for. ``import flashpoint.x.y`` and
  ``from flashpoint.x import y`` (``y`` a submodule) are edges to ``flashpoint.x.y`` alone, not to
  the packages above it: Python runs ``flashpoint/__init__.py`` and ``flashpoint/x/__init__.py``
  on the way, but a module that asks for a sibling submodule depends on that submodule, not on
  what its package's ``__init__`` re-exports. Otherwise every module would "import" the top
  package, whose lazy ``extract`` reaches the pipeline, and everything would be one cycle.
- ``from flashpoint.x import name`` where ``name`` is not a submodule is an edge to the package
  ``flashpoint.x`` (its ``__init__``), and so are its own imports: a package that re-exports from a
  submodule which imports the package back is a cycle, as Python would find at run time.
- Imports of modules outside ``flashpoint`` are left out; ``importlib`` calls are not read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "flashpoint"


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module under ``src/flashpoint`` (a package is its
    ``__init__.py``)."""
    out: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom, modules: dict[str, Path]) -> str:
    """The absolute name ``from <node.module>`` refers to inside ``module``."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if _is_package(module, modules) else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, tree: ast.AST, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported Flashpoint module, line) for every import statement in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node, modules)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:
                    yield sub, node.lineno
                elif base in modules:
                    yield base, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {module it imports: line of the first such import}."""
    modules = _modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: dict[str, int] = {}
        for target, line in _targets(name, tree, modules):
            if target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def tangles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected, two or more modules),
    each sorted; Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Cycles that show every tangle: for each module of a group, the shortest way back to it (a
    list of modules, the first repeated at the end), each cycle once."""
    out: list[list[str]] = []
    seen: set[frozenset[tuple[str, str]]] = set()
    for group in tangles(graph):
        for start in group:
            cycle = _one_cycle(graph, set(group), start)
            edges = frozenset(pairwise(cycle))
            if edges not in seen:
                seen.add(edges)
                out.append(cycle)
    return out


def _one_cycle(graph: dict[str, dict[str, int]], group: set[str], start: str) -> list[str]:
    """A shortest path from ``start`` back to itself, inside its group."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node]):
                if child == start:
                    return paths[node] + [start]
                if child in group and child not in paths:
                    paths[child] = paths[node] + [child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")  # Tarjan said there is


def _describe(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    return " -> ".join(f"{a} (line {graph[a][b]})" for a, b in pairwise(cycle)) + f" -> {cycle[-1]}"


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_describe(graph, c) for c in found)


def test_the_walk_sees_imports_inside_functions_and_relative_ones() -> None:
    """The walk itself: a function-level relative import is an edge, and a cycle made only of
    such imports is found (the two modules of the test are written, not taken from the tree)."""
    modules = {"flashpoint.a": Path("a.py"), "flashpoint.b": Path("b.py"),
               "flashpoint.pkg": Path("pkg/__init__.py"), "flashpoint.pkg.c": Path("pkg/c.py")}
    tree_a = ast.parse("def f():\n    from .b import thing\n    from .pkg import c\n")
    tree_c = ast.parse("from .. import a\nfrom . import helper\nimport os\n")
    assert list(_targets("flashpoint.a", tree_a, modules)) == [("flashpoint.b", 2), ("flashpoint.pkg.c", 3)]
    assert list(_targets("flashpoint.pkg.c", tree_c, modules)) == [("flashpoint.a", 1), ("flashpoint.pkg", 2)]
    graph = {"flashpoint.a": {"flashpoint.b": 2}, "flashpoint.b": {"flashpoint.a": 5},
             "flashpoint.c": {"flashpoint.a": 1}}
    assert cycles(graph) == [["flashpoint.a", "flashpoint.b", "flashpoint.a"]]
    assert "flashpoint.b (line 5)" in _describe(graph, cycles(graph)[0])


def test_the_walk_reads_the_whole_package() -> None:
    """Guards the walk against reading nothing (a moved ``src`` would make the cycle test pass
    vacuously): the modules and imports it must see are there."""
    graph = import_graph()
    assert len(graph) > 80
    assert "flashpoint.store.repo" in graph["flashpoint.store"]
    assert "flashpoint.model" in graph["flashpoint.pipeline"]


def _imports_of(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (``sqlalchemy`` for ``sqlalchemy.exc``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_store_writes_sql() -> None:
    """Issue 23: every SQL statement lives in ``flashpoint.store``; other packages ask it by name
    (fusion through ``Store.fusion_rows``, the API through ``fused_event_columns`` and
    ``search_articles``, the watcher through ``store.watch_rows``). A module elsewhere that imports
    SQLAlchemy, or opens a raw transaction, is writing SQL of its own."""
    offenders = []
    for name, path in _modules().items():
        if name == "flashpoint.store" or name.startswith("flashpoint.store."):
            continue
        if "sqlalchemy" in _imports_of(path):
            offenders.append(f"{name} imports sqlalchemy")
        if ".transaction(" in path.read_text(encoding="utf-8"):
            offenders.append(f"{name} opens a raw store transaction")
    assert not offenders, "SQL outside the store:\n" + "\n".join(offenders)
