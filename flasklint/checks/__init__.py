"""The rules, one per module, found by discovery rather than by a hand-kept list.

:func:`all_rules` adds the rules of installed plugins (see :mod:`..plugins`)
to flasklint's own, so every command, reporter and worker sees them alike.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..plugins import load_plugins
from ..rule import FileRule, ProjectRule, Rule


@cache
def builtin_rules() -> tuple[type[Rule], ...]:
    """Return every rule class of this package, ordered by code."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            # `type(value)`, not `isinstance`: reading a lazy module's `__class__` would import it.
            if (
                issubclass(type(value), type)
                and issubclass(value, (FileRule, ProjectRule))
                and value.__module__ == module.__name__
                and value.code
            ):
                found.append(value)
    return tuple(sorted(found, key=lambda rule: rule.code))


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Return flasklint's rules, then those of the plugins that loaded, each ordered by code."""
    return builtin_rules() + tuple(sorted(load_plugins().rules, key=lambda rule: rule.code))


def rule_by_code(code: str) -> type[Rule]:
    """Return the rule with ``code``; raise KeyError if there is none."""
    for rule in all_rules():
        if rule.code == code:
            return rule
    raise KeyError(code)
