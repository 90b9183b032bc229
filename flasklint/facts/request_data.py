"""Which expressions inside a view carry data from the HTTP request.

A small, flow-sensitive look inside one function, on CPython's ``ast``:
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
from typing import Callable, Optional

from ..flask_context import FLASK_REQUEST, ROUTE_SHORTCUTS, ast_dotted, qualify
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


def url_variables(func: ast.AST, bindings: dict[str, str], module: str, scope: tuple) -> dict[str, Taint]:
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


class RequestFlow:
    """Follow request data through the statements of one function, in order."""

    def __init__(self, resolve: Callable[[str], Optional[str]], tainted: dict[str, Taint]):
        self.resolve = resolve
        self.tainted = dict(tainted)

    def source(self, node: Optional[ast.AST]) -> Optional[Taint]:
        """Return where the value of ``node`` comes from if it is request data."""
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self.tainted.get(node.id)
        if isinstance(node, ast.Attribute):
            dotted = ast_dotted(node.value)
            if node.attr in DATA_ATTRIBUTES and dotted and self.resolve(dotted) in REQUEST:
                return (f"`{dotted}.{node.attr}`", "")
            return self.source(node.value)
        if isinstance(node, ast.Subscript):
            return self.source(node.value)
        if isinstance(node, ast.Call):
            return self.call_source(node)
        if isinstance(node, ast.BinOp):
            return self.source(node.left) or self.source(node.right)
        if isinstance(node, ast.JoinedStr):
            return self.first(v.value for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.IfExp):
            return self.source(node.body) or self.source(node.orelse)
        if isinstance(node, ast.BoolOp):
            return self.first(node.values)
        return None

    def first(self, nodes: Iterable[ast.AST]) -> Optional[Taint]:
        """Return the taint of the first tainted node."""
        return next(filter(None, map(self.source, nodes)), None)

    def call_source(self, call: ast.Call) -> Optional[Taint]:
        """Return the taint of a call: methods of request data, string building."""
        if isinstance(call.func, ast.Attribute):
            receiver = self.source(call.func)
            if receiver:
                return receiver
            if isinstance(call.func.value, ast.Constant) and isinstance(call.func.value.value, str):
                return self.first(call.args)  # "<b>{}</b>".format(x), "".join(x)
            return None
        if isinstance(call.func, ast.Name) and call.func.id in PASS_THROUGH:
            return self.first(call.args)
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
            if isinstance(stmt.target, ast.Name) and stmt.target.id in self.tainted:
                return
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            targets, value = [stmt.target], stmt.iter
        else:
            return
        taint = self.source(value)
        for target in targets:
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                if taint:
                    self.tainted[name] = taint
                else:
                    self.tainted.pop(name, None)
