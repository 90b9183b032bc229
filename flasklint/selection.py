"""Which rules run, and which findings a file's per-file-ignores drop.

Selectors are full codes (``FL101``, ``ACME001``), prefixes (``FL1``, ``FL``,
``ACME``) or ``ALL``. A prefix selects the rules that are on by default; an
off-by-default rule runs only when named by its full code or by ``ALL``.
Without ``select``, every rule that is on by default runs: flasklint's and
those of the installed plugins. ``ignore`` (and ``extend-ignore``) wins over
``select``. FL000, the parse error, always runs but is ignored like any code:
``FL000``, ``FL0``, ``FL`` and ``ALL`` drop it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pathspec

from .config import Config
from .rule import Rule


def matches(rule_code: str, default_enabled: bool, selectors: Iterable[str]) -> bool:
    """Return whether any selector picks the rule."""
    for selector in selectors:
        if selector == "ALL" or selector == rule_code:
            return True
        if default_enabled and rule_code.startswith(selector):
            return True
    return False


def select_rules(rules: Sequence[type[Rule]], config: Config) -> list[type[Rule]]:
    """Return the rules the configuration turns on, in the order of ``rules``."""
    selectors = config.select + config.extend_select
    return [
        rule
        for rule in rules
        if ((rule.default_enabled and not config.select) or matches(rule.code, rule.default_enabled, selectors))
        and not is_ignored(rule.code, config.ignored)
    ]


def is_ignored(code: str, selectors: Iterable[str]) -> bool:
    """Return whether ``code`` falls under any of ``selectors`` (codes or prefixes)."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


class PerFileIgnores:
    """The ``per-file-ignores`` table, compiled once."""

    def __init__(self, table: Iterable[tuple[str, tuple[str, ...]]]):
        self.entries = [(pathspec.GitIgnoreSpec.from_lines([glob]), codes) for glob, codes in table]

    def ignores(self, path: str, code: str) -> bool:
        """Return whether ``code`` is ignored in the root-relative ``path``."""
        return any(spec.match_file(path) and is_ignored(code, codes) for spec, codes in self.entries)
