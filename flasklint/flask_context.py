"""Flask's names, and the bindings and imports the file pass records.

The file pass records, for every module, where each name's value comes from
(``bindings``), using CPython's ``ast`` so that every file pays only for a fast
parse. A binding is a typed value, :class:`~flasklint.facts.bindings.Binding`
(a reference, a call, a class or a function).

After all files are done, :class:`~flasklint.model.symbols.SymbolIndex` resolves any qualified name
across modules (``from . import app`` in ``views.py`` reaches
``app = Flask(__name__)`` in ``__init__.py``). When a chain cannot be followed,
the answer is "unknown" and rules stay silent.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple, Optional, Union

from .facts import ImportFact, ModuleFacts
from .facts.bindings import CALL, DEF, REF, Binding
from .lazy import cst

FLASK_APP = "flask.Flask"
FLASK_BLUEPRINT = "flask.Blueprint"
RESTX_NAMESPACE = "flask_restx.Namespace"
RESTX_API = "flask_restx.Api"
SMOREST_BLUEPRINT = "flask_smorest.Blueprint"
FLASK_REQUEST = "flask.request"

#: Other spellings of the same classes, mapped to one canonical name.
CANONICAL_CLASSES = {
    "flask.app.Flask": FLASK_APP,
    "flask.blueprints.Blueprint": FLASK_BLUEPRINT,
    "flask.sansio.blueprints.Blueprint": FLASK_BLUEPRINT,
    "apiflask.APIFlask": FLASK_APP,
    "apiflask.app.APIFlask": FLASK_APP,
    "apiflask.APIBlueprint": FLASK_BLUEPRINT,
    "apiflask.blueprint.APIBlueprint": FLASK_BLUEPRINT,
    "flask_restx.namespace.Namespace": RESTX_NAMESPACE,
    "flask_restx.api.Api": RESTX_API,
    "flask_restplus.Namespace": RESTX_NAMESPACE,
    "flask_restplus.namespace.Namespace": RESTX_NAMESPACE,
    "flask_restplus.Api": RESTX_API,
    "flask_restplus.api.Api": RESTX_API,
    "flask_smorest.blueprint.Blueprint": SMOREST_BLUEPRINT,
    "itsdangerous.url_safe.URLSafeTimedSerializer": "itsdangerous.URLSafeTimedSerializer",
    "itsdangerous.timed.TimedSerializer": "itsdangerous.TimedSerializer",
    "itsdangerous.url_safe.URLSafeSerializer": "itsdangerous.URLSafeSerializer",
    "itsdangerous.serializer.Serializer": "itsdangerous.Serializer",
    "itsdangerous.jws.JSONWebSignatureSerializer": "itsdangerous.JSONWebSignatureSerializer",
}

#: Form base classes of Flask-WTF and WTForms.
FORM_CLASSES = frozenset(
    {
        "flask_wtf.FlaskForm",
        "flask_wtf.Form",
        "flask_wtf.form.FlaskForm",
        "flask_wtf.form.Form",
        "wtforms.Form",
        "wtforms.form.Form",
        "flask_security.forms.Form",
    }
)
#: itsdangerous serializers whose tokens carry a timestamp (``loads`` takes ``max_age``).
TIMED_SERIALIZERS = frozenset({"itsdangerous.URLSafeTimedSerializer", "itsdangerous.TimedSerializer"})
#: itsdangerous serializers whose tokens never expire.
UNTIMED_SERIALIZERS = frozenset(
    {"itsdangerous.URLSafeSerializer", "itsdangerous.Serializer", "itsdangerous.JSONWebSignatureSerializer"}
)

#: Objects that accept ``@obj.route(...)``.
ROUTE_OWNERS = frozenset({FLASK_APP, FLASK_BLUEPRINT, RESTX_NAMESPACE, RESTX_API, SMOREST_BLUEPRINT})
#: Objects that accept the Flask 2.0 shortcuts ``@obj.get(...)``, ``.post`` ...
SHORTCUT_OWNERS = frozenset({FLASK_APP, FLASK_BLUEPRINT, SMOREST_BLUEPRINT})
#: The Flask 2.0 route shortcuts.
ROUTE_SHORTCUTS = frozenset({"get", "post", "put", "patch", "delete"})


def canonical(dotted: str) -> str:
    """Return the canonical name of a class spelled ``dotted``."""
    return CANONICAL_CLASSES.get(dotted, dotted)


# --------------------------------------------------------------------------
# Names and paths
# --------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(name: str) -> set[str]:
    """Split ``DevelopmentConfig``, ``config_dev`` or ``TESTING`` into lower-case words."""
    return {w.lower() for w in _WORD.findall(name)}


def split_path(path: str) -> tuple[list[str], str, str]:
    """Return the folders, the name and the stem of a ``/``-separated path.

    What ``PurePosixPath`` gives (``parts[:-1]``, ``name``, ``stem``) for the
    clean paths flasklint handles, without building an object: project rules
    ask for every file of the project.
    """
    *folders, name = path.split("/")
    dot = name.rfind(".")
    return folders, name, name[:dot] if 0 < dot < len(name) - 1 else name


# --------------------------------------------------------------------------
# The file pass (CPython ast)
# --------------------------------------------------------------------------


def resolve_relative(module: str, is_package: bool, level: int, target: Optional[str]) -> str:
    """Return the absolute module named by a ``from`` import of ``level`` dots."""
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)


def ast_dotted(node: ast.AST) -> Optional[str]:
    """Return ``a.b.c`` for a chain of names and attributes, else None."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    names.append(node.id)
    return ".".join(reversed(names))


