"""Which expressions inside a function carry data from the HTTP request.

:class:`ExpressionFlow` holds the expression cases every request-data flow
shares (names, attributes, subscripts, calls, f-strings, operators,
conditionals, containers); the password flow (:mod:`.password_flow`) and
FL602's :class:`RequestFlow` say what each case gives.

:class:`RequestFlow` is a small, flow-sensitive look inside one view:
statements run in order, an assignment from request data taints its names
and a later clean assignment clears them. Only what is provably request data
counts: ``request.args``/``.form``/``.get_json()``..., a URL variable of the
view's route, and values built from them by string operations or method
calls. Anything passed through an unknown function is clean (we prefer a
missed finding to a false alarm).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import Callable, Generic, Optional, TypeVar

from ..flask_context import FLASK_REQUEST, ROUTE_SHORTCUTS, FunctionNode, ast_dotted, qualify
from .bindings import Binding
from .passwords import REQUEST_DATA, REQUEST_METHODS

REQUEST = frozenset({FLASK_REQUEST, "flask.globals.request"})
#: Attributes and methods of ``request`` whose value the client chooses, markup included.
DATA_ATTRIBUTES = (
    REQUEST_DATA
    | REQUEST_METHODS
    | frozenset(
        {
            "headers",
            "view_args",
            "query_string",
            "referrer",
            "path",
            "full_path",
            "url",
            "base_url",
        }
    )
)
#: Builtins that keep their argument's characters.
PASS_THROUGH = frozenset({"str", "format"})
#: URL converters whose values can hold markup (``int``/``float``/``uuid`` cannot).
TEXT_CONVERTERS = frozenset({"", "string", "path", "any", "default"})
_URL_VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

#: A taint: what the value is, and the route receiver it depends on ("" when none).
Taint = tuple[str, str]


def url_variables(func: FunctionNode, bindings: dict[str, Binding], module: str, scope: tuple) -> dict[str, Taint]:
    """Return the text URL variables of a view's route decorators, keyed by parameter name."""
    found: dict[str, Taint] = {}
    params = {a.arg for a in func.args.args + func.args.kwonlyargs}
    for decorator in func.decorator_list:
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and (decorator.func.attr == "route" or decorator.func.attr in ROUTE_SHORTCUTS)
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
            and isinstance(decorator.args[0].value, str)
        ):
            continue
        receiver = ast_dotted(decorator.func.value)
        receiver = receiver and qualify(bindings, module, scope, receiver)
        if not receiver:
            continue
        for converter, name in _URL_VARIABLE.findall(decorator.args[0].value):
            if name in params and converter in TEXT_CONVERTERS:
                found[name] = (f"the URL variable `{name}`", receiver)
    return found


V = TypeVar("V")


