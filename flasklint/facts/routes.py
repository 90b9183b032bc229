"""Route facts: which functions and classes are views, on which object, for which URLs.

Collected from every file's ``ast`` so that project rules (duplicate routes,
decorators without ``wraps``, templates of apps with POST views) share one
view of the routing table. Whether a receiver really is a Flask app or
Blueprint is decided later by :class:`~flasklint.model.symbols.SymbolIndex`.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, cast

from ..flask_context import ROUTE_SHORTCUTS, ast_dotted, qualify
from . import FactKey

if TYPE_CHECKING:
    from ..facts import ModuleFacts

KEY: FactKey[list[RouteFact]] = FactKey("routes", __name__)
#: Classes that list the HTTP methods of their views (``methods = ["GET", "POST"]``).
VIEW_METHODS_KEY: FactKey[list[tuple[str, tuple[str, ...]]]] = FactKey("view_methods", __name__)


@dataclass(frozen=True)
class RouteFact:
    """One route registration.

    ``receiver`` is the qualified name of the object whose ``route`` (or
    shortcut, or ``add_url_rule``) registered the view; ``view`` is the
    qualified name of the function or class; ``decorators`` are the dotted
    names (qualified when the module binds them) of the view's decorators, top
    to bottom; ``methods`` is None when not given (Flask then uses GET);
    ``conditional`` is true under an ``if`` (a config-dependent registration).
    ``view_line`` is the line of the view's ``def``/``class`` (0 for a view
    given by reference: ``add_url_rule`` or ``bp.route("/x")(view)``), so
    that two definitions of one name stay apart;
    ``keywords`` names every keyword argument of the registering call
    (``**`` for ``**options``), so that rules know when an option they do not
    model (``subdomain=``, ``host=``, an unreadable ``methods=``) is present.
    ``behaviour`` is a digest of a view function's parameters and body,
    docstring left out ('' for a class or a view given by reference): two
    views with the same digest do the same thing.
    """

    path: str
    line: int
    column: int
    receiver: str
    call: str
    view: str
    view_name: str
    rule: Optional[str]
    methods: Optional[tuple[str, ...]]
    endpoint: Optional[str]
    decorators: tuple[str, ...]
    conditional: bool
    view_line: int = 0
    keywords: tuple[str, ...] = ()
    behaviour: str = ""

    @property
    def label(self) -> str:
        """Return the view's name and where it is registered, for messages."""
        return f"`{self.view_name}` ({self.path}:{self.line})"

    @property
    def by_reference(self) -> bool:
        """Return whether the view is given by reference (``add_url_rule``, ``bp.route("/x")(view)``)."""
        return self.view_line == 0

    @property
    def applied(self) -> Optional[tuple[str, ...]]:
        """Return the decorators applied to the view before it is registered, top to bottom.

        Those are the ones below the lowest route decorator; None when not
        known (a view given by reference).
        """
        if self.by_reference:
            return None
        routes = [i for i, name in enumerate(self.decorators) if name.rpartition(".")[2] in ROUTE_SHORTCUTS | {"route"}]
        return self.decorators[max(routes) + 1 :] if routes else None


