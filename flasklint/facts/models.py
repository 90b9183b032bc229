"""Model facts: which classes store passwords, and whether assigning one hashes it.

Collected from every file's ``ast``: each class that is a model
(Flask-SQLAlchemy ``db.Model``, a declarative base, MongoEngine ``Document``,
or a plain class) and mentions a password-like attribute, with its password
columns, the setters that run when a password attribute is assigned (a
``property``/``hybrid_property`` setter, ``@validates("password")``), whether
each setter hashes, and the parameters of a custom ``__init__``.
:class:`ModelIndex` answers, after every file is read and across modules,
whether a model stores a given attribute as it receives it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..flask_context import FunctionNode, ast_dotted, local_target
from . import FactKey
from .bindings import NO_BINDING
from .passwords import SAME_VALUE, is_hash_call, is_password_name

KEY: FactKey[list[ClassFact]] = FactKey("models", __name__)

#: Last names of base classes that make a class a database model.
MODEL_BASES = frozenset({"Model", "DeclarativeBase", "DeclarativeBaseNoMeta", "Document", "DynamicDocument"})
#: Bases that make a plain class a user account (Flask-Login's user mixin).
USER_BASES = frozenset({"flask_login.UserMixin", "flask_login.mixins.UserMixin"})
#: Column factories: a class attribute holding one stores what it is given.
COLUMNS = frozenset({"Column", "mapped_column"})
#: Functions returning a declarative base class.
BASE_FACTORIES = ("declarative_base", "generate_base")


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

    def __init__(self, source, facts):
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


class ModelIndex:
    """Answer, across modules, whether a model stores a password as it receives it."""

    def __init__(self, modules, index):
        self.index = index
        self.classes: dict[str, ClassFact] = {fact.name: fact for facts in modules for fact in facts.get(KEY) or ()}

    def lookup(self, qualname: str) -> Optional[ClassFact]:
        """Return the class ``qualname`` refers to, following imports."""
        return self.classes.get(self.index.expand(qualname))

    def chain(self, fact: ClassFact) -> tuple[list[ClassFact], list[str]]:
        """Return the class with its project ancestors, and the bases outside the project."""
        seen, outside, todo = [], [], [fact]
        while todo and len(seen) < 50:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.append(current)
            for base in current.bases:
                found = self.lookup(base)
                if found:
                    todo.append(found)
                else:
                    outside.append(self.index.expand(base))
        return seen, outside

    def is_model_base(self, dotted: str) -> bool:
        """Return whether a base outside our class facts is a model base (``db.Model``, ``Base``)."""
        if dotted.rpartition(".")[2] in MODEL_BASES:
            return True
        callee = self.index.table.get(dotted, NO_BINDING).callee
        return bool(callee) and self.index.expand(callee).endswith(BASE_FACTORIES)

    def is_model(self, fact: ClassFact) -> bool:
        """Return whether a class stores what it holds: a database model or a Flask-Login user.

        Value objects (dataclasses, attrs classes, pydantic models) and
        connection builders hold passwords on purpose; forms hold them briefly.
        """
        classes, outside = self.chain(fact)
        if any(c.form for c in classes):
            return False
        return any(c.model_base for c in classes) or any(self.is_model_base(b) or b in USER_BASES for b in outside)

    def hashes_anywhere(self, attribute: str) -> bool:
        """Return whether some class of the project sets ``attribute`` through a setter that is not plain."""
        return any(
            verdict != "plain"
            for fact in self.classes.values()
            if self.is_model(fact)
            for name, verdict in fact.setters
            if name == attribute
        )

    def hashes(self, qualname: Optional[str], attribute: str) -> bool:
        """Return whether assigning ``attribute`` may hash: on that model, or, when unknown, on any."""
        fact = self.lookup(qualname) if qualname else None
        if fact is None:
            return self.hashes_anywhere(attribute)
        classes, _ = self.chain(fact)
        verdict = next((dict(c.setters)[attribute] for c in classes if attribute in dict(c.setters)), "plain")
        return verdict != "plain"

    def plaintext(self, qualname: str, attribute: Optional[str], how: str) -> Optional[ClassFact]:
        """Return the model that stores ``attribute`` unhashed, or None when it hashes or we cannot tell.

        ``how`` is ``attribute`` (``user.password = x``), ``keyword``
        (``User(password=x)``) or ``positional`` (``User(name, x)``). A
        custom ``__init__`` that takes the value is read where it is defined,
        so the call is not judged twice.
        """
        fact = self.lookup(qualname)
        if fact is None:
            return None
        if not self.is_model(fact):
            return None
        classes, _ = self.chain(fact)
        inits = [c for c in classes if c.init is not None]
        if how == "positional":
            if inits:
                return None
            verdicts = {v for c in classes for _, v in c.setters}
            stored = any(c.columns for c in classes)
            return fact if stored and verdicts <= {"plain"} else None
        if how == "keyword" and inits and (attribute in inits[0].init or not inits[0].init_kwargs):
            return None
        for cls in classes:
            verdict = dict(cls.setters).get(attribute)
            if verdict is not None:
                return fact if verdict == "plain" else None
        return fact if any(attribute in c.columns for c in classes) else None
