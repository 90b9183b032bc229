"""Decorator facts: which functions and classes wrap the functions they decorate, and how.

The file pass records, from every module's ``ast``, each function that may be
a decorator (it returns its argument or a function defined inside it), each
inner function such a decorator returns (with its own decorators, and
whether the enclosing function renames it by hand or hands it to another
call), and each class with a ``__call__`` method. After all files are read,
:class:`~flasklint.model.decorators.DecoratorIndex` tells project rules what applying a decorator named
on a view does to the view's ``__name__``, which is the endpoint Flask
registers when none is given: it keeps it (``functools.wraps``, or the
function itself is returned), renames it to the inner function's name, leaves
an object without any ``__name__``, or is unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from ..flask_context import FunctionNode, ast_dotted, qualify, statements
from . import FactKey
from .bindings import DEF, Binding

if TYPE_CHECKING:
    from ..facts import ModuleFacts

KEY: FactKey[list[Fact]] = FactKey("decorators", __name__)
#: What a ``return`` of a function's first argument gives (``return f``).
PARAM = Binding("param")
#: What any other ``return`` gives.
OTHER = Binding("other")

#: Names whose presence in a class means it may give its instances a ``__name__``.
NAMING_MARKERS = frozenset(
    {
        "__name__",
        "__getattr__",
        "__getattribute__",
        "__dict__",
        "setattr",
        "wraps",
        "update_wrapper",
    }
)

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class FunctionFact:
    """A function that may be a decorator, or the inner function a decorator returns.

    ``returns`` describes each ``return`` of the function's own body:
    :data:`PARAM` (its first argument, as ``return f`` does), a function
    binding (a function defined inside it) or :data:`OTHER`. ``decorators`` are the
    qualified names of the function's own decorators (calls by their
    callee). ``renamed`` is true when the enclosing function assigns the
    function's ``__name__``, rebinds it, or passes it to some call
    (``update_wrapper(inner, f)``): its name is then not provably its own.
    """

    qualname: str
    name: str
    path: str
    line: int
    column: int
    returns: tuple[Binding, ...]
    decorators: tuple[str, ...]
    renamed: bool


@dataclass(frozen=True)
class ClassFact:
    """A class with a ``__call__`` method, which may be used as a decorator.

    ``takes_function`` is true when ``__init__`` takes exactly one required
    argument besides ``self`` (``@Check`` then makes each view a ``Check``
    instance); ``may_name`` is true when anything in the class could give
    instances a ``__name__`` (an assignment to it, ``update_wrapper``,
    ``__getattr__``, ``setattr``, ``__dict__``).
    """

    qualname: str
    name: str
    path: str
    line: int
    column: int
    bases: tuple[str, ...]
    takes_function: bool
    may_name: bool


Fact = Union[FunctionFact, ClassFact]


def _first_param(func: FunctionNode, is_method: bool) -> Optional[str]:
    """Return the name of the first argument of a function (after ``self`` for methods)."""
    params = [*func.args.posonlyargs, *func.args.args][1 if is_method else 0 :]
    return params[0].arg if params else None


def _renamed(statements: list[ast.stmt], name: str) -> bool:
    """Return whether ``statements`` rename, rebind or hand on function ``name``."""
    nodes = (node for stmt in statements if not isinstance(stmt, SCOPES) for node in ast.walk(stmt))
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return True
                if isinstance(target, ast.Attribute) and ast_dotted(target.value) == name:
                    return True
        elif isinstance(node, ast.Call):
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if any(
                isinstance(a, (ast.Name, ast.Starred)) and ast_dotted(getattr(a, "value", a)) == name for a in arguments
            ):
                return True
    return False


class _Collector:
    """Walk one module and record its decorator-like functions and callable classes."""

    def __init__(self, facts: ModuleFacts):
        self.facts = facts
        self.found: list[Fact] = []

    def qualname(self, scope: tuple, name: str) -> str:
        """Return the project-wide name of ``name`` defined in ``scope``."""
        return ".".join(filter(None, (self.facts.module, *scope, name)))

    def decorator_names(self, node: Union[FunctionNode, ast.ClassDef], scope: tuple) -> tuple[str, ...]:
        """Return the qualified names of a definition's decorators."""
        names = []
        for decorator in node.decorator_list:
            dotted = ast_dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
            names.append(dotted and (qualify(self.facts.bindings, self.facts.module, scope, dotted) or dotted) or "?")
        return tuple(names)

    def visit(self, body: Iterable[ast.stmt], scope: tuple, in_class: bool) -> None:
        """Visit a block of statements of one scope, descending into nested blocks."""
        for stmt in body:
            if isinstance(stmt, FUNCTIONS):
                self.function(stmt, scope, in_class)
            elif isinstance(stmt, ast.ClassDef):
                self.klass(stmt, scope)
                self.visit(stmt.body, scope + (stmt.name,), True)
            else:
                for block in ("body", "orelse", "finalbody"):
                    self.visit(getattr(stmt, block, ()) or (), scope, in_class)
                for handler in getattr(stmt, "handlers", ()) or ():
                    self.visit(handler.body, scope, in_class)

    def function(self, func: FunctionNode, scope: tuple, is_method: bool, renamed: Optional[bool] = None) -> None:
        """Record ``func`` if it may be a decorator or is returned by one, then its nested functions."""
        inner_scope = scope + (func.name,)
        nodes = list(statements(func.body))
        nested = {n.name: n for n in nodes if isinstance(n, FUNCTIONS)}
        param = _first_param(func, is_method)
        returns: list[Binding] = []
        for node in nodes:
            if isinstance(node, ast.Return):
                name = node.value.id if isinstance(node.value, ast.Name) else None
                if name is not None and name == param:
                    returns.append(PARAM)
                elif name in nested:
                    returns.append(Binding(DEF, self.qualname(inner_scope, name)))
                else:
                    returns.append(OTHER)
        returned = {r.returns for r in returns if r.returns}
        if renamed is not None or PARAM in returns or returned:
            self.found.append(
                FunctionFact(
                    self.qualname(scope, func.name),
                    func.name,
                    self.facts.path,
                    func.lineno,
                    func.col_offset + 1,
                    tuple(dict.fromkeys(returns)),
                    self.decorator_names(func, scope),
                    bool(renamed),
                )
            )
        for name, node in nested.items():
            is_returned = self.qualname(inner_scope, name) in returned
            self.function(node, inner_scope, False, _renamed(nodes, name) if is_returned else None)
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                self.klass(node, inner_scope)

    def klass(self, node: ast.ClassDef, scope: tuple) -> None:
        """Record a class that has a ``__call__`` method."""
        methods = {m.name: m for m in node.body if isinstance(m, FUNCTIONS)}
        if "__call__" not in methods:
            return
        init = methods.get("__init__")
        required = 0
        if init is not None:
            positional = [*init.args.posonlyargs, *init.args.args]
            required = len(positional) - len(init.args.defaults) - 1
        markers = {
            getattr(n, "id", None) or getattr(n, "attr", None) or getattr(n, "name", None) for n in ast.walk(node)
        }
        bases = tuple(
            qualify(self.facts.bindings, self.facts.module, scope, d) or d for d in map(ast_dotted, node.bases) if d
        )
        self.found.append(
            ClassFact(
                self.qualname(scope, node.name),
                node.name,
                self.facts.path,
                node.lineno,
                node.col_offset + 1,
                bases + (("?",) if len(bases) < len(node.bases) or node.keywords else ()),
                required == 1 and init is not None and not init.args.vararg,
                bool(markers & NAMING_MARKERS),
            )
        )


def collect(source, facts: ModuleFacts) -> None:
    """Add the module's decorator-like functions and callable classes to ``facts``."""
    if "return" not in source.text and "__call__" not in source.text:
        return
    collector = _Collector(facts)
    collector.visit(source.tree.body, (), False)
    if collector.found:
        facts.put(KEY, collector.found)
