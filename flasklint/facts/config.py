"""Configuration facts: every place a file sets or loads Flask configuration.

Collected from every file's ``ast`` so that the project step
(:mod:`flasklint.model.config`) can decide which configuration runs in
production, and so that the debug, CSRF, cookie and secret rules share one
view of it. Recorded here, as plain data:

- module-level ``UPPERCASE = value`` assignments (a config module's settings);
- ``UPPERCASE`` attributes of classes, with the class's qualified bases;
- ``app.config["KEY"] = value``, ``app.debug``/``app.testing``/
  ``app.secret_key = value``, ``app.config.update(...)`` and
  ``from_mapping(...)`` keywords and dict items;
- ``from_object``/``from_pyfile``/``from_envvar``/``from_prefixed_env``
  calls, in statement order, with their receiver and argument;
- dicts of names (the ``config = {"development": DevelopmentConfig}`` style);
- ``Flask(...)`` constructions (``instance_relative_config``), ``x.run(...)``
  calls, ``subdomain=`` registrations, forms that switch CSRF off;
- environment reads (``os.environ.get``, ``os.getenv``, ``environ[...]``)
  with their fallback literals.

A value is kept as the plain literal it has when no environment variable is
set (``os.environ.get("DEBUG", "1") == "1"`` is ``True``), with the name of
the variable read, so that rules can say "defaults to ..."; a value that may
be a secret is kept redacted (:mod:`flasklint.facts.secrets`). Every fact
carries the ``if`` tests it stands under (``guards``), unparsed, so the
project step can tell debug and test guards from production code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union, cast

from ..flask_context import ast_dotted, qualify
from . import FactKey
from .bindings import call_text
from .secrets import Literal, conceal, is_secret_key, secret_literal

KEY: FactKey[ConfigFacts] = FactKey("config", __name__)

#: Attributes of a Flask app that mirror a config key.
APP_ATTRIBUTES = {
    "debug": "DEBUG",
    "testing": "TESTING",
    "secret_key": "SECRET_KEY",
    "permanent_session_lifetime": "PERMANENT_SESSION_LIFETIME",
}
#: ``app.config`` methods that load configuration from elsewhere.
LOADERS = frozenset({"from_object", "from_pyfile", "from_envvar", "from_prefixed_env", "from_file"})
#: ``app.config`` methods that take keys and values directly.
MAPPINGS = frozenset({"update", "from_mapping"})
#: Cheap text markers: a file without any holds no configuration fact.
MARKERS = ("config", "environ", "getenv", "debug", "testing", "secret_key", ".run(", "subdomain", "csrf", "Flask(")
#: How code spells ``os.environ`` and its readers.
ENVIRON = frozenset({"os.environ", "environ"})
ENV_GETTERS = frozenset({"os.environ.get", "environ.get", "os.getenv", "getenv"})
_KEY_ASSIGNMENT = re.compile(r"^[ \t]*[A-Z][A-Z0-9_]*[ \t]*[:=]", re.MULTILINE)
_STRING_METHODS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "strip": str.strip,
    "casefold": str.casefold,
}
_CONVERSIONS = {"bool": bool, "int": int, "str": str, "float": float}


class _Unknown:
    """The value of an expression flasklint cannot evaluate."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Value:
    """What an expression evaluates to when no environment variable is set.

    ``known`` is false when flasklint cannot tell (then ``value`` is None).
    ``env`` names the environment variable the expression reads, if any: the
    value is then its fallback (``os.environ.get("X", "fallback")``,
    ``os.getenv("X") or "fallback"``), and None when there is none.
    """

    known: bool
    value: Any = None
    env: Optional[str] = None

    @property
    def literal(self) -> bool:
        """Return whether the value is a literal written in the code, not an env fallback."""
        return self.known and self.env is None

    def truthy(self) -> Optional[bool]:
        """Return whether the value turns a flag on; None when unknown.

        A string read from the environment counts as on only when it spells
        on (``"1"``, ``"true"``, ``"yes"``, ``"on"``): code that reads
        ``"false"`` there parses it later.
        """
        if not self.known:
            return None
        if self.env is not None and isinstance(self.value, str):
            return self.value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
        return bool(self.value)

    def shown(self) -> str:
        """Return the value for a message: literals other than strings, never a string's content."""
        if isinstance(self.value, str):
            return "a non-empty string" if self.value else "an empty string"
        return repr(self.value)


