"""Model facts: which classes store passwords, and whether assigning one hashes it.

Collected from every file's ``ast``: each class that is a model
(Flask-SQLAlchemy ``db.Model``, a declarative base, MongoEngine ``Document``,
or a plain class) and mentions a password-like attribute, with its password
columns, the setters that run when a password attribute is assigned (a
``property``/``hybrid_property`` setter, ``@validates("password")``), whether
each setter hashes, and the parameters of a custom ``__init__``.
:class:`~flasklint.model.orm.ModelIndex` answers, after every file is read and across modules,
whether a model stores a given attribute as it receives it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..flask_context import FunctionNode, ast_dotted, local_target
from . import FactKey
from .passwords import SAME_VALUE, is_hash_call, is_password_name

KEY: FactKey[list[ClassFact]] = FactKey("models", __name__)

#: Last names of base classes that make a class a database model.
MODEL_BASES = frozenset({"Model", "DeclarativeBase", "DeclarativeBaseNoMeta", "Document", "DynamicDocument"})
#: Column factories: a class attribute holding one stores what it is given.
COLUMNS = frozenset({"Column", "mapped_column"})


@dataclass(frozen=True)
class ClassFact:
    """One class that may store passwords.

    ``bases`` are resolved through the file's imports (``flask_sqlalchemy``
    names stay project names such as ``yourapp.db.Model``); ``setters`` maps
    an attribute to ``hashes``, ``plain`` (stores the value it gets, no call)
    or ``unknown``; ``init`` lists the explicit parameters of a custom
    ``__init__`` (None when the class defines none).
    """

    name: str
    path: str
    line: int
    bases: tuple[str, ...]
    model_base: bool
    form: bool
    columns: tuple[str, ...]
    setters: tuple[tuple[str, str], ...]
    init: Optional[tuple[str, ...]]
    init_kwargs: bool


def _verdict(function: ast.AST, resolve) -> str:
    """Return whether a setter body ``hashes``, stores the value ``plain``, or is ``unknown``."""
    calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
    if any(is_hash_call(resolve(node.func)) for node in calls):
        return "hashes"
    if any((resolve(node.func) or "").rpartition(".")[2] not in SAME_VALUE for node in calls):
        return "unknown"
    return "plain"


def _is_field(value: Optional[ast.AST]) -> bool:
    """Return whether a class attribute's value is a form or schema field (``PasswordField()``)."""
    dotted = ast_dotted(value.func) if isinstance(value, ast.Call) else None
    return dotted is not None and (dotted.endswith("Field") or dotted.startswith("fields."))


class _Collector:
    """Read one module's classes."""

    def __init__(self, source, facts) -> None:
        self.facts = facts
        self.found: list[ClassFact] = []

    def visit(self, body: Iterable[ast.stmt], scope: tuple[str, ...]) -> None:
        """Find classes, also nested in functions and blocks."""
        for stmt in body:
            if isinstance(stmt, ast.ClassDef):
                self.read_class(stmt, scope)
                self.visit(stmt.body, scope + (stmt.name,))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.visit(stmt.body, scope + (stmt.name,))
            else:
                for block in ("body", "orelse", "finalbody"):
                    self.visit(getattr(stmt, block, None) or [], scope)

    def read_class(self, node: ast.ClassDef, scope: tuple[str, ...]) -> None:
        """Record a class that has a model base or a password-like member."""
        inner = scope + (node.name,)

        def resolve(expr: ast.AST) -> Optional[str]:
            dotted = ast_dotted(expr)
            return dotted and (local_target(self.facts.bindings, self.facts.module, inner, dotted) or dotted)

        bases = tuple(filter(None, (resolve(b) for b in node.bases)))
        columns, setters, form = [], {}, False
        init, init_kwargs = None, False
        for stmt in node.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if not (isinstance(target, ast.Name) and is_password_name(target.id, hashed=True)):
                        continue
                    callee = resolve(stmt.value.func) if isinstance(stmt.value, ast.Call) else None
                    if _is_field(stmt.value):
                        form = True
                    elif callee is None or callee.rpartition(".")[2] in COLUMNS:
                        columns.append(target.id)
                    else:  # a property, synonym or descriptor class: what it stores is unknown
                        setters[target.id] = "unknown"
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for attribute in self.assigned_by(stmt, resolve):
                    setters[attribute] = _verdict(stmt, resolve)
                if stmt.name == "__init__":
                    init = tuple(a.arg for a in [*stmt.args.posonlyargs, *stmt.args.args, *stmt.args.kwonlyargs][1:])
                    init_kwargs = stmt.args.kwarg is not None
                columns.extend(
                    t.attr
                    for n in ast.walk(stmt)
                    if isinstance(n, ast.Assign)
                    for t in n.targets
                    if isinstance(t, ast.Attribute)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == "self"
                    and is_password_name(t.attr, hashed=True)
                )
        model_base = any(base.rpartition(".")[2] in MODEL_BASES for base in bases)
        if not (model_base or columns or setters):
            return
        self.found.append(
            ClassFact(
                ".".join(filter(None, (self.facts.module, *inner))),
                self.facts.path,
                node.lineno,
                bases,
                model_base,
                form,
                tuple(dict.fromkeys(columns)),
                tuple(setters.items()),
                init,
                init_kwargs,
            )
        )

    @staticmethod
    def assigned_by(function: FunctionNode, resolve) -> list[str]:
        """Return the attributes a method sets when assigned: property setters and validators."""
        found = []
        for decorator in function.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            expr = call.func if call else decorator
            if isinstance(expr, ast.Attribute) and expr.attr == "setter" and isinstance(expr.value, ast.Name):
                found.append(expr.value.id)
            elif call and (resolve(expr) or "").rpartition(".")[2] == "validates":
                found.extend(a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
        return found


def collect(source, facts) -> None:
    """Add the module's model classes to ``facts``."""
    if "class " not in source.text:
        return
    collector = _Collector(source, facts)
    collector.visit(source.tree.body, ())
    if collector.found:
        facts.put(KEY, collector.found)