class ExpressionFlow(Generic[V]):
    """Where the value of an expression comes from: the cases every request-data flow shares.

    ``env`` maps the local names to what they hold now. A subclass says what
    a constant, an attribute, a subscript, a call and a container literal
    give, and how the values of an expression's parts join (:meth:`join`);
    a binary operation joins its operands when its operator is one of
    :attr:`JOINING_OPERATORS`. Anything else gives None (no data).
    """

    #: Binary operators whose result carries its operands' data.
    JOINING_OPERATORS: tuple[type[ast.operator], ...] = (ast.operator,)

    def __init__(self, env: dict[str, V]):
        self.env = env

    def value(self, node: Optional[ast.AST]) -> Optional[V]:
        """Return where the value of ``node`` comes from, None when it carries no data we follow."""
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.Constant):
            return self.constant_value(node)
        if isinstance(node, ast.Attribute):
            return self.attribute_value(node)
        if isinstance(node, ast.Subscript):
            return self.subscript_value(node)
        if isinstance(node, ast.Call):
            return self.call_value(node)
        if isinstance(node, ast.JoinedStr):
            return self.join(self.value(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.BinOp) and isinstance(node.op, self.JOINING_OPERATORS):
            return self.join(map(self.value, (node.left, node.right)))
        if isinstance(node, ast.BoolOp):
            return self.join(map(self.value, node.values))
        if isinstance(node, ast.IfExp):
            return self.join(map(self.value, (node.body, node.orelse)))
        if isinstance(node, (ast.Tuple, ast.List, ast.Dict)):
            return self.container_value(node)
        return None

    def join(self, values: Iterable[Optional[V]]) -> Optional[V]:
        """Return the value of an expression made of parts with these values: the first with data."""
        return next(filter(None, values), None)

    def constant_value(self, node: ast.Constant) -> Optional[V]:
        """Return what a constant gives: nothing, unless a flow follows literals."""
        return None

    def container_value(self, node: ast.AST) -> Optional[V]:
        """Return what a tuple, list or dict literal gives: nothing, unless a flow follows containers."""
        return None

    def attribute_value(self, node: ast.Attribute) -> Optional[V]:
        """Return what ``x.attr`` gives."""
        raise NotImplementedError

    def subscript_value(self, node: ast.Subscript) -> Optional[V]:
        """Return what ``x[key]`` gives."""
        raise NotImplementedError

    def call_value(self, node: ast.Call) -> Optional[V]:
        """Return what a call gives."""
        raise NotImplementedError


class RequestFlow(ExpressionFlow[Taint]):
    """Follow request data through the statements of one function, in order."""

    def __init__(self, resolve: Callable[[str], Optional[str]], tainted: dict[str, Taint]):
        super().__init__(dict(tainted))
        self.resolve = resolve

    def attribute_value(self, node: ast.Attribute) -> Optional[Taint]:
        """Return the taint of ``request.form`` and of any attribute of tainted data."""
        dotted = ast_dotted(node.value)
        if node.attr in DATA_ATTRIBUTES and dotted and self.resolve(dotted) in REQUEST:
            return (f"`{dotted}.{node.attr}`", "")
        return self.value(node.value)

    def subscript_value(self, node: ast.Subscript) -> Optional[Taint]:
        """Return the taint of an item of tainted data."""
        return self.value(node.value)

    def call_value(self, node: ast.Call) -> Optional[Taint]:
        """Return the taint of a call: methods of request data, string building."""
        if isinstance(node.func, ast.Attribute):
            receiver = self.value(node.func)
            if receiver:
                return receiver
            if isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
                return self.join(map(self.value, node.args))  # "<b>{}</b>".format(x), "".join(x)
            return None
        if isinstance(node.func, ast.Name) and node.func.id in PASS_THROUGH:
            return self.join(map(self.value, node.args))
        return None

    def run(self, body: list, on_call: Callable[[ast.Call], None]) -> None:
        """Visit ``body`` in order, calling ``on_call`` for each call with the taint of that moment."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in self.own_nodes(stmt):
                if isinstance(node, ast.Call):
                    on_call(node)
            self.assign(stmt)
            for block in ("body", "orelse", "finalbody"):
                self.run(getattr(stmt, block, None) or [], on_call)
            for handler in getattr(stmt, "handlers", None) or []:
                self.run(handler.body, on_call)

    @staticmethod
    def own_nodes(stmt: ast.stmt) -> Iterable[ast.AST]:
        """Yield the expression nodes of a statement, not those of its nested blocks."""
        nested = {
            id(s) for block in ("body", "orelse", "finalbody", "handlers") for s in getattr(stmt, block, None) or []
        }
        stack = [c for c in ast.iter_child_nodes(stmt) if id(c) not in nested]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            yield node
            stack.extend(ast.iter_child_nodes(node))

    def assign(self, stmt: ast.stmt) -> None:
        """Update the tainted names after an assignment or a ``for`` header."""
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        elif isinstance(stmt, ast.AugAssign):
            targets, value = [stmt.target], stmt.value
            if isinstance(stmt.target, ast.Name) and stmt.target.id in self.env:
                return
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            targets, value = [stmt.target], stmt.iter
        else:
            return
        taint = self.value(value)
        for target in targets:
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                if taint:
                    self.env[name] = taint
                else:
                    self.env.pop(name, None)
