"""The routing table: which route registrations are on a proven Flask app or blueprint.

Built from the route facts (:mod:`flasklint.facts.routes`) of every module,
with the symbol index deciding what each receiver is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Optional

from ..facts import ModuleFacts
from ..facts.bindings import NO_BINDING
from ..facts.routes import KEY, RouteFact
from ..flask_context import ROUTE_OWNERS
from .symbols import SymbolIndex


def ambiguous_modules(modules: Iterable[ModuleFacts]) -> set[str]:
    """Return the module names that several files of the project share.

    Two top-level ``app.py`` files (examples, scripts) are both module
    ``app``: their qualified names cannot be told apart, so rules skip them.
    """
    counts = Counter(m.module for m in modules)
    return {name for name, count in counts.items() if count > 1}


def _local_kind(module: ModuleFacts, receiver: str, index: SymbolIndex) -> Optional[str]:
    """Return the Flask class of a receiver created in its own module, from that module alone.

    For modules whose name other files share, the project-wide index cannot
    be trusted; ``app = Flask(__name__)`` with ``from flask import Flask`` in
    the same file can.
    """
    prefix = module.module + "."
    value = module.bindings.get(receiver[len(prefix) :], NO_BINDING) if receiver.startswith(prefix) else NO_BINDING
    callee = value.callee
    if callee.startswith(prefix):
        callee = module.bindings.get(callee[len(prefix) :], NO_BINDING).ref
    if not callee or index.is_project(callee):
        return None
    return index.class_of(callee)


def registered_routes(
    modules: Iterable[ModuleFacts], index: SymbolIndex, kinds: frozenset = ROUTE_OWNERS
) -> Iterator[tuple[RouteFact, str, str]]:
    """Yield ``(route, owner, kind)`` for each route on a proven Flask object of ``kinds``.

    ``owner`` is the qualified name of the app or blueprint with every alias
    followed, so that routes of one object share it across modules. In a
    module whose name other files share (``examples/*/app.py``), only objects
    created in the same file count, and their owner starts with the file's
    path (``examples/a/app.py::app.app``) so that they stay apart.
    """
    modules = list(modules)
    ambiguous = ambiguous_modules(modules)
    for module in modules:
        for route in module.get(KEY) or ():
            if module.module in ambiguous:
                kind = _local_kind(module, route.receiver, index)
                owner = f"{module.path}::{route.receiver}"
            else:
                kind = index.instance_of(route.receiver)
                owner = index.expand(route.receiver)
                if any(owner.startswith(name + ".") for name in ambiguous):
                    continue
            if kind is not None and kind in kinds:
                yield route, owner, kind
