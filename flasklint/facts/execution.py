"""Execution facts: what a module does, in order, while Python imports it.

For every module the file pass records the module-level statements that
matter to import order, as a list of :class:`Step`: imports (with the names
they ask for), the names each statement defines, attribute reads on imported
modules (``views.bp`` at module level) and calls of plain names
(``app = create_app()``), plus the imports inside each module-level function,
which run when that function is called. :mod:`.import_order` replays these
steps the way Python would.

Every step says whether it certainly runs (not under ``if``, a loop or an
``except`` clause) and which exceptions an enclosing ``try`` catches. Imports
under ``if TYPE_CHECKING:`` and ``if __name__ == "__main__":`` never run on
import and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Union, cast

from ..flask_context import ast_dotted, resolve_relative
from . import FactKey

KEY: FactKey[ExecutionFacts] = FactKey("execution", __name__)

IMPORT = "import"
FROM = "from"
DEFINE = "define"
USE = "use"
CALL = "call"
#: From here on the module may bind any name (star import of unknown
#: names, ``globals()``, a module ``__getattr__``).
ANYTHING = "anything"

#: Calls that can bind arbitrary module globals.
_DYNAMIC_CALLS = frozenset({"globals", "exec", "vars"})


class Step(NamedTuple):
    """One thing a module does while it is being imported.

    ``target`` is the module of an ``import`` / ``from`` step, the dotted
    chain of a ``use`` step (``views.bp``) or the callee of a ``call`` step.
    ``names`` holds ``(name, alias)`` pairs: the names a ``from`` step asks
    for, the name an ``import`` step binds (``("yourapp.models", "m")``), the
    names a ``define`` step binds. Built as a named tuple, kept as a plain
    one (:class:`ExecutionFacts`): modules have thousands of steps.
    """

    kind: str
    line: int
    target: str = ""
    names: tuple[tuple[str, str], ...] = ()
    certain: bool = True
    caught: tuple[str, ...] = ()
    #: ``(line, column, end line, end column)``, 1-based, of an import or use.
    span: tuple[int, int, int, int] = (0, 0, 0, 0)


def _span(node: Union[ast.stmt, ast.expr]) -> tuple[int, int, int, int]:
    """Return the 1-based source range of a statement or expression."""
    return (
        node.lineno,
        node.col_offset + 1,
        node.end_lineno or node.lineno,
        (node.end_col_offset or node.col_offset) + 1,
    )


@dataclass
class ExecutionFacts:
    """The steps of one module and of its module-level functions."""

    #: Module-level steps, each a :class:`Step` turned into a plain tuple
    #: (same fields, same order): the cache loads tens of thousands of plain
    #: tuples in a third of the time named tuples take.
    steps: list[tuple] = field(default_factory=list)
    #: Import steps inside each module-level function (plain tuples too), keyed by its name.
    functions: dict[str, list[tuple]] = field(default_factory=dict)
    #: Names that functions declare ``global``: they may exist at any time.
    globals: frozenset = frozenset()


def _caught(handlers: Iterable[ast.ExceptHandler]) -> tuple[str, ...]:
    """Return the exception names a ``try`` statement's handlers catch."""
    names = []
    for handler in handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            if kind is None:
                names.append("BaseException")
            else:
                names.append((ast_dotted(kind) or "").rpartition(".")[2])
    return tuple(names)


def _stored_names(target: ast.AST) -> list[str]:
    """Return the plain names an assignment target binds."""
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _is_type_checking(test: ast.AST) -> bool:
    """Return whether an ``if`` test is ``TYPE_CHECKING`` (or ``typing.TYPE_CHECKING``)."""
    return (ast_dotted(test) or "").rpartition(".")[2] == "TYPE_CHECKING"


def _is_main_guard(test: ast.AST) -> bool:
    """Return whether an ``if`` test is ``__name__ == "__main__"``."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _may_exit(stmt: ast.stmt) -> bool:
    """Return whether a statement holds a ``return`` or ``raise`` (outside nested functions)."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Return, ast.Raise)):
            return True
        stack.extend(
            c
            for c in ast.iter_child_nodes(node)
            if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
        )
    return False