def qualify(bindings: dict[str, Binding], module: str, scope: Iterable[str], dotted: str) -> Optional[str]:
    """Return the project-wide name of ``dotted`` used in ``scope`` of ``module``.

    The innermost scope that binds the first name wins, as in Python; None
    means the name is not bound in the module (a builtin or a star import).
    """
    head, _, rest = dotted.partition(".")
    scope = tuple(scope)
    for depth in range(len(scope), -1, -1):
        key = ".".join(scope[:depth] + (head,))
        if key in bindings:
            base = f"{module}.{key}" if module else key
            return f"{base}.{rest}" if rest else base
    return None


def local_target(bindings: dict[str, Binding], module: str, scope: Iterable[str], dotted: str) -> Optional[str]:
    """Return what ``dotted`` names once the file's own import of its first name is followed.

    ``md5`` after ``from hashlib import md5`` gives ``hashlib.md5``;
    ``request.form`` after ``from flask import request`` gives
    ``flask.request.form``; a name the module defines gives its qualified
    name, as :func:`qualify` does. Only this file is read: names imported
    from the project stay project names (:class:`~flasklint.model.symbols.SymbolIndex` follows those).
    """
    head, _, rest = dotted.partition(".")
    scope = tuple(scope)
    for depth in range(len(scope), -1, -1):
        key = ".".join(scope[:depth] + (head,))
        if key in bindings:
            target = bindings[key].ref
            base = target or (f"{module}.{key}" if module else key)
            return f"{base}.{rest}" if rest else base
    return None


#: What an unknown value binds: the name still shadows outer ones.
_UNKNOWN = Binding(REF)


