"""Replay, from each entry point, the order in which Python runs a project's modules.

Python runs a module's top-level statements the first time it is imported and
puts the module in ``sys.modules`` before it starts, so a cycle of imports
hands the module that closed the cycle a partially initialised module. Asking
that module for a name it defines only further down fails:
``ImportError: cannot import name 'app' from partially initialized module
'yourapp'`` (or ``AttributeError`` for ``yourapp.app`` at module level).

:class:`Simulation` replays the :mod:`.execution` steps of every module as
CPython 3.7+ does: a package is run before its submodules, a submodule becomes
an attribute of its package once it has finished, ``from package import
submodule`` falls back to ``sys.modules``, and functions called at module
level run their imports. It records every read from a partially initialised
module: the ones that fail (FL502) and the ones that work only because of
statement order (FL503).

The model stays on the safe side: a statement under ``if``, in a loop or an
``except`` clause is assumed to run when it defines names, but a failure that
depends on such a statement, or that a ``try`` catches, is not reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional

from ..facts import ModuleFacts
from ..facts.bindings import NO_BINDING
from ..facts.execution import ANYTHING, CALL, DEFINE, FROM, IMPORT, KEY, USE, ExecutionFacts

#: Modules that start an application (``flask --app``, gunicorn, scripts).
FACTORY = "create_app"
ENTRY_NAMES = frozenset({"wsgi", "asgi", "run", "app", "application", "manage", "main", "server", "autoapp"})

#: Names every module has before its first statement runs.
_DUNDERS = frozenset(
    {
        "__name__",
        "__file__",
        "__doc__",
        "__package__",
        "__spec__",
        "__loader__",
        "__path__",
        "__builtins__",
        "__cached__",
        "__annotations__",
        "__dict__",
    }
)

#: The exception each kind of failure raises, and the handlers that catch it.
_CATCHERS = {
    "import": frozenset({"ImportError", "Exception", "BaseException"}),
    "attribute": frozenset({"AttributeError", "Exception", "BaseException"}),
}

_RUNNING, _DONE = "running", "done"
_MAX_DEPTH = 200


@dataclass(frozen=True)
class PartialRead:
    """A module-level read from a module that has not finished running.

    ``path``/``line`` locate the reading statement; ``module`` is the
    partially initialised module (file ``module_path``) and ``name`` what was
    read from it. ``cycle`` lists ``(path, line)`` from the reading statement
    around the cycle back to it; ``defined_at`` is where ``module`` defines
    ``name`` when the read ``fails``; ``entry`` is the module whose import
    led there, or the ``create_app()`` call.
    """

    kind: str
    path: str
    line: int
    module: str
    module_path: str
    name: str
    cycle: tuple[tuple[str, int], ...]
    entry: str
    fails: bool
    defined_at: int = 0
    #: The read is an import inside a function called at module level.
    in_function: bool = False
    #: ``(line, column, end line, end column)`` of the reading statement.
    span: tuple[int, int, int, int] = (0, 0, 0, 0)

    def start(self) -> str:
        """Return what the run did when it met this read: importing a module or calling a factory."""
        verb = "Calling" if self.entry.endswith("()") else "Importing"
        return f"{verb} `{self.entry}`"

    def cycle_text(self) -> str:
        """Return ``a.py:3 -> b.py:9 -> a.py``."""
        hops = [f"{path}:{line}" for path, line in self.cycle]
        return " -> ".join(hops + [self.path])

    def error(self) -> str:
        """Return the exception Python raises for a failing read."""
        if self.kind == "import":
            return (
                f"ImportError: cannot import name '{self.name}' from partially initialized module "
                f"'{self.module}' (most likely due to a circular import) ({self.module_path})"
            )
        return (
            f"AttributeError: partially initialized module '{self.module}' has no attribute "
            f"'{self.name}' (most likely due to a circular import)"
        )


class _Crash(Exception):
    """A failure travelling up the simulated import stack."""

    def __init__(self, read: PartialRead, reportable: bool):
        super().__init__(read.error())
        self.read = read
        self.reportable = reportable


class _Frame:
    """A module (or a function it called) that is running, and its current line."""

    def __init__(self, module: str, path: str, function: bool = False):
        self.module = module
        self.path = path
        self.function = function
        self.line = 0
        self.span = (0, 0, 0, 0)
        self.certain = True


def module_root(facts: ModuleFacts) -> str:
    """Return the folder a module is imported from (``src`` for ``src/yourapp/views.py``)."""
    depth = facts.module.count(".") + (2 if facts.is_package else 1)
    parts = PurePosixPath(facts.path).parts
    return "/".join(parts[: max(len(parts) - depth, 0)])


def defined_names(execution: ExecutionFacts, module: str) -> dict[str, int]:
    """Return each name ``module`` binds at module level and the first line that binds it.

    A package's import of its own submodules (``from . import views``) does
    not count: any module can import that submodule at any time, so asking
    for it never fails as a circular import would. When the submodule is
    missing or does not parse, Python fails with that error instead.
    """
    lines: dict[str, int] = {}
    for kind, line, target, names, *_ in execution.steps:
        if kind in (DEFINE, IMPORT) or (kind == FROM and target != module):
            for _, alias in names:
                lines.setdefault(alias, line)
    return lines


def execution_of(facts: ModuleFacts) -> Optional[ExecutionFacts]:
    """Return the execution facts the file pass recorded for a module, if any."""
    return facts.get(KEY)


class Simulation:
    """Import each entry point in a fresh interpreter, on paper."""

    def __init__(self, modules: Iterable[ModuleFacts]):
        self.by_name: dict[str, list[ModuleFacts]] = defaultdict(list)
        for facts in modules:
            if facts.module:
                self.by_name[facts.module].append(facts)
        #: The first part of every project module's name: an import of
        #: anything else (``flask.json``) loads no project module.
        self.heads = {name.partition(".")[0] for name in self.by_name}
        self._names: dict[str, dict[str, int]] = {}
        self.entry_root = ""

    # -- entry points ---------------------------------------------------------

    def entries(self) -> list[ModuleFacts]:
        """Return the modules an application is started from.

        Top-level packages, modules named like entry scripts (``wsgi``,
        ``app``, ...) and modules that define ``create_app`` (which is then
        called, as ``flask --app`` does). A subpackage is not an entry of its
        own: what imports it first decides the order, and guessing that order
        would report cycles no real start-up follows.
        """
        found = []
        for name, candidates in self.by_name.items():
            for facts in candidates:
                if (
                    (facts.is_package and "." not in name)
                    or name.rpartition(".")[2] in ENTRY_NAMES
                    or self.factory(facts)
                ):
                    found.append(facts)
        return sorted(found, key=lambda f: (f.module.count("."), f.module, f.path))

    @staticmethod
    def factory(facts: ModuleFacts) -> bool:
        """Return whether a module defines ``create_app`` at module level."""
        return facts.bindings.get(FACTORY, NO_BINDING).is_function

    def run_all(self) -> list[PartialRead]:
        """Return every partial read found from any entry point, each once.

        An entry that a run of one of its parent packages already reached, or
        whose parent package crashed, would replay that run and is skipped.
        """
        reads: dict[tuple, PartialRead] = {}
        reached: set[tuple[str, str]] = set()
        crashed: set[tuple[str, str]] = set()
        for entry in self.entries():
            root = module_root(entry)
            parts = entry.module.split(".")
            if (root, entry.module) in reached or any(
                (root, ".".join(parts[:i])) in crashed for i in range(1, len(parts))
            ):
                continue
            for read in self.run(entry):
                reads.setdefault((read.kind, read.path, read.line, read.module, read.name), read)
            if self.crashed:
                crashed.add((root, entry.module))
            else:
                reached.update((root, name) for name in self.status if name.startswith(entry.module + "."))
        return sorted(reads.values(), key=lambda r: (r.path, r.line, r.name))

    def run(self, entry: ModuleFacts) -> list[PartialRead]:
        """Import ``entry`` from a fresh state; return the partial reads on the way."""
        self.entry_root = module_root(entry)
        self.entry = entry.module
        self.status: dict[str, str] = {}
        self.defined: dict[str, set[str]] = {}
        self.anything: set[str] = set()
        self.module_names: dict[str, dict[str, str]] = defaultdict(dict)
        self.origins: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        self.stack: list[_Frame] = []
        self.calling: set[tuple[str, str]] = set()
        self.reads: list[PartialRead] = []
        self.crashed = False
        try:
            self.import_module(entry.module)
            if self.factory(entry):
                self.entry = f"{entry.module}.{FACTORY}()"
                self.call(entry.module, FACTORY)
        except _Crash as crash:
            self.crashed = True
            if crash.reportable:
                self.reads.append(crash.read)
        return self.reads

    # -- modules ----------------------------------------------------------------

    def lookup(self, name: str) -> Optional[ModuleFacts]:
        """Return the project module ``name`` as seen from the entry's folder, if unambiguous."""
        candidates = self.by_name.get(name)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        same_root = [c for c in candidates if module_root(c) == self.entry_root]
        return same_root[0] if len(same_root) == 1 else None

    def names_of(self, facts: ModuleFacts) -> dict[str, int]:
        """Return the names a module binds at module level, with lines (cached)."""
        if facts.path not in self._names:
            execution = facts.get(KEY)
            self._names[facts.path] = defined_names(execution, facts.module) if execution else {}
        return self._names[facts.path]

    def import_module(self, dotted: str) -> None:
        """Import ``dotted`` and every package above it, as ``import a.b.c`` does."""
        if dotted in self.status or dotted.partition(".")[0] not in self.heads:
            return  # started before, so were the packages above it; or not the project's
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            self.load(".".join(parts[:i]))

    def load(self, name: str) -> None:
        """Run module ``name`` unless it already started (it is then in ``sys.modules``)."""
        if name in self.status or len(self.stack) > _MAX_DEPTH:
            return
        facts = self.lookup(name)
        if facts is None:
            return
        execution = facts.get(KEY)
        self.status[name] = _RUNNING
        self.defined[name] = set(_DUNDERS)
        if execution is None:
            self.anything.add(name)  # no imports: it defined whatever it defines, unseen
        else:
            self.defined[name] |= execution.globals
            frame = _Frame(name, facts.path)
            self.stack.append(frame)
            try:
                for step in execution.steps:
                    self.step(step, frame, name)
            except _Crash:
                del self.status[name]  # Python removes a failed module from sys.modules
                raise
            finally:
                self.stack.pop()
        self.status[name] = _DONE
        parent, _, child = name.rpartition(".")
        if parent in self.defined:
            self.defined[parent].add(child)

    # -- steps --------------------------------------------------------------------

    def step(self, step: tuple, frame: _Frame, scope: Optional[str]) -> None:
        """Run one step (a :class:`Step` as a plain tuple) in ``frame``.

        ``scope`` is the module whose globals it binds (None in functions).
        """
        kind, frame.line, target, names, frame.certain, caught, frame.span = step
        try:
            if kind == IMPORT:
                self.do_import(names, scope)
            elif kind == FROM:
                self.do_from(target, names, scope)
            elif scope is None:
                return
            elif kind == DEFINE:
                self.defined[scope].update(alias for _, alias in names)
            elif kind == USE:
                self.do_use(target, scope)
            elif kind == CALL:
                self.do_call(target, scope)
            elif kind == ANYTHING:
                self.anything.add(scope)
        except _Crash as crash:
            if _CATCHERS[crash.read.kind] & set(caught):
                return  # the module catches the failure and goes on
            raise

    def bind(
        self, scope: Optional[str], alias: str, module: Optional[str] = None, origin: Optional[tuple[str, str]] = None
    ) -> None:
        """Bind ``alias`` in ``scope``'s globals, remembering modules and where names came from."""
        if scope is None:
            return
        self.defined[scope].add(alias)
        if module and self.lookup(module):
            self.module_names[scope][alias] = module
        else:
            self.module_names[scope].pop(alias, None)
        if origin:
            self.origins[scope][alias] = origin

    def do_import(self, names: tuple, scope: Optional[str]) -> None:
        """``import a.b.c`` (binds ``a``) or ``import a.b.c as x`` (binds the submodule)."""
        dotted, alias = names[0]
        self.import_module(dotted)
        head = dotted.split(".")[0]
        self.bind(scope, alias, head if alias == head else dotted)

    def do_from(self, target: str, names: tuple, scope: Optional[str]) -> None:
        """``from X import a, b``: import X, its submodules among the names, then read the names."""
        self.import_module(target)
        loaded = target in self.defined
        for name, _ in names:
            if loaded and name != "*" and name not in self.defined[target]:
                self.load(f"{target}.{name}")
        for name, alias in names:
            if name == "*":
                self.star(target, scope)
                continue
            if loaded:
                self.read("import", target, name)
            sub = f"{target}.{name}"
            self.bind(scope, alias, sub if sub in self.status else None, (target, name))

    def star(self, target: str, scope: Optional[str]) -> None:
        """``from X import *``: copy what X has now; unknown modules may bind anything."""
        if scope is None:
            return
        if target in self.defined:
            self.defined[scope] |= self.defined[target]
            if target not in self.anything:
                return
        self.anything.add(scope)

    def read(self, kind: str, module: str, name: str) -> None:
        """Read ``name`` from project module ``module``; raise when it cannot exist yet."""
        facts = self.lookup(module)
        if facts is None or self.status.get(module) != _RUNNING:
            return
        sub = f"{module}.{name}"
        if name in self.defined[module] or module in self.anything or (kind == "import" and sub in self.status):
            self.reads.append(self.partial_read(kind, facts, module, name, False))
            return
        defined_at = self.names_of(facts).get(name)
        if defined_at is None:
            return  # never bound where we can see it: not ours to judge
        read = self.partial_read(kind, facts, module, name, True, defined_at)
        raise _Crash(read, all(frame.certain for frame in self.stack))

    def partial_read(
        self, kind: str, facts: ModuleFacts, module: str, name: str, fails: bool, defined_at: int = 0
    ) -> PartialRead:
        """Describe a read from partially initialised ``module`` at the current line."""
        start = next(i for i, f in enumerate(self.stack) if f.module == module and not f.function)
        current = self.stack[-1]
        cycle = ((current.path, current.line),) + tuple((f.path, f.line) for f in self.stack[start:-1])
        return PartialRead(
            kind,
            current.path,
            current.line,
            module,
            facts.path,
            name,
            cycle,
            self.entry,
            fails,
            defined_at,
            current.function,
            current.span,
        )

    def do_use(self, target: str, scope: str) -> None:
        """``views.bp`` at module level: follow loaded submodules, then read the attribute."""
        head, *attrs = target.split(".")
        module = self.module_names[scope].get(head)
        for attr in attrs:
            if module is None or module not in self.defined:
                return
            sub = f"{module}.{attr}"
            if attr in self.defined[module] and self.status.get(sub) == _DONE:
                module = sub
                continue
            self.read("attribute", module, attr)
            return

    def do_call(self, target: str, scope: str) -> None:
        """``create_app()`` at module level runs the imports inside ``create_app``."""
        module, name = scope, target
        if name not in self.defined[scope]:
            return
        for _ in range(10):
            origin = self.origins.get(module, {}).get(name)
            if origin is None:
                break
            module, name = origin
        self.call(module, name)

    def call(self, module: str, name: str) -> None:
        """Run the imports of function ``name`` of ``module``."""
        facts = self.lookup(module)
        execution = facts.get(KEY) if facts else None
        steps = execution.functions.get(name) if execution else None
        if facts is None or not steps or (module, name) in self.calling:
            return
        frame = _Frame(module, facts.path, function=True)
        self.stack.append(frame)
        self.calling.add((module, name))
        try:
            for inner in steps:
                self.step(inner, frame, None)
        finally:
            self.stack.pop()
            self.calling.discard((module, name))


def partial_reads(project) -> list[PartialRead]:
    """Return every module-level read from a partially initialised module of ``project``.

    ``project`` is the rules' ProjectFacts; the replay runs once per lint run.
    """
    return project.memo("import_order.partial_reads", lambda: Simulation(project.modules).run_all())
