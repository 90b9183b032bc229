"""The public API for plugin authors: everything a third-party rule may import.

These names keep their meaning across releases; the rest of flasklint is
internal and moves as it grows. A plugin is a :class:`Plugin` named by a
``flasklint.rules`` entry point (see README, "Writing a plugin"); its rules
subclass :class:`FileRule` (one file: a LibCST visitor, or ``uses_cst =
False`` and ``check()`` over CPython's tree) or :class:`ProjectRule` (every
file's facts at once), and report :class:`Finding` objects, optionally with a
:class:`Fix`. A finding that holds only if a name is a Flask object carries a
:class:`Requirement` on one of the kinds below; flasklint drops it when the
object turns out not to be one.

Tests use :func:`expected_and_found` on fixture files whose flagged lines
carry ``# [ACME001]`` markers.
"""

from .facts import ImportFact, ModuleFacts
from .facts.routes import RouteFact, module_routes
from .findings import Edit, Finding, Fix, Requirement, Severity
from .flask_context import FLASK_APP, FLASK_BLUEPRINT, ROUTE_OWNERS
from .model.project_facts import ProjectFacts
from .plugins import Plugin
from .rule import FileContext, FileRule, ProjectRule, Rule
from .testing import expected_and_found, lint, markers

__all__ = [
    "Edit",
    "FLASK_APP",
    "FLASK_BLUEPRINT",
    "FileContext",
    "FileRule",
    "Finding",
    "Fix",
    "ImportFact",
    "ModuleFacts",
    "Plugin",
    "ProjectFacts",
    "ProjectRule",
    "ROUTE_OWNERS",
    "Requirement",
    "RouteFact",
    "Rule",
    "Severity",
    "expected_and_found",
    "lint",
    "markers",
    "module_routes",
]
