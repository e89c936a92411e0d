"""The package's modules import each other in one direction: no import circle.

Every import counts, also those inside functions (a circle broken only by importing late
is still a circle); imports for type checking alone do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).parents[1] / "tkm_assign"


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                yield from _imports(node.body)
                yield from _imports(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _imports(node.body)
            for handler in node.handlers:
                yield from _imports(handler.body)
        elif isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.With | ast.For
        ):
            yield from _imports(node.body)


def import_graph(package: Path = PACKAGE) -> nx.DiGraph:
    """Module -> module it imports (and the packages that import runs), inside ``package``."""
    modules = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = here
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for target in targets:
                while target in modules:
                    if target != name and not name.startswith(target + "."):
                        graph.add_edge(name, target)
                    target = target.rpartition(".")[0]
    return graph


def test_no_import_circle():
    circles = [" -> ".join([*c, c[0]]) for c in nx.simple_cycles(import_graph())]
    assert circles == []


def test_the_graph_sees_a_late_import(tmp_path: Path):
    package = tmp_path / "tkm_assign"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from tkm_assign import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tkm_assign import c\n"
        "def f():\n    from tkm_assign.a import x\n"
    )
    (package / "c.py").write_text("")
    graph = import_graph(package)
    assert set(graph.edges) >= {("tkm_assign.a", "tkm_assign.b"), ("tkm_assign.b", "tkm_assign.a")}
    assert not graph.has_edge("tkm_assign.b", "tkm_assign.c")
