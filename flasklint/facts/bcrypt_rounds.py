"""bcrypt round facts: calls that hash with a literal round count below the book's minimum.

Recorded from every file that mentions ``gensalt``, ``rounds`` or
``generate_password_hash``: ``bcrypt.gensalt(10)``/``gensalt(rounds=10)``,
Flask-Bcrypt's ``generate_password_hash(password, 10)`` and passlib's
``bcrypt.using(rounds=10)``, with the enclosing scope names and ``if`` tests so
that the project step can tell development and test code from production
(the ``BCRYPT_LOG_ROUNDS`` setting is the configuration model's business).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..flask_context import ast_dotted, local_target, scoped_walk
from . import FactKey
from .passwords import low_rounds

KEY: FactKey[list[RoundsCall]] = FactKey("bcrypt_rounds", __name__)

#: A file must contain one of these for the collector to walk it.
TRIGGERS = ("gensalt", "rounds", "generate_password_hash")


@dataclass(frozen=True)
class RoundsCall:
    """A bcrypt call with too few rounds.

    ``callee`` is the call as written (``bcrypt.gensalt``); ``places`` are the
    names of the enclosing functions and classes and the unparsed tests of the
    enclosing ``if`` statements (``not (...)`` in an ``else``). Columns are
    1-based.
    """

    callee: str
    rounds: int
    line: int
    column: int
    end_line: int
    end_column: int
    places: tuple[str, ...]


def _given_rounds(call: ast.Call, target: str) -> Optional[ast.AST]:
    """Return the argument that sets the round count of a bcrypt call of ``target``, if any."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    last = target.rpartition(".")[2]
    if target == "bcrypt.gensalt":
        return keywords.get("rounds", call.args[0] if call.args else None)
    if last == "generate_password_hash":
        return keywords.get("rounds", call.args[1] if len(call.args) > 1 else None)
    if last == "using" and target.startswith("passlib.hash.bcrypt"):
        return keywords.get("rounds")
    return None


class _Collector:
    """Walk one module, tracking the enclosing scopes and ``if`` tests."""

    def __init__(self, facts) -> None:
        self.facts = facts
        self.found: list[RoundsCall] = []

    def visit(self, nodes: Iterable[ast.AST]) -> None:
        """Record the low-round bcrypt calls in and under ``nodes``."""
        for node, place in scoped_walk(nodes):
            if isinstance(node, ast.Call):
                self.call(node, place.scope, place.guards)

    def call(self, call: ast.Call, scope: tuple[str, ...], places: tuple[str, ...]) -> None:
        """Record ``call`` when it is a bcrypt call with a literal round count below the minimum."""
        dotted = ast_dotted(call.func)
        if dotted is None:
            return
        facts = self.facts
        target = local_target(facts.bindings, facts.module, scope, dotted) or dotted
        rounds = low_rounds(_given_rounds(call, target))
        if rounds is not None:
            self.found.append(
                RoundsCall(
                    dotted,
                    rounds,
                    call.lineno,
                    call.col_offset + 1,
                    call.end_lineno or call.lineno,
                    (call.end_col_offset or call.col_offset) + 1,
                    places,
                )
            )


def collect(source, facts) -> None:
    """Add the module's low-round bcrypt calls to ``facts``."""
    if not any(trigger in source.text for trigger in TRIGGERS):
        return
    collector = _Collector(facts)
    collector.visit(source.tree.body)
    if collector.found:
        facts.put(KEY, collector.found)
