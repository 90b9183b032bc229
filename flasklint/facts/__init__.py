"""Facts: the plain, picklable data that file passes extract and project rules read.

Every collector module (one with a ``collect(source, facts)`` function)
exports the typed keys (:class:`FactKey`) of what it adds to
:class:`ModuleFacts`; rules list the keys they read in ``needs``, and the
file pass runs only the collectors those keys name (:func:`collectors_for`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Generic, NamedTuple, Optional, TypeVar

from .bindings import Binding


class ImportFact(NamedTuple):
    """One import statement, resolved to absolute module names.

    ``module`` is the imported module (``yourapp.models`` for
    ``from .models import User`` in ``yourapp/views.py``); ``names`` holds
    ``(name, alias)`` pairs for ``from`` imports and is empty for ``import x``.
    A named tuple, cheap to load from the cache.
    """

    line: int
    module: str
    names: tuple[tuple[str, str], ...]
    level: int
    at_module_level: bool


T = TypeVar("T")


class FactKey(Generic[T]):
    """The typed key of one kind of per-file fact, and the module whose ``collect`` adds it.

    ``KEY: FactKey[list[RouteFact]] = FactKey("routes", __name__)`` in a
    collector module; ``facts.get(KEY)`` then gives a ``list[RouteFact]``.
    """

    def __init__(self, name: str, collector: str):
        self.name = name
        self.collector = collector

    def __repr__(self) -> str:
        """Return the key's name, for messages and tests."""
        return f"FactKey({self.name!r})"


@dataclass
class ModuleFacts:
    """What the file pass learned about one Python module.

    ``bindings`` maps a scope-qualified local name (``app``,
    ``create_app.app``) to where its value comes from (a
    :class:`~flasklint.facts.bindings.Binding`).
    ``collected`` holds what the collectors found, read and written through
    :meth:`get` and :meth:`put` with their typed keys.
    """

    path: str
    module: str
    is_package: bool
    bindings: dict[str, Binding] = field(default_factory=dict)
    imports: list[ImportFact] = field(default_factory=list)
    collected: dict[str, Any] = field(default_factory=dict)

    def get(self, key: FactKey[T]) -> Optional[T]:
        """Return the fact stored under ``key``, None when its collector found nothing or did not run."""
        return self.collected.get(key.name)

    def put(self, key: FactKey[T], value: T) -> None:
        """Store a collector's fact under ``key``."""
        self.collected[key.name] = value


@cache
def fact_collectors() -> tuple[Callable, ...]:
    """Return the ``collect(source, facts)`` function of every module in this package.

    A collector runs on every parsed Python file (CPython ``ast`` tree in
    ``source.tree``, text in ``source.text``) when a selected rule needs one
    of its keys, whether or not any file rule fires there, and stores what it
    finds with ``facts.put``. It must be cheap: it runs on every file.
    """
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "collect", None)):
            found.append(module.collect)
    return tuple(found)


def collectors_for(needs: Iterable[Optional[Iterable[FactKey]]]) -> tuple[Callable, ...]:
    """Return the collectors that the rules' ``needs`` name, in :func:`fact_collectors` order.

    ``needs`` holds one entry per selected rule: the keys it reads, or None
    for a rule that declares nothing (a plugin's), which gets every collector.
    """
    modules: set[str] = set()
    for keys in needs:
        if keys is None:
            return fact_collectors()
        modules.update(key.collector for key in keys)
    return tuple(collect for collect in fact_collectors() if collect.__module__ in modules)