def _behaviour(node: ast.AST) -> str:
    """Return a digest of a function's parameters and body without its docstring ('' for a class)."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ""
    body = node.body[1:] if ast.get_docstring(node, clean=False) is not None else node.body
    dump = ast.dump(node.args) + "".join(ast.dump(stmt) for stmt in body)
    return hashlib.blake2b(dump.encode(), digest_size=12).hexdigest()


def _literal(node: Optional[ast.AST]):
    """Return a literal's value, or None when it is not a literal."""
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _keyword(call: ast.Call, name: str) -> Optional[ast.AST]:
    """Return the value of keyword ``name`` of a call."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def _keywords(call: ast.Call) -> tuple[str, ...]:
    """Return the keyword names of a call, ``**`` standing for ``**mapping``."""
    return tuple(k.arg or "**" for k in call.keywords)


def _methods(call: ast.Call, method: str) -> Optional[tuple[str, ...]]:
    """Return the HTTP methods a route call accepts, None when defaulted or unknown."""
    if method in ROUTE_SHORTCUTS:
        return (method.upper(),)
    value = _literal(_keyword(call, "methods"))
    if isinstance(value, (list, tuple, set)) and all(isinstance(v, str) for v in value):
        return tuple(sorted(v.upper() for v in value))
    return None


class _Collector:
    """Walk one module's statements, tracking scope and ``if`` nesting."""

    def __init__(self, source, facts) -> None:
        self.path = facts.path
        self.module = facts.module
        self.bindings = facts.bindings
        self.routes: list[RouteFact] = []
        #: ``(qualified class, methods)`` for each class with a literal ``methods`` list.
        self.view_methods: list[tuple[str, tuple[str, ...]]] = []

    def qualified(self, dotted: Optional[str], scope: tuple) -> Optional[str]:
        """Return the qualified form of ``dotted`` in ``scope`` (itself when unbound)."""
        if dotted is None:
            return None
        return qualify(self.bindings, self.module, scope, dotted) or dotted

    def view_name(self, scope: tuple, name: str) -> str:
        """Return the qualified name of a view defined in ``scope``."""
        return ".".join(filter(None, (self.module, *scope, name)))

    def visit(self, body, scope: tuple, conditional: bool) -> None:
        """Visit a block of statements."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.decorated(stmt, scope, conditional)
                if isinstance(stmt, ast.ClassDef):
                    self.class_methods(stmt, scope)
                self.visit(stmt.body, scope + (stmt.name,), conditional)
                continue
            if isinstance(stmt, (ast.Expr, ast.Assign)) and isinstance(stmt.value, ast.Call):
                self.add_url_rule(stmt.value, scope, conditional)
                self.route_call(stmt.value, scope, conditional)
            is_if = isinstance(stmt, ast.If)
            for block in ("body", "orelse", "finalbody"):
                self.visit(getattr(stmt, block, ()) or (), scope, conditional or is_if)
            for handler in getattr(stmt, "handlers", ()) or ():
                self.visit(handler.body, scope, conditional)

    def class_methods(self, node: ast.ClassDef, scope: tuple) -> None:
        """Record the literal ``methods = [...]`` of a class (a Flask ``View``)."""
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "methods" for t in stmt.targets
            ):
                value = _literal(stmt.value)
                if isinstance(value, (list, tuple, set)) and all(isinstance(v, str) for v in value):
                    self.view_methods.append((self.view_name(scope, node.name), tuple(v.upper() for v in value)))

    def decorated(self, node, scope: tuple, conditional: bool) -> None:
        """Record the route decorators of a function or class."""
        names = tuple(
            self.qualified(ast_dotted(d.func if isinstance(d, ast.Call) else d), scope) or "?"
            for d in node.decorator_list
        )
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            method = decorator.func.attr
            if method != "route" and method not in ROUTE_SHORTCUTS:
                continue
            receiver = self.qualified(ast_dotted(decorator.func.value), scope)
            if receiver is None:
                continue
            rule = _literal(decorator.args[0]) if decorator.args else _literal(_keyword(decorator, "rule"))
            endpoint = _literal(_keyword(decorator, "endpoint"))
            self.routes.append(
                RouteFact(
                    self.path,
                    decorator.lineno,
                    decorator.col_offset + 1,
                    receiver,
                    method,
                    self.view_name(scope, node.name),
                    node.name,
                    rule if isinstance(rule, str) else None,
                    _methods(decorator, method),
                    endpoint if isinstance(endpoint, str) else None,
                    names,
                    conditional,
                    node.lineno,
                    _keywords(decorator),
                    _behaviour(node),
                )
            )

    def add_url_rule(self, call: ast.Call, scope: tuple, conditional: bool) -> None:
        """Record ``x.add_url_rule(rule, endpoint, view_func=...)``."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_url_rule"):
            return
        args = list(call.args)
        rule = _literal(args[0]) if args else _literal(_keyword(call, "rule"))
        endpoint = _literal(args[1]) if len(args) > 1 else _literal(_keyword(call, "endpoint"))
        view = args[2] if len(args) > 2 else _keyword(call, "view_func")
        self.by_reference(call, "add_url_rule", rule, endpoint, view, scope, conditional)

    def route_call(self, call: ast.Call, scope: tuple, conditional: bool) -> None:
        """Record ``x.route(rule, methods=...)(view)``: a route decorator applied by hand."""
        decorator = call.func
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and len(call.args) == 1
            and not call.keywords
        ):
            return
        method = decorator.func.attr
        if method != "route" and method not in ROUTE_SHORTCUTS:
            return
        rule = _literal(decorator.args[0]) if decorator.args else _literal(_keyword(decorator, "rule"))
        endpoint = _literal(_keyword(decorator, "endpoint"))
        self.by_reference(decorator, method, rule, endpoint, call.args[0], scope, conditional)

    def by_reference(
        self, call: ast.Call, method: str, rule, endpoint, view: Optional[ast.AST], scope: tuple, conditional: bool
    ) -> None:
        """Record a registration whose view is given by reference (a function, ``SomeView.as_view("name")``)."""
        # both callers have checked that ``call.func`` is an attribute (``x.route``, ``x.add_url_rule``)
        receiver = self.qualified(ast_dotted(cast(ast.Attribute, call.func).value), scope)
        if receiver is None:
            return
        view_dotted = (
            ast_dotted(view.func.value if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) else view)
            if view
            else None
        )
        if isinstance(view, ast.Call) and endpoint is None and view.args:
            endpoint = _literal(view.args[0])  # SomeView.as_view("name")
        self.routes.append(
            RouteFact(
                self.path,
                call.lineno,
                call.col_offset + 1,
                receiver,
                method,
                self.qualified(view_dotted, scope) or "?",
                (view_dotted or "?").rpartition(".")[2],
                rule if isinstance(rule, str) else None,
                _methods(call, method),
                endpoint if isinstance(endpoint, str) else None,
                (),
                conditional,
                0,
                _keywords(call),
            )
        )


def collect(source, facts) -> None:
    """Add the module's route registrations to ``facts``."""
    if not any(word in source.text for word in ("route", "add_url_rule", "methods")) and not any(
        f".{m}(" in source.text for m in ROUTE_SHORTCUTS
    ):
        return
    collector = _Collector(source, facts)
    collector.visit(source.tree.body, (), False)
    if collector.routes:
        facts.put(KEY, collector.routes)
    if collector.view_methods:
        facts.put(VIEW_METHODS_KEY, collector.view_methods)


def module_routes(facts: ModuleFacts) -> list[RouteFact]:
    """Return the route registrations of one module, whoever's they turn out to be."""
    return facts.get(KEY) or []
