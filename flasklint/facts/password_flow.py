"""Where passwords go inside one function: a small, honest data flow over ``ast``.

Each function (and the module body) is read statement by statement, in order.
A local name holds an :class:`Origin` when its value comes from the request
(``request.form["password"]``, ``request.values.get(...)``,
``request.get_json()["password"]``, a WTForms ``form.password.data``), from a
password-named parameter, or is a string literal; the value keeps its origin
through assignments, tuple unpacking, ``.strip()``-like calls, ``str()``,
f-strings, ``+``/``%``/``.format`` and dict, list and tuple literals. Any
other call ends the flow, so a hash function (or anything unknown) is a
sanitiser and the rules stay silent. Branches are read one after the other,
so a later assignment wins; loops run once.

Where such a value reaches a sink the collector records a :class:`FlowEvent`:
``store`` (a model constructor keyword or argument, an attribute of a model
instance, an INSERT/UPDATE statement, a PyMongo document), ``compare``
(``==``/``!=`` against a stored password, ``filter_by(password=...)``, a
SELECT on the password column, a PyMongo ``find``) and ``weak-hash`` (a
``hashlib`` digest or a weak werkzeug ``method=`` applied to a password).
Whether a model hashes on assignment is a project fact (:mod:`.models`),
decided by the rules.

To follow values between functions, the collector also records what is
passed to each call it can name (``argument``: a password parameter, request
data, a literal), which function's result reaches a sink (``result``), and
what a function returns (``via``); the rules join them across the project.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Optional, Union, cast

from ..flask_context import FLASK_REQUEST, FunctionNode, ast_dotted, local_target, qualify, statements
from . import FactKey
from .passwords import (
    FIELD_GETTERS,
    REQUEST_DATA,
    REQUEST_METHODS,
    SAME_VALUE,
    digest_name,
    is_hash_call,
    is_password_name,
    weak_method,
)
from .request_data import ExpressionFlow

KEY: FactKey[list[FlowEvent]] = FactKey("password_flow", __name__)

#: A file must match this (a password-like word) for the collector to read it.
TRIGGER = re.compile(r"passw|pwd|pswd|pw|['\"]pass", re.IGNORECASE)
#: PyMongo methods that write a document, and those that query with one.
MONGO_WRITES = frozenset(
    {
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "replace_one",
        "find_one_and_update",
        "find_one_and_replace",
    }
)
MONGO_READS = frozenset({"find", "find_one", "count_documents", "find_one_and_delete"})
#: Decorators that make a function a command-line command (click, Flask's ``app.cli``, typer, Flask-Script).
CLI_DECORATORS = ("command", "option", "argument")
#: Query methods whose first argument, or whose ``X.query`` receiver, names a model.
QUERY_METHODS = frozenset({"query", "get", "get_or_404", "select", "first_or_404", "one_or_404", "scalar"})


@dataclass(frozen=True)
class Origin:
    """Where a value came from: ``request`` data, a password-named ``param`` or a ``literal``.

    ``text`` is the source expression (``request.form['password']``) or the
    parameter's name; ``password`` says the source itself is named like a
    password (the form key, the field, the parameter).
    """

    kind: str
    text: str
    line: int
    password: bool
    #: For a ``param``: the qualified function it belongs to, and its position (``self`` not counted).
    function: str = ""
    index: int = -1
    #: For a ``param``: the function is a command-line command, whose options the user types.
    command: bool = False

    def describe(self, filename: str) -> str:
        """Return how messages name this origin."""
        where = f"({filename}:{self.line})"
        if self.kind == "literal":
            return f"a string literal {where}"
        if self.kind == "param":
            return f"parameter `{self.text}` {where}"
        if self.kind == "name":
            return f"the password-named value `{self.text}` {where}"
        return f"`{self.text}` {where}"


@dataclass(frozen=True)
class Container:
    """A dict, list or tuple literal with the origins of its items (key or None, value)."""

    parts: tuple[tuple[Optional[str], Value], ...]


@dataclass(frozen=True)
class Digest:
    """A password passed through a fast digest (``hashlib.md5(password)``), and where that happened.

    It becomes a ``weak-hash`` event only where it is stored, compared or
    returned: a digest computed to query a breach list is nobody's business.
    """

    name: str
    how: str
    position: tuple[int, int, int, int]
    origin: Origin


@dataclass(frozen=True)
class Result:
    """What a call of a function flasklint can name returns (``hash_password(pw)``, ``client.sign(pw)``).

    The rules look at that function: whether it returns a fast digest.
    """

    callee: str


Value = Union[Origin, Container, Digest, Result, None]
#: A node with a position in the source.
Located = Union[ast.stmt, ast.expr, ast.keyword]


@dataclass(frozen=True)
class FlowEvent:
    """A password value reaching a sink.

    ``kind`` is ``store``, ``compare`` or ``weak-hash``; ``how`` says which sink
    (``keyword``, ``positional``, ``attribute``, ``sql``, ``document``,
    ``==``, ``!=``, ``query``, ``digest``, ``method``); ``sink`` is the text
    messages show (empty for model sinks, which the rules name); ``model``
    (qualified as the file sees it, None when unknown) and ``attribute`` tell
    the rules which model attribute decides.

    Three more kinds let the rules follow values between functions:
    ``argument`` (a password, request value or literal passed to the
    function ``sink``; ``attribute`` is the keyword or the position),
    ``result`` (what function ``sink`` returns reaches a sink, ``store``
    says which) and, for a ``weak-hash`` or ``result`` that is returned,
    ``via`` names the function returning it. ``store`` is ``attribute`` or
    ``constructor`` when a digest is kept on an object (of class ``model``),
    empty for the other sinks.
    """

    kind: str
    how: str
    line: int
    column: int
    end_line: int
    end_column: int
    origin: Origin
    sink: str
    model: Optional[str] = None
    attribute: Optional[str] = None
    via: Optional[str] = None
    store: str = ""

    @property
    def start(self) -> tuple[int, int]:
        """Return the 1-based start of the sink."""
        return self.line, self.column

    @property
    def end(self) -> tuple[int, int]:
        """Return the 1-based end of the sink."""
        return self.end_line, self.end_column


def _raw(value: Value) -> Optional[Origin]:
    """Return the origin of a value that is request data or a password parameter."""
    return value if isinstance(value, Origin) and value.kind in ("request", "param") else None


def _first(values) -> Value:
    """Return the first value that carries client data or a digest, else a call's result; literals are ignored."""
    results = []
    for value in values:
        if _raw(value) or isinstance(value, (Container, Digest)):
            return value
        if isinstance(value, Result):
            results.append(value)
    return results[0] if results else None


