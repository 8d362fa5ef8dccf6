"""The package's modules import each other without cycles (module-level and function-level imports alike)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "zoo"


def module_names() -> dict[str, Path]:
    """Every module under zoo/, by dotted name (a package by its own name, not ``.__init__``)."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: set[str]) -> dict[str, int]:
    """The zoo modules that ``name`` imports anywhere in its file, each with the line of its first import.

    Relative imports are resolved against the module's package; ``from X import y`` counts ``X.y`` when that is a
    module (``from zoo import hub``), else ``X``. A dotted target also imports its parent packages, but those are
    not listed: ``zoo/__init__.py`` runs first whatever is imported, and counting it would make every module that
    ``zoo/__init__.py`` reaches look like part of a cycle.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target in modules and target != name:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    add(f"{source}.{alias.name}", node.lineno)
                else:
                    add(source, node.lineno)
    return found


def import_graph() -> tuple[dict[str, dict[str, int]], dict[str, Path]]:
    paths = module_names()
    return {name: imports_of(name, path, set(paths)) for name, path in paths.items()}, paths


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the strongly connected components of the graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def describe(component: list[str], graph: dict[str, dict[str, int]], paths: dict[str, Path]) -> str:
    members = set(component)
    edges = [f"  {paths[a].relative_to(PACKAGE.parent)}:{line} imports {b}"
             for a in component for b, line in sorted(graph[a].items()) if b in members]
    return " <-> ".join(component) + "\n" + "\n".join(edges)


def test_the_graph_sees_the_package():
    graph, _ = import_graph()
    assert {"zoo", "zoo.cli", "zoo.bench", "zoo.hub", "zoo.core.module"} <= set(graph)
    assert "zoo.lightning_cli" in graph["zoo.cli"] and "zoo.lightning_cli" in graph["zoo.bench"]


def test_relative_and_package_imports_resolve(tmp_path):
    pkg = tmp_path / "zoo"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from zoo import hub\n")
    (pkg / "hub.py").write_text("def f():\n    from .core import losses\n")
    (pkg / "core" / "__init__.py").write_text("from .losses import x\n")
    (pkg / "core" / "losses.py").write_text("import zoo.hub\nfrom . import other\n")
    (pkg / "core" / "other.py").write_text("from ..hub import f\n")
    modules = {"zoo", "zoo.hub", "zoo.core", "zoo.core.losses", "zoo.core.other"}
    assert imports_of("zoo", pkg / "__init__.py", modules) == {"zoo.hub": 1}
    assert imports_of("zoo.hub", pkg / "hub.py", modules) == {"zoo.core.losses": 2}  # function-level, relative
    assert imports_of("zoo.core", pkg / "core" / "__init__.py", modules) == {"zoo.core.losses": 1}
    assert imports_of("zoo.core.losses", pkg / "core" / "losses.py", modules) == {"zoo.hub": 1, "zoo.core.other": 2}
    assert imports_of("zoo.core.other", pkg / "core" / "other.py", modules) == {"zoo.hub": 1}
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert sorted(map(len, strongly_connected(graph))) == [1, 3]


def test_no_import_cycles():
    graph, paths = import_graph()
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert not cycles, "zoo modules import each other in a cycle:\n" + "\n".join(
        describe(c, graph, paths) for c in cycles)