class _BindingCollector:
    """Collect a module's bindings and imports from its ``ast`` tree."""

    def __init__(self, module: str, is_package: bool):
        self.module = module
        self.is_package = is_package
        self.bindings: dict[str, Binding] = {}
        self.imports: list[ImportFact] = []

    def qualify(self, dotted: str, scope: tuple[str, ...]) -> Optional[str]:
        """Return the project-wide name for ``dotted`` as seen from ``scope``."""
        return qualify(self.bindings, self.module, scope, dotted)

    def value_of(self, node: ast.AST, scope: tuple[str, ...]) -> Optional[Binding]:
        """Return the binding an expression gives a name, if it is one we model."""
        if isinstance(node, ast.Call):
            dotted = ast_dotted(node.func)
            target = dotted and self.qualify(dotted, scope)
            return Binding(CALL, target) if target else None
        dotted = ast_dotted(node)
        target = dotted and self.qualify(dotted, scope)
        return Binding(REF, target) if target else None

    def bind(self, scope: tuple[str, ...], name: str, value: Optional[Binding]) -> None:
        """Record ``name`` in ``scope``; an unknown value still shadows outer names."""
        self.bindings[".".join(scope + (name,))] = value or _UNKNOWN

    def visit_body(self, body: Iterable[ast.stmt], scope: tuple[str, ...]) -> None:
        """Walk the statements of one scope and of its nested blocks (:func:`statements`: no recursion)."""
        for stmt in statements(body):
            self.visit_stmt(stmt, scope)

    def visit_stmt(self, stmt: ast.stmt, scope: tuple[str, ...]) -> None:
        """Record what one statement binds; a function's or class's body is walked here."""
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.bind(scope, alias.asname, Binding(REF, alias.name))
                else:
                    head = alias.name.split(".")[0]
                    self.bind(scope, head, Binding(REF, head))
                self.imports.append(ImportFact(stmt.lineno, alias.name, (), 0, not scope))
        elif isinstance(stmt, ast.ImportFrom):
            base = resolve_relative(self.module, self.is_package, stmt.level, stmt.module)
            pairs = tuple((a.name, a.asname or a.name) for a in stmt.names)
            for name, bound in pairs:
                if name != "*":
                    self.bind(scope, bound, Binding(REF, f"{base}.{name}" if base else name))
            self.imports.append(ImportFact(stmt.lineno, base, pairs, stmt.level, not scope))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = self.value_of(stmt.value, scope) if stmt.value is not None else None
            for target in targets:
                if isinstance(target, ast.Name):
                    self.bind(scope, target.id, value)
        elif isinstance(stmt, ast.ClassDef):
            bases = [self.qualify(d, scope) or d for d in map(ast_dotted, stmt.bases) if d]
            self.bind(scope, stmt.name, Binding.of_class(bases))
            self.visit_body(stmt.body, scope + (stmt.name,))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = scope + (stmt.name,)
            self.bind(scope, stmt.name, Binding(DEF))
            self.visit_body(stmt.body, inner)
            self.bind(scope, stmt.name, Binding(DEF, self.returned(stmt, inner) or ""))

    def returned(self, func: FunctionNode, scope: tuple[str, ...]) -> Optional[str]:
        """Return the qualified name a function returns, when it returns a plain name or call."""
        for node in statements(func.body):
            if isinstance(node, ast.Return) and node.value is not None:
                dotted = ast_dotted(node.value)
                if dotted:
                    return self.qualify(dotted, scope)
                if isinstance(node.value, ast.Call):
                    value = self.value_of(node.value, scope)
                    if value:
                        key = ".".join(scope + ("<return>",))
                        self.bindings[key] = value
                        return f"{self.module}.{key}"
        return None


#: A function definition, sync or async.
FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
#: Statements whose bodies are scopes of their own.
_SCOPE_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def statements(body: Iterable[ast.stmt], into_scopes: bool = False) -> Iterator[ast.stmt]:
    """Yield the statements of a block and of every block nested in it, in source order.

    ``if``/``try``/loop/``with``/``match`` bodies are entered, expressions never.
    A nested function or class is yielded; its body only with ``into_scopes``.
    """
    stack = list(reversed(list(body)))
    while stack:
        stmt = stack.pop()
        yield stmt
        if not into_scopes and isinstance(stmt, _SCOPE_STATEMENTS):
            continue
        blocks = [getattr(stmt, name, None) or () for name in ("body", "orelse", "finalbody")]
        blocks += [
            holder.body for holder in [*(getattr(stmt, "handlers", None) or ()), *(getattr(stmt, "cases", None) or ())]
        ]
        for block in reversed(blocks):
            stack.extend(reversed(block))