def _flatten(value: Value) -> Iterator[tuple[Optional[str], Value]]:
    """Yield ``(key, value)`` for every origin or digest inside a value."""
    if isinstance(value, Container):
        for key, part in value.parts:
            for inner_key, inner in _flatten(part):
                yield inner_key or key, inner
    elif value is not None:
        yield None, value


def _const(node: Optional[ast.AST]) -> Optional[str]:
    """Return a string constant's value."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _sql_text(node: ast.AST) -> str:
    """Return the literal text of an SQL expression (constant, f-string, ``%``, ``+``, ``text()``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_sql_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _sql_text(node.left) + (_sql_text(node.right) if isinstance(node.op, ast.Add) else "")
    if isinstance(node, ast.Call) and node.args:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _sql_text(node.func.value)
        return _sql_text(node.args[0])
    return ""


def _position(node: Located) -> tuple[int, int, int, int]:
    """Return the 1-based range of a node."""
    return (
        node.lineno,
        node.col_offset + 1,
        getattr(node, "end_lineno", None) or node.lineno,
        (getattr(node, "end_col_offset", None) or node.col_offset) + 1,
    )


class _Function(ExpressionFlow[Value]):
    """The flow through one function body (or the module body)."""

    JOINING_OPERATORS = (ast.Add, ast.Mod)

    def __init__(self, module: _Module, scope: tuple[str, ...], owner: Optional[str]):
        super().__init__({})
        self.module = module
        self.scope = scope
        #: The qualified name of the function (empty for the module body).
        self.name = ".".join(filter(None, (module.name, *scope))) if scope else ""
        #: The qualified class ``self`` belongs to, inside a method.
        self.owner = owner
        #: Local names holding a model instance (qualified class) or a hashlib object.
        self.classes: dict[str, str] = {}

    # -- names ------------------------------------------------------------

    def target(self, node: ast.AST) -> Optional[str]:
        """Return what a name or attribute chain refers to, imports followed."""
        dotted = ast_dotted(node)
        if dotted is None:
            return None
        return local_target(self.module.bindings, self.module.name, self.scope, dotted) or dotted

    def qualified(self, node: ast.AST) -> Optional[str]:
        """Return the qualified name of a class reference, as the file binds it."""
        dotted = ast_dotted(node)
        return dotted and qualify(self.module.bindings, self.module.name, self.scope, dotted)

    def is_request(self, node: ast.AST) -> bool:
        """Return whether ``node`` is Flask's ``request``."""
        return self.target(node) == FLASK_REQUEST

    # -- values -----------------------------------------------------------

    # The expression cases are :class:`~.request_data.ExpressionFlow`'s; these say what each gives.

    def join(self, values: Iterable[Value]) -> Value:
        """Return the value of an expression made of parts: see :func:`_first`."""
        return _first(values)

    def constant_value(self, node: ast.Constant) -> Value:
        """Return a non-blank string literal's origin."""
        if isinstance(node.value, str) and node.value.strip():
            return Origin("literal", "", node.lineno, False)
        return None

    def subscript_value(self, node: ast.Subscript) -> Value:
        """Return the value of ``base[key]``."""
        return self.member(self.value(node.value), _const(node.slice), node)

    def container_value(self, node: ast.AST) -> Value:
        """Return a dict, list or tuple literal with the values of its items that carry data."""
        parts: tuple[tuple[Optional[str], Value], ...]
        if isinstance(node, (ast.Tuple, ast.List)):
            parts = tuple((None, v) for v in map(self.value, node.elts) if _first((v,)))
        elif isinstance(node, ast.Dict):
            parts = tuple((_const(k), v) for k, v in zip(node.keys, map(self.value, node.values)) if _first((v,)))
        else:
            return None
        return Container(parts) if parts else None

    def attribute_value(self, node: ast.Attribute) -> Value:
        """Return the origin of ``request.form`` and of a WTForms ``form.password.data``."""
        if node.attr in REQUEST_DATA and self.is_request(node.value):
            return Origin("request", ast.unparse(node), node.lineno, False)
        if (
            node.attr == "data"
            and isinstance(node.value, ast.Attribute)
            and is_password_name(node.value.attr)
            and isinstance(node.value.value, ast.Name)
        ):
            return Origin("request", ast.unparse(node), node.lineno, True)
        return None

    def member(self, base: Value, key: Optional[str], node: ast.expr) -> Value:
        """Return the value of ``base[key]`` (or ``base.get(key)``)."""
        if isinstance(base, Origin) and base.kind == "request":
            return Origin("request", ast.unparse(node), node.lineno, is_password_name(key))
        if isinstance(base, Container):
            return next((part for part_key, part in base.parts if part_key == key), None)
        return None

    def call_value(self, node: ast.Call) -> Value:
        """Return the value a call gives: request data, a digest, the same value reshaped, or nothing."""
        digest = self.weak_digest(node)
        if digest:
            return digest
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if isinstance(func, ast.Attribute):
            if func.attr in REQUEST_METHODS and self.is_request(func.value):
                return Origin("request", ast.unparse(node), node.lineno, False)
            if func.attr == "parse_args" and not node.args:
                return Origin("request", ast.unparse(node), node.lineno, False)  # Flask-RESTful reqparse
            receiver = self.value(func.value)
            if func.attr in FIELD_GETTERS and node.args:
                return self.member(receiver, _const(node.args[0]), node)
            if func.attr == "format" and _const(func.value) is not None:
                return _first(self.value(a) for a in [*node.args, *(k.value for k in node.keywords)])
            if func.attr in SAME_VALUE and (_raw(receiver) or isinstance(receiver, (Digest, Result))):
                return receiver
        if name in SAME_VALUE and node.args and not is_hash_call(self.target(func)):
            return _raw(self.value(node.args[0]))
        callee = self.callee(func)
        return Result(callee) if callee and not callee.startswith(".") else None

    def callee(self, func: ast.AST) -> Optional[str]:
        """Return the function a call reaches, qualified, or ``.name`` for a method of an unknown object."""
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            cls = self.owner if func.value.id == "self" else self.classes.get(func.value.id)
            if cls and not cls.startswith("hashlib."):
                return f"{cls}.{func.attr}"
        qualified = self.qualified(func)
        if qualified:
            return qualified
        return f".{func.attr}" if isinstance(func, ast.Attribute) else None

    # -- statements -------------------------------------------------------

    def run(self, body: list[ast.stmt]) -> None:
        """Follow the values through a block of statements and the blocks nested in it, in order."""
        for stmt in statements(body):
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        """Check the sinks of one statement, then apply its assignments (:meth:`run` enters its blocks)."""
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.module.definition(stmt, self.scope)
            return
        for expression in _header(stmt):
            self.scan(expression)
        if isinstance(stmt, ast.Return):
            self.digested(self.value(stmt.value), via=self.name or None, node=stmt)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                self.assign(target, stmt.value)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self.assign(stmt.target, stmt.value)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.forget(stmt.target)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self.forget(item.optional_vars)

    def forget(self, target: ast.AST) -> None:
        """Drop what names bound by ``for``/``with`` held before."""
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self.env.pop(node.id, None)
                self.classes.pop(node.id, None)

    def assign(self, target: ast.AST, value_node: ast.AST) -> None:
        """Bind a target to a value: names, tuple unpacking, and model attribute sinks."""
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value_node, (ast.Tuple, ast.List)) and len(value_node.elts) == len(target.elts):
                for inner, inner_value in zip(target.elts, value_node.elts):
                    self.assign(inner, inner_value)
                return
            value = _raw(self.value(value_node))
            for inner in target.elts:
                self.bind(inner, value, None)
            return
        if isinstance(target, ast.Attribute):
            self.attribute_sink(target, value_node)
            return
        self.bind(target, self.value(value_node), self.class_of(value_node))

    def bind(self, target: ast.AST, value: Value, cls: Optional[str]) -> None:
        """Record what a plain name now holds."""
        if not isinstance(target, ast.Name):
            return
        if value is None:
            self.env.pop(target.id, None)
        else:
            self.env[target.id] = value
        if cls is None:
            self.classes.pop(target.id, None)
        else:
            self.classes[target.id] = cls

    def class_of(self, node: ast.AST) -> Optional[str]:
        """Return the class of the object an expression gives, for model and hashlib objects.

        ``hashlib.md5()`` gives ``hashlib.md5``; ``User(...)``,
        ``User.query....first()``, ``db.session.get(User, id)`` and
        ``db.session.scalar(select(User)...)`` give ``User``, qualified.
        """
        if not isinstance(node, ast.Call):
            return None
        digest = digest_name(self.target(node.func))
        return f"hashlib.{digest}" if digest else self.model_of(node)

    def model_of(self, node: ast.AST) -> Optional[str]:
        """Return the model class a constructor or query chain gives."""
        while isinstance(node, ast.Call):
            func = node.func
            if _is_class(func):
                return self.qualified(func)
            name = (ast_dotted(func) or "").rpartition(".")[2] or getattr(func, "attr", "")
            if name in QUERY_METHODS and node.args:
                first = node.args[0]
                found = self.qualified(first) if _is_class(first) else self.model_of(first)
                if found:
                    return found
            if not isinstance(func, ast.Attribute):
                return None
            if isinstance(func.value, ast.Attribute) and func.value.attr == "query" and _is_class(func.value.value):
                return self.qualified(func.value.value)
            node = func.value
        return None

    # -- sinks ------------------------------------------------------------

    def event(
        self,
        kind: str,
        how: str,
        node: Located,
        origin: Origin,
        sink: str,
        model: Optional[str] = None,
        attribute: Optional[str] = None,
    ) -> None:
        """Record one event at ``node``."""
        self.module.events.append(FlowEvent(kind, how, *_position(node), origin, sink, model, attribute))

    def digested(
        self,
        value: Value,
        via: Optional[str] = None,
        store: str = "",
        model: Optional[str] = None,
        node: Optional[Located] = None,
    ) -> bool:
        """Report a digest, or a call's result, that reaches a sink or a ``return``; return whether one did.

        ``via`` is the function returning it; ``store`` and ``model`` say on
        which object it is kept, ``node`` where.
        """
        found = False
        for _, inner in _flatten(value):
            if isinstance(inner, Digest):
                self.module.events.append(
                    FlowEvent(
                        "weak-hash", inner.how, *inner.position, inner.origin, inner.name, model, None, via, store
                    )
                )
                found = True
            elif isinstance(inner, Result) and node is not None:
                origin = Origin("result", inner.callee, node.lineno, False)
                self.module.events.append(
                    FlowEvent("result", "call", *_position(node), origin, inner.callee, model, None, via, store)
                )
        return found

    def scan(self, expression: ast.AST) -> None:
        """Check every call and comparison inside an expression."""
        for node in _walk(expression):
            if isinstance(node, ast.Call):
                self.call_sinks(node)
            elif isinstance(node, ast.Compare):
                self.compare(node)

    def attribute_sink(self, target: ast.Attribute, value_node: ast.AST) -> None:
        """Record ``user.password = <password>`` on an object whose class is known."""
        if not is_password_name(target.attr, hashed=True) or not isinstance(target.value, ast.Name):
            return
        receiver = target.value.id
        model = self.owner if receiver == "self" and self.owner else self.classes.get(receiver)
        origin = self.value(value_node)
        if self.digested(origin, store="attribute", model=model, node=target):
            return
        if model and isinstance(origin, Origin) and self.storable(origin):
            self.event("store", "attribute", target, origin, "", model, target.attr)

    @staticmethod
    def storable(origin: Origin) -> bool:
        """Return whether an origin stored under a password name is a plaintext password."""
        return origin.kind in ("request", "literal") or origin.password

    def call_sinks(self, node: ast.Call) -> None:
        """Check a call: constructors, queries, SQL, PyMongo, and follow ``hasher.update()``."""
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        self.arguments(node, name[:1].isupper())
        if name[:1].isupper():
            self.constructor(node)
        elif name == "filter_by":
            for keyword in node.keywords:
                value = self.value(keyword.value)
                origin = _raw(value)
                if self.digested(value, node=keyword):
                    continue
                if origin and is_password_name(keyword.arg, hashed=True):
                    self.event("compare", "query", keyword, origin, f"filter_by({keyword.arg}=...)")
        elif name in ("execute", "executemany") and node.args:
            self.sql(node)
        elif name in MONGO_WRITES or name in MONGO_READS:
            self.document(node, name)
        elif name == "update":
            self.update(node)

    def arguments(self, node: ast.Call, constructor: bool) -> None:
        """Record the passwords and request values passed to a function, so that rules can follow them.

        String literals count only when given to a class or under a password-like keyword.
        """
        callee = self.callee(node.func)
        if callee is None:
            return
        slots = []
        for position, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                break
            slots.append((str(position), arg))
        slots += [(k.arg, k.value) for k in node.keywords if k.arg]
        for slot, arg in slots:
            origin = self.value(arg)
            if not isinstance(origin, Origin) or (origin.kind == "param" and not origin.password):
                continue
            if origin.kind != "literal" or constructor or is_password_name(slot):
                self.event("argument", "call", arg, origin, callee, None, slot)

    def constructor(self, node: ast.Call) -> None:
        """Record passwords given to what may be a model class (the project decides)."""
        model = self.qualified(node.func)
        if model is None:
            return
        for keyword in node.keywords:
            origin = self.value(keyword.value)
            if self.digested(origin, store="constructor", model=model, node=keyword):
                continue
            if is_password_name(keyword.arg, hashed=True) and isinstance(origin, Origin) and self.storable(origin):
                self.event("store", "keyword", keyword, origin, "", model, keyword.arg)
        for arg in node.args:
            value = self.value(arg)
            origin = _raw(value)
            if not self.digested(value, store="constructor", model=model, node=arg) and origin and origin.password:
                self.event("store", "positional", arg, origin, "", model)

    def sql(self, node: ast.Call) -> None:
        """Record passwords bound into an INSERT/UPDATE (store) or a SELECT on the password (compare)."""
        statement = _sql_text(node.args[0]).strip()
        verb = statement.split(None, 1)[0].upper() if statement else ""
        where = statement.upper().partition("WHERE")[2]
        if verb in ("INSERT", "UPDATE", "REPLACE"):
            kind = "store"
        elif verb == "SELECT" and any(is_password_name(word) for word in where.lower().replace("=", " ").split()):
            kind = "compare"
        else:
            return
        values = [
            self.value(node.args[0]),
            *map(self.value, node.args[1:]),
            *(self.value(k.value) for k in node.keywords),
        ]
        for value in values:
            if self.digested(value, node=node):
                continue
            origin = next((raw for _, o in _flatten(value) if (raw := _raw(o)) and raw.password), None)
            if origin:
                article = "an" if verb[0] in "AEIOU" else "a"
                self.event(kind, "sql", node, origin, f"{article} `{verb}` statement")
                return

    def document(self, node: ast.Call, method: str) -> None:
        """Record a password stored in (or queried by) a PyMongo document."""
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if self.digested(self.value(arg), node=arg):
                continue
            for key, part in _flatten(self.value(arg)):
                origin = _raw(part)
                if origin and is_password_name(key, hashed=True):
                    kind = "store" if method in MONGO_WRITES else "compare"
                    where = next(
                        (
                            value
                            for item in _walk(arg)
                            if isinstance(item, ast.Dict)
                            for name, value in zip(item.keys, item.values)
                            if _const(name) == key
                        ),
                        node,
                    )
                    self.event(kind, "document", where, origin, f"document key `{key}` of `{method}`")
                    return

    def compare(self, node: ast.Compare) -> None:
        """Record ``stored_password == request_password`` (and ``!=``)."""
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:]):
            if not isinstance(op, (ast.Eq, ast.NotEq)):
                continue
            for raw, stored in ((left, right), (right, left)):
                value = self.value(raw)
                origin = _raw(value)
                if self.is_stored_password(stored) and self.digested(value, node=node):
                    return
                if origin and self.is_stored_password(stored):
                    sign = "==" if isinstance(op, ast.Eq) else "!="
                    model, attribute = None, None
                    if isinstance(stored, ast.Attribute):
                        attribute = stored.attr
                        receiver = stored.value.id if isinstance(stored.value, ast.Name) else ""
                        model = self.owner if receiver == "self" else self.classes.get(receiver)
                    self.event("compare", sign, node, origin, ast.unparse(stored), model, attribute)
                    return

    def is_stored_password(self, node: ast.AST) -> bool:
        """Return whether ``node`` reads a stored password (``user.password``, ``row["password"]``)."""
        name: Optional[str]
        if isinstance(node, ast.Attribute):
            name, base = node.attr, node.value
        elif isinstance(node, ast.Subscript):
            name, base = _const(node.slice), node.value
        else:
            return False
        return is_password_name(name, hashed=True) and self.value(base) is None and self.value(node) is None

    def weak_digest(self, node: ast.Call) -> Optional[Digest]:
        """Return the digest a fast hash call makes of a password, if it is one."""
        target = self.target(node.func)
        digest = digest_name(target)
        args = node.args[1:] if digest == "new" else node.args
        origin = self.password_value(args[0]) if args else None
        if origin is None:
            return None
        if digest:
            return Digest(f"hashlib.{digest}", "digest", _position(node), origin)
        method = weak_method(node) if (target or "").rpartition(".")[2] == "generate_password_hash" else None
        if method:
            return Digest(f"generate_password_hash(method={method!r})", "method", _position(node), origin)
        return None

    def update(self, node: ast.Call) -> None:
        """Follow ``hasher.update(password)`` on a ``hashlib`` object."""
        func = node.func
        holder = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        digest = self.classes.get(holder or "", "").partition("hashlib.")[2]
        origin = self.password_value(node.args[0]) if digest and node.args else None
        if origin:
            # a hashlib object is kept under a plain name: ``holder`` is set (names are never empty)
            self.env[cast(str, holder)] = Digest(f"hashlib.{digest}", "digest", _position(node), origin)

    def password_value(self, node: ast.expr) -> Optional[Origin]:
        """Return the origin of a password: a password from the flow, or a password-named value."""
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SAME_VALUE:
            node = node.func.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SAME_VALUE and node.args:
            node = node.args[0]
        origin = _raw(self.value(node))
        if origin and origin.password:
            return origin
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if is_password_name(name) and not isinstance(self.value(node), Container):
            return Origin("name", ast.unparse(node), node.lineno, True)
        return None