@dataclass(frozen=True)
class Setting:
    """One configuration key set to a value at one place.

    ``guards`` are the unparsed tests of the enclosing ``if`` statements
    (``not (...)`` in an ``else``), plus ``def test_x`` / ``@fixture`` markers
    for test functions; ``conditional`` is true under any ``if``, ``try``,
    loop or ``with`` inside the owner's body.
    """

    key: str
    value: Value
    line: int
    column: int
    end_line: int
    end_column: int
    guards: tuple[str, ...] = ()
    conditional: bool = False
    #: The non-empty string or bytes literal the value comes from, if the key names a secret.
    literal: Optional[Literal] = None


@dataclass(frozen=True)
class ConfigClass:
    """A class with ``UPPERCASE`` attributes or bases, and its qualified bases."""

    qualname: str
    name: str
    line: int
    column: int
    bases: tuple[str, ...]
    settings: tuple[Setting, ...]


@dataclass(frozen=True)
class AppSetting:
    """``app.config[...] =``, ``app.debug =``, ``app.config.update(...)`` and the like.

    ``receiver`` is the qualified name of the app (None when unbound);
    ``via`` says how: ``item``, ``attribute``, ``update``, ``from_mapping``.
    """

    receiver: Optional[str]
    via: str
    setting: Setting
    function: str


@dataclass(frozen=True)
class Load:
    """A call such as ``app.config.from_object(arg)``.

    ``argument`` is the argument in a small language: ``str:TEXT`` for a
    string literal, ``name:QUALNAME`` for a name (or a call of one without
    arguments: ``DefaultConfig()``), ``item:QUALNAME`` for a
    subscript or ``.get`` of a dict name, ``none:`` when there is none,
    ``other:`` otherwise. ``function`` is the enclosing function's qualified
    name (``""`` at module level); ``order`` counts statements in the file.
    """

    receiver: Optional[str]
    method: str
    argument: str
    line: int
    column: int
    end_line: int
    end_column: int
    function: str
    order: int
    guards: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class NameDict:
    """A dict literal of string keys to names: ``{"production": ProductionConfig}``."""

    qualname: str
    entries: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True)
class AppCreation:
    """``target = Flask(...)``: the qualified target, the callee, and instance_relative_config."""

    target: str
    callee: str
    instance_relative: Optional[bool]
    line: int


@dataclass(frozen=True)
class Call:
    """A call that matters to one rule: ``x.run(...)``, ``subdomain=``, ``csrf_enabled=False``.

    ``kind`` is ``run``, ``subdomain`` or ``csrf-off``; ``receiver`` is the
    qualified object called on (or the callee for constructors);
    ``keywords`` holds the literal keyword arguments as ``(name, Value)``.
    """

    kind: str
    receiver: Optional[str]
    line: int
    column: int
    end_line: int
    end_column: int
    keywords: tuple[tuple[str, Value], ...]
    guards: tuple[str, ...]
    function: str
    source: str = ""


@dataclass(frozen=True)
class EnvRead:
    """An environment read with its fallback (``has_fallback`` false when there is none)."""

    var: Optional[str]
    fallback: Value
    has_fallback: bool
    line: int
    column: int
    #: The non-empty string or bytes literal of the fallback, if the variable names a secret.
    literal: Optional[Literal] = None


@dataclass
class ConfigFacts:
    """Everything configuration-related in one module."""

    module_settings: list[Setting] = field(default_factory=list)
    classes: list[ConfigClass] = field(default_factory=list)
    app_settings: list[AppSetting] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    dicts: list[NameDict] = field(default_factory=list)
    apps: list[AppCreation] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    env_reads: list[EnvRead] = field(default_factory=list)

    def empty(self) -> bool:
        """Return whether nothing was found."""
        return not any(vars(self).values())


# --------------------------------------------------------------------------
# Evaluating an expression as it stands when the environment is empty
# --------------------------------------------------------------------------


def env_read(node: ast.AST) -> Optional[tuple[Optional[str], Optional[ast.AST], bool]]:
    """Return ``(variable, fallback node, raises when unset)`` for an environment read."""
    if isinstance(node, ast.Subscript):
        if ast_dotted(node.value) in ENVIRON:
            key = node.slice.value if isinstance(node.slice, ast.Constant) else None
            return (key if isinstance(key, str) else None), None, True
        return None
    if not isinstance(node, ast.Call):
        return None
    if ast_dotted(node.func) not in ENV_GETTERS:
        return None
    if not node.args or not isinstance(node.args[0], ast.Constant):
        return None
    var = node.args[0].value if isinstance(node.args[0].value, str) else None
    fallback = (
        node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
    )
    return var, fallback, False