class Place(NamedTuple):
    """Where a node stands: its enclosing functions and classes, and its guards.

    ``guards`` are the names of the enclosing definitions and the unparsed
    tests of the enclosing ``if`` statements (``not (TEST)`` in an ``else``),
    outermost first: what tells development and test code from the rest.
    """

    scope: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()


def scoped_walk(nodes: Iterable[ast.AST], guards: bool = True) -> Iterator[tuple[ast.AST, Place]]:
    """Yield ``(node, place)`` for ``nodes`` and every node under them, parents first, in source order.

    A function's or class's children are in its scope. With ``guards``,
    ``if`` bodies add their test to :attr:`Place.guards` (unparsed, which
    costs: walkers that need only the scope leave it off). The walk keeps its
    own stack: trees as deep as a 1,400-term sum cost no recursion.
    """
    stack: list[tuple[Iterator[ast.AST], Place]] = [(iter(nodes), Place())]
    while stack:
        children, current = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            continue
        yield node, current
        stack.extend((iter(group), inner) for group, inner in reversed(_below(node, current, guards)))


def _below(node: ast.AST, place: Place, guards: bool) -> list[tuple[Iterable[ast.AST], Place]]:
    """Return the groups of children of ``node`` with their place."""
    if isinstance(node, _SCOPE_STATEMENTS):
        return [(ast.iter_child_nodes(node), Place(place.scope + (node.name,), place.guards + (node.name,)))]
    if guards and isinstance(node, ast.If):
        test = ast.unparse(node.test)
        return [
            ([node.test], place),
            (node.body, place._replace(guards=place.guards + (test,))),
            (node.orelse, place._replace(guards=place.guards + (f"not ({test})",))),
        ]
    return [(ast.iter_child_nodes(node), place)]


def collect_module_facts(tree: ast.Module, path: str, module: str, is_package: bool) -> ModuleFacts:
    """Return the bindings and imports of one module."""
    collector = _BindingCollector(module, is_package)
    collector.visit_body(tree.body, ())
    return ModuleFacts(
        path=path, module=module, is_package=is_package, bindings=collector.bindings, imports=collector.imports
    )


# --------------------------------------------------------------------------
# Helpers for LibCST rules
# --------------------------------------------------------------------------


def cst_dotted(node: cst.CSTNode) -> Optional[str]:
    """Return ``a.b.c`` for a LibCST chain of names and attributes, else None."""
    names = []
    while isinstance(node, cst.Attribute):
        names.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    names.append(node.value)
    return ".".join(reversed(names))


def decorator_target(decorator: cst.Decorator) -> Optional[str]:
    """Return the dotted name a decorator applies, without its call arguments."""
    expr = decorator.decorator
    if isinstance(expr, cst.Call):
        expr = expr.func
    return cst_dotted(expr)


def route_receiver(decorator: cst.Decorator) -> Optional[tuple[str, frozenset]]:
    """Return ``(receiver, owner kinds)`` if the decorator looks like a route.

    ``@bp.route("/")`` gives ``("bp", ROUTE_OWNERS)``; ``@app.get("/")`` gives
    ``("app", SHORTCUT_OWNERS)``. Whether the receiver really is such an object
    is for :class:`~flasklint.model.symbols.SymbolIndex` to decide.
    """
    expr = decorator.decorator
    if not isinstance(expr, cst.Call) or not isinstance(expr.func, cst.Attribute):
        return None
    receiver = cst_dotted(expr.func.value)
    method = expr.func.attr.value
    if receiver is None:
        return None
    if method == "route":
        return receiver, ROUTE_OWNERS
    if method in ROUTE_SHORTCUTS:
        return receiver, SHORTCUT_OWNERS
    return None
