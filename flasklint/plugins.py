"""Third-party rules, found through the ``flasklint.rules`` entry point group.

A plugin's distribution declares, in its ``pyproject.toml``::

    [project.entry-points."flasklint.rules"]
    acme = "flasklint_acme:plugin"

where ``plugin`` is a :class:`Plugin`: the prefix that every code of the
plugin starts with, and its rule classes. Entry points are read once per
process (:func:`load_plugins`). A plugin that cannot be imported or whose
declaration is wrong (a code outside its prefix, a prefix that clashes with
``FL`` or another plugin's) is left out, with a problem naming it; a plugin
rule that raises while linting stops only itself (:class:`~.rule.RuleGuard`).
flasklint's own rules and the other plugins run in every case.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Optional

from .findings import Severity
from .rule import FileRule, ProjectRule, Rule

GROUP = "flasklint.rules"
#: The prefix of flasklint's own codes; no plugin's prefix may overlap it.
BUILTIN_PREFIX = "FL"
_PREFIX = re.compile(r"[A-Z]+\Z")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Plugin:
    """What a plugin's entry point names: the prefix of its codes and its rules.

    Every code is ``prefix`` followed by three digits (``ACME001``). ``url``
    is where the rules are documented; ``{code}`` in it stands for a rule's
    code. SARIF output links each rule there.
    """

    prefix: str
    rules: Sequence[type[Rule]]
    url: str = ""


class PluginError(Exception):
    """A plugin's declaration cannot be used; the message says why."""


@dataclass(frozen=True)
class LoadedPlugins:
    """The rules of every plugin that loaded, and why the others did not."""

    rules: tuple[type[Rule], ...] = ()
    problems: tuple[str, ...] = ()


def _entry_points() -> list:
    """Return the entry points of :data:`GROUP`, in a stable order."""
    from importlib import metadata

    found = metadata.entry_points()
    group = found.select(group=GROUP) if hasattr(found, "select") else found.get(GROUP, ())
    return sorted(group, key=lambda entry: (entry.name, entry.value))


def _label(entry) -> str:
    """Return how messages name a plugin: its entry point and distribution."""
    dist = getattr(entry, "dist", None)
    return f"'{entry.name}' ({dist.name} {dist.version})" if dist is not None else f"'{entry.name}' ({entry.value})"


@cache
def load_plugins() -> LoadedPlugins:
    """Import every plugin once; return the rules of those that are sound."""
    rules: list[type[Rule]] = []
    problems: list[str] = []
    prefixes = {BUILTIN_PREFIX: "flasklint's own rules"}
    for entry in _entry_points():
        label = _label(entry)
        try:
            plugin = entry.load()
            found = checked_rules(plugin, prefixes)
        except PluginError as exc:
            problems.append(f"plugin {label} is not loaded: {exc}")
            continue
        except Exception as exc:  # anything its import raises
            problems.append(f"plugin {label} cannot be imported: {type(exc).__name__}: {exc}")
            continue
        prefixes[plugin.prefix] = f"plugin {label}"
        for rule in found:
            rule.plugin = label
            rule.url = plugin.url.replace("{code}", rule.code)
        rules.extend(found)
    return LoadedPlugins(tuple(rules), tuple(problems))


def checked_rules(plugin: object, prefixes: dict[str, str]) -> list[type[Rule]]:
    """Return the rules of ``plugin``, or raise PluginError saying what is wrong.

    ``prefixes`` maps the prefixes already taken to who took them.
    """
    if not isinstance(plugin, Plugin):
        raise PluginError(f"its entry point names {type(plugin).__name__!s} {plugin!r:.60}, not a flasklint.api.Plugin")
    prefix = plugin.prefix
    if not isinstance(prefix, str) or not _PREFIX.match(prefix) or prefix == "ALL":
        raise PluginError(f"prefix {prefix!r} must be capital letters (and not ALL)")
    for taken, owner in prefixes.items():
        if prefix.startswith(taken) or taken.startswith(prefix):
            raise PluginError(
                f"prefix {prefix!r} clashes with {taken!r} of {owner}: selecting one would select the other"
            )
    if isinstance(plugin.rules, (str, bytes)) or not plugin.rules:
        raise PluginError("it declares no rules")
    codes: set[str] = set()
    for rule in plugin.rules:
        _check_rule(rule, prefix, codes)
        codes.add(rule.code)
    return list(plugin.rules)


def _check_rule(rule: object, prefix: str, codes: set[str]) -> None:
    """Raise PluginError if ``rule`` is not a usable rule class of a plugin with ``prefix``."""
    if not (
        isinstance(rule, type) and issubclass(rule, (FileRule, ProjectRule)) and rule not in (FileRule, ProjectRule)
    ):
        raise PluginError(f"{rule!r:.60} is not a subclass of FileRule or ProjectRule")
    where = f"rule {rule.__qualname__}"
    if not re.fullmatch(rf"{prefix}\d{{3}}", str(rule.code)):
        raise PluginError(f"{where}: code {rule.code!r} is not the prefix {prefix!r} and three digits")
    if rule.code in codes:
        raise PluginError(f"{where}: code {rule.code!r} is used by two rules")
    if not isinstance(rule.name, str) or not _NAME.match(rule.name):
        raise PluginError(f"{where}: name {rule.name!r} is not kebab-case (route-without-docstring)")
    if not isinstance(rule.severity, Severity):
        raise PluginError(f"{where}: severity {rule.severity!r} is not a Severity")
    if not (rule.__doc__ or "").strip():
        raise PluginError(f"{where}: it has no docstring (its first line is the rule's summary)")


def failure_messages(
    rules: Iterable[type[Rule]], failures: Iterable[tuple[Optional[str], dict[str, str]]]
) -> list[str]:
    """Return one message per plugin rule that raised while linting.

    ``failures`` holds ``(path, {code: error})`` for each file, with a None
    path for project rules.
    """
    by_code: dict[str, list[tuple[Optional[str], str]]] = defaultdict(list)
    for path, errors in failures:
        for code, error in errors.items():
            by_code[code].append((path, error))
    labels = {rule.code: rule.plugin for rule in rules}
    messages = []
    for code, seen in sorted(by_code.items()):
        path, error = seen[0]
        message = f"plugin {labels.get(code)}: rule {code} raised {error}"
        if path is None:
            messages.append(f"{message}; its findings are missing")
            continue
        others = len(seen) - 1
        more = f" (and {others} more file{'s' if others > 1 else ''})" if others else ""
        messages.append(f"{message} in {path}{more}; its findings there are missing")
    return messages


def source_files(rules: Iterable[type[Rule]]) -> list[Path]:
    """Return the Python files of the packages (or modules) that plugin ``rules`` come from.

    The cache keys on them, so that changing a plugin's code is never
    answered with the results of its old code.
    """
    files: set[Path] = set()
    for top in sorted({rule.__module__.partition(".")[0] for rule in rules if rule.plugin is not None}):
        module = sys.modules.get(top)
        folders = list(getattr(module, "__path__", ()))
        file = getattr(module, "__file__", None)
        if folders:
            files.update(path for folder in folders for path in Path(folder).rglob("*.py"))
        elif file:
            files.add(Path(file))
    return sorted(files)