def evaluate(node: Optional[ast.AST]) -> Value:
    """Return what ``node`` evaluates to with an empty environment, as a :class:`Value`."""
    env: list[str] = []
    value = _evaluate(node, env)
    if value is UNKNOWN or isinstance(value, (list, tuple, set, frozenset, bytes)):
        return Value(False, None, env[0] if env else None)
    return Value(True, value, env[0] if env else None)


def _evaluate(node: Optional[ast.AST], env: list) -> Any:
    """Evaluate a small subset of Python; UNKNOWN for anything else."""
    if node is None:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, (str, int, float, bool, type(None))) else UNKNOWN
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_evaluate(e, env) for e in node.elts]
        return UNKNOWN if any(i is UNKNOWN for i in items) else tuple(items)
    read = env_read(node)
    if read is not None:
        var, fallback, raises = read
        env.append(var or "?")
        if raises:
            return UNKNOWN
        return None if fallback is None else _evaluate(fallback, env)
    if isinstance(node, ast.BoolOp):
        return _bool_op(node, env)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        operand = _evaluate(node.operand, env)
        return UNKNOWN if operand is UNKNOWN else not operand
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compare(node.ops[0], _evaluate(node.left, env), _evaluate(node.comparators[0], env))
    if isinstance(node, ast.IfExp):
        test = _evaluate(node.test, env)
        return UNKNOWN if test is UNKNOWN else _evaluate(node.body if test else node.orelse, env)
    if isinstance(node, ast.Call) and not node.keywords:
        return _call(node, env)
    return UNKNOWN


def _bool_op(node: ast.BoolOp, env: list) -> Any:
    """Evaluate ``a or b`` / ``a and b`` as Python does."""
    value: Any = UNKNOWN
    for operand in node.values:
        value = _evaluate(operand, env)
        if value is UNKNOWN:
            return UNKNOWN
        if bool(value) == isinstance(node.op, ast.Or):
            return value
    return value


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    """Evaluate one comparison of known values."""
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    try:
        if isinstance(op, (ast.Eq, ast.Is)):
            return left == right
        if isinstance(op, (ast.NotEq, ast.IsNot)):
            return left != right
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def literal_of(node: Optional[ast.AST], value: Value, key: str) -> Optional[Literal]:
    """Return the non-empty string or bytes literal in ``node`` that ``value`` comes from, if ``key`` names a secret."""
    if not is_secret_key(key):
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes) and node.value:
        return secret_literal(node.value.decode("latin-1"), key, **_mark(node))
    if node is None or not (value.known and isinstance(value.value, str) and value.value):
        return None
    found = [n for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value == value.value]
    return secret_literal(value.value, key, **_mark(found[-1]), env=value.env) if found else None


def _call(node: ast.Call, env: list) -> Any:
    """Evaluate ``bool(x)``, ``int(x)``, ``x.lower()`` and the like."""
    if isinstance(node.func, ast.Name) and node.func.id in _CONVERSIONS and len(node.args) == 1:
        value = _evaluate(node.args[0], env)
        if value is UNKNOWN:
            return UNKNOWN
        try:
            return _CONVERSIONS[node.func.id](value)
        except (TypeError, ValueError):
            return UNKNOWN
    if isinstance(node.func, ast.Attribute) and node.func.attr in _STRING_METHODS and not node.args:
        value = _evaluate(node.func.value, env)
        return _STRING_METHODS[node.func.attr](value) if isinstance(value, str) else UNKNOWN
    return UNKNOWN


# --------------------------------------------------------------------------
# The collector
# --------------------------------------------------------------------------


def _is_key(name: str) -> bool:
    """Return whether ``name`` looks like a config key (``DEBUG``, ``SECRET_KEY``)."""
    return name.isupper() and not name.startswith("__")


def _guard_text(test: ast.AST) -> str:
    """Return an ``if`` test as source text."""
    try:
        return ast.unparse(test)
    except (AttributeError, ValueError, RecursionError):  # pragma: no cover - very old Pythons
        return "?"


def _mark(node: Union[ast.stmt, ast.expr, ast.keyword]) -> dict:
    """Return a node's position as Setting/Load keyword arguments (1-based columns)."""
    return {
        "line": node.lineno,
        "column": node.col_offset + 1,
        "end_line": getattr(node, "end_lineno", None) or node.lineno,
        "end_column": (getattr(node, "end_col_offset", None) or node.col_offset) + 1,
    }


