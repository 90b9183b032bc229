"""The findings of production configuration values, worded once for the rules that report them.

FL201, FL203, FL204 and FL404 report a value that holds in production
(:meth:`flasklint.model.config.ConfigModel.production_values` and
:meth:`~flasklint.model.config.ConfigModel.app_settings` find them) in the
same words, and FL207 names why a configuration runs in production as they
do; this module writes them. It holds no rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Callable, Optional

from ..facts.config import Value
from ..findings import Finding
from ..model.config import (
    INHERITED,
    LOADED,
    NOT_DEV_NAMED,
    PRODUCTION_NAMED,
    REGISTERED_AS,
    ProductionValue,
    Unit,
    config_model,
    opposite,
)
from ..model.environment import DEVELOPMENT_FILE, NAMED, REGISTERED, TESTS
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule

#: How messages say why a config unit runs in production or not (:attr:`~flasklint.model.config.Unit.why`).
REASONS = {
    TESTS: "under tests",
    NAMED: "named for development or testing",
    DEVELOPMENT_FILE: "in a development or testing file",
    REGISTERED: "registered only as {registered}",
    REGISTERED_AS: "registered as `{name}`",
    PRODUCTION_NAMED: "named for production",
    LOADED: "loaded by {loaded}",
    INHERITED: "inherited by `{name}`",
    NOT_DEV_NAMED: "not named for development or testing",
}


def where(path: str, line: int) -> str:
    """Return ``path:line`` for messages."""
    return f"{path}:{line}"


def unit_label(unit: Unit) -> str:
    """Return how messages name a config unit (``config class `ProductionConfig```)."""
    return f"config {unit.kind} `{unit.name}`"


def unit_reason(unit: Unit) -> str:
    """Return why a config unit runs in production or not, for messages (``loaded by `from_object` at app.py:5``)."""
    loaded = f"`{unit.loaded_at[0][0]}` at {where(*unit.loaded_at[0][1:])}" if unit.loaded_at else ""
    return REASONS[unit.why].format(registered=", ".join(map(str, unit.registered)), name=unit.why_name, loaded=loaded)


def inherited_by(names: Iterable[str], limit: int = 3) -> str:
    """Return ``inherited by `A`, `B` ...`` for the first ``limit`` of ``names``."""
    names = list(names)
    return "inherited by " + ", ".join(f"`{name}`" for name in names[:limit]) + (" ..." if len(names) > limit else "")


def value_reason(found: ProductionValue) -> str:
    """Return why a production value counts: its unit's reason, and the production units that inherit it."""
    if found.through_heirs:
        return inherited_by(found.carriers)
    if found.carriers:
        return f"{unit_reason(found.unit)}; {inherited_by(found.carriers)}"
    return unit_reason(found.unit)


def branch_phrase(test: str) -> str:
    """Return ``if TEST`` or the ``else`` of ``if TEST`` for messages."""
    in_else = test.startswith("not (") and test.endswith(")")
    shown = opposite(test) if in_else else test
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"the `else` of `if {shown}`" if in_else else f"`if {shown}`"


def value_phrase(key: str, value: Value, flag: bool = False) -> str:
    """Return ``DEBUG = True`` or ``DEBUG`` defaulting to True when ``X`` is unset, for messages.

    With ``flag`` (a key whose truth is what counts, never a secret) a
    string literal is shown as the string it is, which is truthy:
    ``DEBUG = "False"`` turns debug mode on.
    """
    if flag and value.literal and isinstance(value.value, str) and value.value:
        return f"`{key}` set to the string `{value.value[:20]!r}`, which is truthy,"
    if value.env is None:
        return f"`{key} = {value.shown()}`"
    return f"`{key}` defaulting to {value.shown()} when `{value.env}` is unset"


def production_findings(
    rule: ProjectRule,
    project: ProjectFacts,
    key: str,
    bad: Callable[[Value], Optional[bool]],
    note: str = "",
    flag: bool = False,
) -> Iterator[Finding]:
    """Yield findings of ``rule`` for each production value of ``key`` that ``bad(value)`` accepts.

    Config units and app-level settings both count; messages say which
    configuration was judged production and why, and show a string only for
    a ``flag`` (see :func:`value_phrase`). ``note`` ends each message
    (``, fewer than 12 rounds``).
    """
    model = config_model(project)
    for found in model.production_values(key):
        if not bad(found.value):
            continue
        setting = found.setting
        what = value_phrase(key, found.value, flag)
        if found.heir is not None:
            heir = found.heir
            yield rule.finding(
                heir.path,
                (heir.line, heir.column),
                (heir.line, heir.column + 6 + len(heir.name)),
                f"production {unit_label(heir)} ({value_reason(found)}) inherits {what} from {unit_label(found.owner)} "
                f"({where(found.path, setting.line)}){note}",
            )
        else:
            yield rule.finding(
                found.path,
                (setting.line, setting.column),
                (setting.end_line, setting.end_column),
                f"{what} in production {unit_label(found.owner)} ({value_reason(found)}){note}",
            )
    for path, app_setting, guard in model.app_settings(key):
        if bad(app_setting.setting.value):
            place = (
                "outside any test or debug guard, so it holds in production"
                if guard is None
                else f"in a branch that runs in production ({branch_phrase(guard)})"
            )
            setting = app_setting.setting
            app = (app_setting.receiver or "").rpartition(".")[2]
            yield rule.finding(
                path,
                (setting.line, setting.column),
                (setting.end_line, setting.end_column),
                f"{value_phrase(key, setting.value, flag)} on the Flask app `{app}` {place}{note}",
            )