class _Collector:
    """Turn a module's statements into steps, in execution order."""

    def __init__(self, module: str, is_package: bool):
        self.module = module
        self.is_package = is_package
        self.facts = ExecutionFacts()
        #: Names bound by imports so far: attribute reads on them may hit a module.
        self.imported: set[str] = set()
        self.globals: set[str] = set()

    # -- imports, shared by module level and function bodies ---------------

    def import_steps(self, stmt: Union[ast.Import, ast.ImportFrom], certain: bool, caught: tuple) -> list[Step]:
        """Return the steps of an ``import`` or ``from`` statement."""
        if isinstance(stmt, ast.Import):
            return [
                Step(
                    IMPORT,
                    stmt.lineno,
                    a.name,
                    ((a.name, a.asname or a.name.split(".")[0]),),
                    certain,
                    caught,
                    _span(stmt),
                )
                for a in stmt.names
            ]
        if stmt.level and not self.module:
            return []  # a relative import outside any package cannot be resolved
        base = resolve_relative(self.module, self.is_package, stmt.level, stmt.module)
        pairs = tuple((a.name, a.asname or a.name) for a in stmt.names)
        return [Step(FROM, stmt.lineno, base, pairs, certain, caught, _span(stmt))]

    # -- module level -------------------------------------------------------

    def add(self, step: Step) -> None:
        """Append a module-level step (as a plain tuple)."""
        self.facts.steps.append(tuple(step))

    def block(self, body: Iterable[ast.stmt], certain: bool, caught: tuple, in_class: bool = False) -> None:
        """Record the steps of a block of module-level (or class-body) statements."""
        for stmt in body:
            self.statement(stmt, certain, caught, in_class)

    def define(self, line: int, names: Iterable[str], certain: bool, in_class: bool) -> None:
        """Record that a statement binds ``names`` (class attributes bind nothing global)."""
        pairs = tuple((n, n) for n in names)
        if pairs and not in_class:
            self.add(Step(DEFINE, line, names=pairs, certain=certain))

    def statement(self, stmt: ast.stmt, certain: bool, caught: tuple, in_class: bool) -> None:
        """Record the steps of one statement."""
        line = stmt.lineno
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for step in self.import_steps(stmt, certain, caught):
                self.add(step)
                self.imported.update(alias for _, alias in step.names)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = stmt.args
            self.expressions([*stmt.decorator_list, *args.defaults, *filter(None, args.kw_defaults)], certain, caught)
            self.define(line, [stmt.name], certain, in_class)
            if not in_class:
                self.facts.functions[stmt.name] = self.function_imports(stmt.body)
                if stmt.name == "__getattr__":
                    self.add(Step(ANYTHING, line))
            self.globals.update(n for node in ast.walk(stmt) if isinstance(node, ast.Global) for n in node.names)
        elif isinstance(stmt, ast.ClassDef):
            self.expressions([*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)], certain, caught)
            self.block(stmt.body, certain, caught, in_class=True)
            self.define(line, [stmt.name], certain, in_class)
        elif isinstance(stmt, ast.If):
            self.if_chain(stmt, certain, caught, in_class)
        elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            try_stmt = cast(ast.Try, stmt)  # or an ast.TryStar (3.11+): the same fields
            self.block(try_stmt.body, certain, caught + _caught(try_stmt.handlers), in_class)
            for handler in try_stmt.handlers:
                if handler.name:
                    self.define(handler.lineno, [handler.name], False, in_class)
                self.block(handler.body, False, caught, in_class)
            self.block(try_stmt.orelse, False, caught, in_class)
            self.block(try_stmt.finalbody, certain, caught, in_class)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self.expressions([getattr(stmt, "iter", None) or getattr(stmt, "test", None)], certain, caught)
            target = getattr(stmt, "target", None)
            self.define(line, _stored_names(target) if target is not None else [], False, in_class)
            self.block(stmt.body, False, caught, in_class)
            self.block(stmt.orelse, False, caught, in_class)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self.expressions([item.context_expr for item in stmt.items], certain, caught)
            self.define(
                line,
                [n for item in stmt.items if item.optional_vars is not None for n in _stored_names(item.optional_vars)],
                certain,
                in_class,
            )
            self.block(stmt.body, certain, caught, in_class)
        elif isinstance(stmt, getattr(ast, "Match", ())):
            match_stmt = cast("ast.Match", stmt)  # ast.Match exists from 3.10 on
            self.expressions([match_stmt.subject], certain, caught)
            for case in match_stmt.cases:
                names = [name for n in ast.walk(case.pattern) if (name := getattr(n, "name", None))]
                self.define(line, names, False, in_class)
                self.block(case.body, False, caught, in_class)
        else:
            self.simple(stmt, certain, caught, in_class)

    def if_chain(self, stmt: ast.If, certain: bool, caught: tuple, in_class: bool) -> None:
        """Record an ``if`` statement and its ``elif`` branches, in a loop: a chain may be 600 long."""
        branches, rest = _if_chain(stmt)
        for branch in branches:
            if _is_main_guard(branch.test):
                certain = False
            elif not _is_type_checking(branch.test):
                self.expressions([branch.test], certain, caught)
                self.block(branch.body, False, caught, in_class)
                certain = False
        self.block(rest, certain, caught, in_class)

    def simple(self, stmt: ast.stmt, certain: bool, caught: tuple, in_class: bool) -> None:
        """Record an assignment, expression or other simple statement."""
        if isinstance(stmt, ast.Assign):
            self.expressions([stmt.value], certain, caught)
            names = [n for target in stmt.targets for n in _stored_names(target)]
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            self.expressions([stmt.value] if stmt.value is not None else [], certain, caught)
            names = _stored_names(stmt.target)
        else:
            self.expressions([stmt], certain, caught)
            names = []
        walrus = [n.target.id for n in ast.walk(stmt) if isinstance(n, ast.NamedExpr)]
        self.define(stmt.lineno, names + walrus, certain, in_class)

    def expressions(self, nodes: Iterable[Optional[ast.AST]], certain: bool, caught: tuple) -> None:
        """Record the attribute reads on imported names and the calls an expression makes."""
        for node in nodes:
            if node is not None:
                self.expression(node, certain, caught)

    def expression(self, node: ast.AST, certain: bool, caught: tuple) -> None:
        """Walk one expression in evaluation order, skipping lambda bodies (with a stack of its own).

        A call is recorded after its arguments: it runs once they are evaluated.
        """
        stack: list[tuple[ast.AST, bool]] = [(node, False)]
        while stack:
            node, evaluated = stack.pop()
            if evaluated:
                # only calls of plain names are pushed as evaluated (below)
                call = cast(ast.Call, node)
                callee = cast(ast.Name, call.func).id
                kind = ANYTHING if callee in _DYNAMIC_CALLS else CALL
                self.add(Step(kind, call.lineno, callee, certain=certain, caught=caught))
                continue
            if isinstance(node, ast.Lambda):
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                dotted = ast_dotted(node)
                if dotted:
                    if dotted.split(".")[0] in self.imported:
                        self.add(Step(USE, node.lineno, dotted, certain=certain, caught=caught, span=_span(node)))
                    continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(ast.iter_child_nodes(node))))

    # -- function bodies ----------------------------------------------------

    def function_imports(self, body: Iterable[ast.stmt]) -> list[tuple]:
        """Return the import steps a function runs, in order, as plain tuples.

        Imports after a statement that may return or raise are uncertain, as
        are those under ``if``, loops and ``except`` clauses.
        """
        steps: list[Step] = []
        self._function_block(body, True, (), steps)
        return [tuple(step) for step in steps]

    def _function_block(self, body: Iterable[ast.stmt], certain: bool, caught: tuple, out: list) -> None:
        """Collect the import steps of a block of a function body."""
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                out.extend(self.import_steps(stmt, certain, caught))
            elif isinstance(stmt, (ast.Return, ast.Raise)):
                return
            elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                try_stmt = cast(ast.Try, stmt)  # or an ast.TryStar (3.11+): the same fields
                self._function_block(try_stmt.body, certain, caught + _caught(try_stmt.handlers), out)
                for handler in try_stmt.handlers:
                    self._function_block(handler.body, False, caught, out)
                self._function_block(try_stmt.orelse + try_stmt.finalbody, False, caught, out)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                self._function_block(stmt.body, certain, caught, out)
            elif isinstance(stmt, ast.If):
                self._function_if_chain(stmt, certain, caught, out)
            elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for block in ("body", "orelse"):
                    self._function_block(getattr(stmt, block, ()) or (), False, caught, out)
                for case in getattr(stmt, "cases", ()) or ():
                    self._function_block(case.body, False, caught, out)
            if _may_exit(stmt):
                certain = False

    def _function_if_chain(self, stmt: ast.If, certain: bool, caught: tuple, out: list) -> None:
        """Collect the import steps of an ``if`` statement of a function and its ``elif`` branches, in a loop."""
        branches, rest = _if_chain(stmt)
        for branch in branches:
            if not _is_type_checking(branch.test):
                self._function_block(branch.body, False, caught, out)
                certain = False
        self._function_block(rest, certain, caught, out)


def _if_chain(stmt: ast.If) -> tuple[list[ast.If], list[ast.stmt]]:
    """Return an ``if`` statement and its ``elif`` statements, and the last ``else`` block, without recursion."""
    chain = [stmt]
    while len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], ast.If):
        stmt = stmt.orelse[0]
        chain.append(stmt)
    return chain, stmt.orelse


def collect(source, facts) -> None:
    """Add the module's execution steps to ``facts``.

    A module without imports cannot take part in a cycle; it gets no entry,
    and readers treat it as a module that may define any name.
    """
    if "import" not in source.text:
        return
    collector = _Collector(facts.module, facts.is_package)
    collector.block(source.tree.body, True, ())
    collector.facts.globals = frozenset(collector.globals)
    facts.put(KEY, collector.facts)