def _config_call(call: ast.Call) -> Optional[tuple[str, str]]:
    """Return ``(receiver dotted, method)`` for ``x.config.method(...)``."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value
    if isinstance(owner, ast.Attribute) and owner.attr == "config":
        receiver = ast_dotted(owner.value)
        return (receiver, func.attr) if receiver else None
    return None


class _Collector:
    """Walk one module's statements, tracking scope, guards and statement order."""

    def __init__(self, facts):
        self.module = facts.module
        self.bindings = facts.bindings
        self.out = ConfigFacts()
        self.order = 0

    def qualified(self, dotted: Optional[str], scope: tuple) -> Optional[str]:
        """Return the project-wide name of ``dotted`` seen from ``scope`` (None if unbound)."""
        return qualify(self.bindings, self.module, scope, dotted) if dotted else None

    def function(self, scope: tuple) -> str:
        """Return the qualified name of the innermost scope (``""`` at module level)."""
        return ".".join(filter(None, (self.module, *scope))) if scope else ""

    def visit(
        self, body, scope: tuple, guards: tuple, defaults: dict, conditional: bool = False, owner: Optional[list] = None
    ) -> None:
        """Visit a block; ``owner`` collects class attributes while in a class body."""
        for stmt in body:
            self.order += 1
            if isinstance(stmt, ast.ClassDef):
                self.visit_class(stmt, scope, guards)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.visit_function(stmt, scope, guards)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                self.visit_assign(stmt, scope, guards, conditional, owner)
            elif isinstance(stmt, ast.If):
                text = _guard_text(stmt.test)
                self.visit(stmt.body, scope, guards + (text,), defaults, True, owner)
                self.visit(stmt.orelse, scope, guards + (f"not ({text})",), defaults, True, owner)
            else:
                for block in ("body", "orelse", "finalbody"):
                    self.visit(getattr(stmt, block, ()) or (), scope, guards, defaults, True, owner)
                for handler in getattr(stmt, "handlers", ()) or ():
                    self.visit(handler.body, scope, guards, defaults, True, owner)
            self.expressions(stmt, scope, guards, defaults)

    def visit_class(self, node: ast.ClassDef, scope: tuple, guards: tuple) -> None:
        """Record a class's UPPERCASE attributes and bases, then its methods."""
        settings: list[Setting] = []
        self.visit(node.body, scope + (node.name,), guards, {}, False, settings)
        if node.name == "Meta" and scope and self.csrf_meta(node):
            self.out.calls.append(
                Call(
                    "csrf-off",
                    ".".join(filter(None, (self.module, *scope))),
                    keywords=(),
                    guards=guards,
                    function=self.function(scope[:-1]),
                    **_mark(node),
                )
            )
        bases = tuple(self.qualified(d, scope) or d for d in map(ast_dotted, node.bases) if d)
        if settings or set(bases) - {"object"}:
            self.out.classes.append(
                ConfigClass(
                    ".".join(filter(None, (self.module, *scope, node.name))),
                    node.name,
                    node.lineno,
                    node.col_offset + 1,
                    bases,
                    tuple(settings),
                )
            )

    def visit_function(self, node, scope: tuple, guards: tuple) -> None:
        """Visit a function body, marking test functions and fixtures as guards."""
        marks = tuple(ast_dotted(d.func if isinstance(d, ast.Call) else d) or "" for d in node.decorator_list)
        if node.name.startswith("test_") or any(m.endswith("fixture") for m in marks):
            guards = guards + (f"def {node.name}",)
        args = node.args.args + node.args.kwonlyargs
        defaults = dict(zip([a.arg for a in node.args.args][::-1], node.args.defaults[::-1]))
        defaults.update((a.arg, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d)
        defaults.update((a.arg, None) for a in args if a.arg not in defaults)
        self.visit(node.body, scope + (node.name,), guards, defaults)

    def visit_assign(self, stmt, scope: tuple, guards: tuple, conditional: bool, owner) -> None:
        """Record module and class settings, ``app.config[...] =``, dicts and apps."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if stmt.value is None:
            return
        value = evaluate(stmt.value)
        for target in targets:
            if isinstance(target, ast.Name) and _is_key(target.id) and (owner is not None or not scope):
                setting = Setting(
                    target.id,
                    conceal(value, target.id),
                    guards=guards,
                    conditional=conditional,
                    literal=literal_of(stmt.value, value, target.id),
                    **_mark(stmt),
                )
                (owner if owner is not None else self.out.module_settings).append(setting)
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config"
                and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)
            ):
                self.app_setting(
                    ast_dotted(target.value.value), "item", target.slice.value, stmt.value, stmt, scope, guards
                )
            elif isinstance(target, ast.Attribute) and target.attr in APP_ATTRIBUTES:
                self.app_setting(
                    ast_dotted(target.value), "attribute", APP_ATTRIBUTES[target.attr], stmt.value, stmt, scope, guards
                )
            if isinstance(target, ast.Name):
                self.named_value(target.id, stmt.value, scope)

    def app_setting(
        self,
        receiver: Optional[str],
        via: str,
        key: str,
        expression: ast.AST,
        node: Union[ast.stmt, ast.expr, ast.keyword],
        scope: tuple,
        guards: tuple,
    ) -> None:
        """Record a setting made on an app object: ``key`` set to ``expression`` at ``node``."""
        value = evaluate(expression)
        setting = Setting(
            key,
            conceal(value, key),
            guards=guards,
            conditional=bool(guards),
            literal=literal_of(expression, value, key),
            **_mark(node),
        )
        self.out.app_settings.append(AppSetting(self.qualified(receiver, scope), via, setting, self.function(scope)))

    def named_value(self, name: str, value: ast.AST, scope: tuple) -> None:
        """Record dicts of names and ``Flask(...)`` constructions bound to ``name``."""
        qualname = ".".join(filter(None, (self.module, *scope, name)))
        if isinstance(value, ast.Dict) and value.keys:
            entries = []
            for key, item in zip(value.keys, value.values):
                dotted = ast_dotted(item)
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and dotted):
                    return
                entries.append((key.value, self.qualified(dotted, scope) or dotted))
            self.out.dicts.append(NameDict(qualname, tuple(entries), value.lineno))
        elif isinstance(value, ast.Call):
            dotted = ast_dotted(value.func) or ""
            callee = self.qualified(dotted, scope)
            named = any(k.arg == "instance_relative_config" for k in value.keywords)
            if callee and (named or dotted.rpartition(".")[2].endswith("Flask")):
                relative = next((k.value for k in value.keywords if k.arg == "instance_relative_config"), None)
                flag = evaluate(relative) if relative is not None else Value(True, False)
                self.out.apps.append(AppCreation(qualname, callee, flag.value if flag.known else None, value.lineno))

    def expressions(self, stmt: ast.stmt, scope: tuple, guards: tuple, defaults: dict) -> None:
        """Record the calls and environment reads of one simple statement."""
        if isinstance(
            stmt,
            (
                ast.ClassDef,
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.If,
                ast.For,
                ast.While,
                ast.With,
                ast.Try,
                ast.AsyncFor,
                ast.AsyncWith,
            ),
        ):
            nodes = [
                getattr(stmt, "test", None),
                getattr(stmt, "iter", None),
                *[item.context_expr for item in getattr(stmt, "items", ())],
            ]
        else:
            nodes = [stmt]
        for root in filter(None, nodes):
            for node in ast.walk(root):
                if isinstance(node, ast.Call):
                    self.call(node, scope, guards, defaults)
                read = env_read(node)
                if read is not None:
                    at = cast(ast.expr, node)  # an environment read is a call or a subscript
                    var, fallback, _ = read
                    value = evaluate(fallback) if fallback else Value(True, None)
                    self.out.env_reads.append(
                        EnvRead(
                            var,
                            conceal(value, var or ""),
                            fallback is not None,
                            at.lineno,
                            at.col_offset + 1,
                            literal_of(fallback, value, var or ""),
                        )
                    )

    def call(self, node: ast.Call, scope: tuple, guards: tuple, defaults: dict) -> None:
        """Record config loads and mappings, ``run``, ``subdomain=`` and CSRF switches."""
        found = _config_call(node)
        if found and found[1] in LOADERS:
            self.load(node, found, scope, guards, defaults)
        elif found and found[1] in MAPPINGS:
            for key, value, where in self.mapping_items(node):
                self.app_setting(found[0], found[1], key, value, where, scope, guards)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        kind = None
        if isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            kind, target = "run", node.func.value
        elif "subdomain" in keywords and not (
            isinstance(node.func, ast.Attribute) and node.func.attr in ("route", "add_url_rule")
        ):
            kind, target = "subdomain", node.func
        elif self.csrf_off(keywords) and not node.args and "formdata" not in keywords:
            kind, target = "csrf-off", node.func
        if kind:
            self.out.calls.append(
                Call(
                    kind,
                    self.receiver(target, scope),
                    keywords=tuple((k, conceal(evaluate(v), k)) for k, v in keywords.items()),
                    guards=guards,
                    function=self.function(scope),
                    source=_guard_text(node)[:120],
                    **_mark(node),
                )
            )

    def receiver(self, node: ast.AST, scope: tuple) -> Optional[str]:
        """Return the qualified name of an object, or ``call:CALLEE`` for ``create_app().run()``."""
        if isinstance(node, ast.Call):
            callee = self.qualified(ast_dotted(node.func), scope)
            return call_text(callee) if callee else None
        return self.qualified(ast_dotted(node), scope)

    @staticmethod
    def csrf_meta(node: ast.ClassDef) -> bool:
        """Return whether a form's ``class Meta`` sets ``csrf = False``."""
        return any(
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "csrf" for t in stmt.targets)
            and evaluate(stmt.value).value is False
            for stmt in node.body
        )

    @staticmethod
    def csrf_off(keywords: dict) -> bool:
        """Return whether a call's keywords switch CSRF off (``csrf_enabled=False``, ``meta={"csrf": False}``).

        Callers that pass form data themselves (``formdata=request.args``, a
        positional argument) validate data that is not a posted form, so the
        collector records only calls that bind the request body.
        """
        if "csrf_enabled" in keywords and evaluate(keywords["csrf_enabled"]).value is False:
            return True
        meta = keywords.get("meta")
        if isinstance(meta, ast.Dict):
            return any(
                isinstance(k, ast.Constant) and k.value == "csrf" and evaluate(v).value is False
                for k, v in zip(meta.keys, meta.values)
            )
        return False

    @staticmethod
    def mapping_items(node: ast.Call):
        """Yield ``(key, expression, node)`` for the keywords and dict items of ``update``/``from_mapping``.

        ``update(dict(KEY=...))``, the old Flask tutorial's spelling, counts too.
        """
        keywords = list(node.keywords)
        for arg in node.args:
            if isinstance(arg, ast.Call) and ast_dotted(arg.func) == "dict" and not arg.args:
                keywords.extend(arg.keywords)
        for keyword in keywords:
            if keyword.arg and _is_key(keyword.arg):
                yield keyword.arg, keyword.value, keyword
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                for key, value in zip(arg.keys, arg.values):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and _is_key(key.value):
                        yield key.value, value, key

    def load(self, node: ast.Call, found: tuple, scope: tuple, guards: tuple, defaults: dict) -> None:
        """Record ``x.config.from_object(arg)`` and its siblings."""
        receiver, method = found
        arg = node.args[0] if node.args else next((k.value for k in node.keywords), None)
        self.out.loads.append(
            Load(
                self.qualified(receiver, scope),
                method,
                self.argument(arg, scope, defaults),
                function=self.function(scope),
                order=self.order,
                guards=guards,
                source=_guard_text(node)[:120],
                **_mark(node),
            )
        )

    def argument(self, arg: Optional[ast.AST], scope: tuple, defaults: dict) -> str:
        """Return a load's argument in the small language of :class:`Load`."""
        if arg is None:
            return "none:"
        if isinstance(arg, ast.Name) and arg.id in defaults:
            default = defaults[arg.id]
            return self.argument(default, scope[:-1], {}) if default is not None else "other:"
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return f"str:{arg.value}"
        if isinstance(arg, ast.Call) and not arg.args and not arg.keywords:
            arg = arg.func  # ``from_object(DefaultConfig())`` loads what the class holds
        dotted = ast_dotted(arg)
        if dotted:
            return f"name:{self.qualified(dotted, scope) or dotted}"
        if isinstance(arg, ast.Subscript):
            container = ast_dotted(arg.value)
        elif isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "get":
            container = ast_dotted(arg.func.value)
        else:
            container = None
        if container:
            return f"item:{self.qualified(container, scope) or container}"
        return "other:"


def collect(source, facts) -> None:
    """Add the module's configuration facts to ``facts``."""
    text = source.text
    if not any(marker in text for marker in MARKERS) and not _KEY_ASSIGNMENT.search(text):
        return
    collector = _Collector(facts)
    collector.visit(source.tree.body, (), (), {})
    if not collector.out.empty():
        facts.put(KEY, collector.out)