def _header(stmt: ast.stmt) -> list[Union[ast.stmt, ast.expr]]:
    """Return the expressions a statement evaluates itself (not those of its nested blocks)."""
    if not hasattr(stmt, "body") and not hasattr(stmt, "cases"):
        return [stmt]
    found: list[Union[ast.stmt, ast.expr]] = []
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "cases", "target"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.withitem):
                found.append(item.context_expr)
            elif isinstance(item, ast.expr):
                found.append(item)
    return found


def _is_class(node: ast.AST) -> bool:
    """Return whether a name or attribute chain looks like a class (``User``, ``models.User``)."""
    dotted = ast_dotted(node)
    return bool(dotted and dotted.rpartition(".")[2][:1].isupper())


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Walk an expression, not entering lambdas and nested definitions."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


class _Module:
    """Every function of one module, each read with its own flow."""

    def __init__(self, facts) -> None:
        self.name = facts.module
        self.bindings = facts.bindings
        self.events: list[FlowEvent] = []

    def definition(
        self, node: Union[FunctionNode, ast.ClassDef], scope: tuple[str, ...], owner: Optional[str] = None
    ) -> None:
        """Read a function or the methods of a class."""
        if isinstance(node, ast.ClassDef):
            inner = scope + (node.name,)
            owner = ".".join(filter(None, (self.name, *inner)))
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.definition(stmt, inner, owner)
            return
        flow = _Function(self, scope + (node.name,), owner)
        arguments = node.args
        params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        if owner and params and not any(ast_dotted(d) in ("staticmethod", "classmethod") for d in node.decorator_list):
            params = params[1:]
        else:
            flow.owner = None
        command = any(
            (ast_dotted(d.func if isinstance(d, ast.Call) else d) or "").endswith(CLI_DECORATORS)
            for d in node.decorator_list
        )
        for index, param in enumerate(params):
            if is_password_name(param.arg):
                flow.env[param.arg] = Origin("param", param.arg, node.lineno, True, flow.name, index, command)
        flow.run(node.body)


def events(modules, kind: str) -> Iterator[tuple[str, FlowEvent]]:
    """Yield ``(path, event)`` for every flow event of ``kind`` in ``modules``.

    Rules pass the modules of the Flask application, without the tests
    unless asked (:meth:`~flasklint.model.environment.Environment.flask_modules`):
    test code builds users with throwaway passwords and fakes password checks.
    """
    for facts in modules:
        for event in facts.get(KEY) or ():
            if event.kind == kind:
                yield facts.path, event


def collect(source, facts) -> None:
    """Add the module's password flow events to ``facts``."""
    if not TRIGGER.search(source.text):
        return
    module = _Module(facts)
    _Function(module, (), None).run(source.tree.body)
    if module.events:
        facts.put(KEY, module.events)
