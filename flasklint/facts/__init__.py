"""Facts: the plain, picklable data that file passes extract and project rules read."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import Callable, NamedTuple

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


@dataclass
class ModuleFacts:
    """What the file pass learned about one Python module.

    ``bindings`` maps a scope-qualified local name (``app``,
    ``create_app.app``) to where its value comes from (a
    :class:`~flasklint.facts.bindings.Binding`).
    ``extra`` carries rule-specific facts keyed by rule code.
    """

    path: str
    module: str
    is_package: bool
    bindings: dict[str, Binding] = field(default_factory=dict)
    imports: list[ImportFact] = field(default_factory=list)
    extra: dict[str, list] = field(default_factory=dict)


@cache
def fact_collectors() -> tuple[Callable, ...]:
    """Return the ``collect(source, facts)`` function of every module in this package.

    A collector runs on every parsed Python file (CPython ``ast`` tree in
    ``source.tree``, text in ``source.text``), whether or not any file rule
    fires there, and adds to ``facts.extra`` what project rules need. It must
    be cheap: it runs on every file.
    """
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "collect", None)):
            found.append(module.collect)
    return tuple(found)
