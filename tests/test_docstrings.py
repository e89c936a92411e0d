"""numpydoc docstrings on the public definitions people call first.

In scope: the application layer, the solvers' entry points (assignment, schedule, capacity,
the GAP and periodic cores), the model classes and the configuration sections. Every public
function and method there documents its parameters (``Parameters``), what it returns
(``Returns`` or ``Yields``) and what it raises when its body raises (``Raises``); every public
class documents its fields (``Parameters`` or ``Attributes``). numpydoc's own validation
finds missing and unknown parameters and missing return sections; the ``Raises`` rule is
checked on the function's syntax tree, which numpydoc does not do.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import inspect
import textwrap
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from numpydoc.docscrape import NumpyDocString, get_doc_object
from numpydoc.validate import validate

MODULES = (
    "tkm_assign.app",
    "tkm_assign.app.commands",
    "tkm_assign.app.outputs",
    "tkm_assign.app.results",
    "tkm_assign.app.running",
    "tkm_assign.assign.solve",
    "tkm_assign.assign.gap",
    "tkm_assign.assign.gap_search",
    "tkm_assign.schedule.solve",
    "tkm_assign.schedule.periodic",
    "tkm_assign.scenarios.capacity",
    "tkm_assign.model",
)
# Of the configuration only its section dataclasses (and the whole Config).
CONFIG = "tkm_assign.config"
# numpydoc's codes that this test holds: no docstring, a parameter not documented or
# documented but not there, a value returned or yielded with no section for it.
CODES = frozenset({"GL08", "PR01", "PR02", "RT01", "YD01"})


def _public_names(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return [
        n
        for n in names
        if (inspect.isfunction(obj := getattr(module, n)) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]


def _definitions() -> Iterator[tuple[str, str, Any]]:
    """``(module, dotted name, object)`` of every public function, class and method in scope."""
    seen: set[int] = set()
    for module_name in (*MODULES, CONFIG):
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            obj = getattr(module, name)
            if module_name == CONFIG and not dataclasses.is_dataclass(obj):
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            yield module_name, f"{module_name}.{name}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(member, staticmethod | classmethod):
                        member = member.__func__
                    if inspect.isfunction(member) or isinstance(member, property):
                        yield module_name, f"{module_name}.{name}.{attr}", member


def _raises(function: Callable[..., Any]) -> bool:
    """Whether the body of ``function`` itself raises (not a nested function, not a re-raise)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))

    def walk(node: ast.AST) -> Iterator[ast.AST]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            yield child
            yield from walk(child)

    return any(isinstance(n, ast.Raise) and n.exc is not None for n in walk(tree.body[0]))


def _documented(doc: NumpyDocString, *sections: str) -> set[str]:
    return {
        name.strip().lstrip("*")
        for section in sections
        for item in doc[section]
        for name in item.name.split(",")
    }


def problems(name: str, obj: Any) -> list[str]:
    """What the docstring of ``obj`` lacks, as ``name: what`` lines."""
    if isinstance(obj, property):
        return [] if obj.__doc__ else [f"{name}: no docstring"]
    if inspect.isclass(obj):
        if not obj.__doc__ or obj.__doc__ == _inherited_doc(obj):
            return [f"{name}: no docstring"]
        if issubclass(obj, enum.Enum) or not dataclasses.is_dataclass(obj):
            return []
        doc = NumpyDocString(inspect.getdoc(obj) or "")
        fields = {f.name for f in dataclasses.fields(obj) if not f.name.startswith("_")}
        missing = sorted(fields - _documented(doc, "Parameters", "Attributes"))
        return [f"{name}: field {field!r} not documented" for field in missing]
    report = validate(get_doc_object(obj))
    out = [f"{name}: {e[1]}" for e in report["errors"] if e[0] in CODES]
    if obj.__doc__ and _raises(obj) and not NumpyDocString(inspect.getdoc(obj))["Raises"]:
        out.append(f"{name}: raises but has no Raises section")
    return out


def _inherited_doc(cls: type) -> str | None:
    return next((base.__doc__ for base in cls.__mro__[1:] if base.__doc__), None)


DEFINITIONS = sorted(_definitions(), key=lambda d: d[1])


def test_scope_is_what_it_says() -> None:
    names = {name for _, name, _ in DEFINITIONS}
    for expected in (
        "tkm_assign.app.commands.plan",
        "tkm_assign.assign.solve.assign",
        "tkm_assign.schedule.solve.schedule",
        "tkm_assign.model.Participant",
        "tkm_assign.model.Session",
        "tkm_assign.config.ProgrammeConfig",
        "tkm_assign.config.Config.load",
    ):
        assert expected in names
    assert len(DEFINITIONS) >= 140


@pytest.mark.parametrize("module", [*MODULES, CONFIG])
def test_every_public_definition_has_numpydoc_sections(module: str) -> None:
    found = [
        line for home, name, obj in DEFINITIONS if home == module for line in problems(name, obj)
    ]
    assert not found, f"{len(found)} docstring problems:\n" + "\n".join(found)


def test_the_check_finds_what_is_missing() -> None:
    def documented(a: int, b: int) -> int:
        """Add.

        Parameters
        ----------
        a, b
            Numbers.

        Returns
        -------
        int
            The sum.
        """
        if a < 0:
            raise ValueError(a)
        return a + b

    def bare(a: int) -> int:
        return a

    assert problems("documented", documented) == ["documented: raises but has no Raises section"]
    assert problems("bare", bare) == ["bare: The object does not have a docstring"]

    @dataclasses.dataclass(frozen=True)
    class Half:
        """Two fields.

        Attributes
        ----------
        a
            Documented.
        """

        a: int
        b: int

    assert problems("Half", Half) == ["Half: field 'b' not documented"]
