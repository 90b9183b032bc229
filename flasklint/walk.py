"""One read-only walk over a LibCST tree that runs every file rule.

LibCST's own ``visit`` rebuilds every node it passes; we only read, so we
follow the dataclass fields ourselves, which costs a fraction of that. Each
node's ``visit_<Type>`` callbacks run before its children, ``leave_<Type>``
after them. Whitespace and comment nodes are not visited. The walk is iterative, so deep trees cannot exhaust the stack.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Callable, Union, cast

from .lazy import cst
from .rule import FileContext, FileRule


@cache
def _node_types() -> frozenset:
    """Return every LibCST node class, for a fast ``type(x) in`` test (found on first use)."""
    found, pending = set(), [cst.CSTNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found.add(cls)
    return frozenset(found)


_SEQUENCES = (list, tuple)
_FIELD_CACHE: dict[type, tuple[str, ...]] = {}


def _fields(node_type: type) -> tuple[str, ...]:
    """Return the fields of a node type that may hold nodes, cached per type.

    Whitespace and parenthesis fields are left out: no rule looks at them,
    and they make up much of the tree.
    """
    names = _FIELD_CACHE.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if "whitespace" not in f.name and f.name not in ("lpar", "rpar")
        )
        _FIELD_CACHE[node_type] = names
    return names


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Return the direct child nodes of ``node`` without rebuilding anything."""
    found = []
    node_types = _node_types()
    for name in _fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind in node_types:
            found.append(value)
        elif kind in _SEQUENCES:
            found.extend(item for item in value if type(item) in node_types)
    return found


@cache
def _callbacks(rule_class: type) -> tuple[tuple[str, str, bool], ...]:
    """Return ``(method, node type, is_leave)`` for a rule class's callbacks, found once per class."""
    return tuple(
        (attr, attr[6:], attr.startswith("leave_")) for attr in dir(rule_class) if attr.startswith(("visit_", "leave_"))
    )


def run_rules(module: cst.Module, context: FileContext, rules: Iterable[FileRule]) -> None:
    """Walk ``module`` once, calling every rule's visit and leave methods."""
    visit: dict[str, list[Callable]] = defaultdict(list)
    leave: dict[str, list[Callable]] = defaultdict(list)
    for rule in rules:
        rule_class: type = type(rule)
        for attr, node_type, leaving in _callbacks(rule_class):
            (leave if leaving else visit)[node_type].append(context.guard.wrap(type(rule), getattr(rule, attr)))
    scopes = (cst.FunctionDef, cst.ClassDef)
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, leaving = stack.pop()
        type_name = type(node).__name__
        if leaving:
            if type(node) in scopes:
                context.scope.pop()
            for callback in leave.get(type_name, ()):
                callback(node)
            continue
        for callback in visit.get(type_name, ()):
            callback(node)
        if type(node) in scopes:
            context.scope.append(cast(Union[cst.FunctionDef, cst.ClassDef], node).name.value)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))
