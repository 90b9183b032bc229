"""Server facts: where a module starts a server that listens on every interface.

Two shapes are recorded, both with literal addresses only (an address read
from the environment is the deployer's choice, not the code's):
``x.run(host="0.0.0.0")`` (or ``"::"``, also positional), whose receiver is
qualified so that the project step can check that it is a Flask app; and a
gunicorn configuration file (a ``.py`` file whose name says gunicorn) that sets
``bind`` at module level to such an address.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Optional

from ..flask_context import ast_dotted, qualify, scoped_walk
from . import FactKey

KEY: FactKey[list[ServerFact]] = FactKey("servers", __name__)

#: A listening address that means every interface: ``0.0.0.0``, ``::``, ``[::]``,
#: with or without a port, or a bare ``:port`` (gunicorn binds ``("", port)``).
ALL_INTERFACES = re.compile(r"(?:0\.0\.0\.0|\[::\]|::)(?::[^\s'\"]*)?|:\d+")


@dataclass(frozen=True)
class ServerFact:
    """One server started on every interface.

    ``kind`` is ``run`` (``receiver.run(host=...)``, ``receiver`` qualified) or
    ``gunicorn-bind`` (a gunicorn config file's ``bind``; ``receiver`` empty).
    ``address`` is the literal as written. Columns are 1-based characters.
    """

    kind: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    receiver: str
    address: str


def is_all_interfaces(address: str) -> bool:
    """Return whether a listening address binds every interface (``0.0.0.0:8000``)."""
    return ALL_INTERFACES.fullmatch(address.strip()) is not None


def _literal_str(node: Optional[ast.AST]) -> Optional[str]:
    """Return the value of a string constant, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Collector:
    """Walk one module, tracking the enclosing functions and classes."""

    def __init__(self, source, facts) -> None:
        self.facts = facts
        self.source = source
        self.text = source.text
        self.found: list[ServerFact] = []

    def add(self, kind: str, node: ast.AST, receiver: str, address: str) -> None:
        """Record a fact spanning ``node``."""
        (line, column), (end_line, end_column) = self.source.span(node)
        self.found.append(ServerFact(kind, self.facts.path, line, column, end_line, end_column, receiver, address))

    def visit(self, node: ast.AST) -> None:
        """Record ``.run(host=...)`` calls under ``node``."""
        for child, place in scoped_walk(ast.iter_child_nodes(node), guards=False):
            if isinstance(child, ast.Call):
                self.run_call(child, place.scope)

    def run_call(self, call: ast.Call, scope: tuple[str, ...]) -> None:
        """Record ``receiver.run(host=ADDRESS)`` when ADDRESS binds every interface."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "run"):
            return
        host = next((k.value for k in call.keywords if k.arg == "host"), call.args[0] if call.args else None)
        address = _literal_str(host)
        receiver = ast_dotted(call.func.value)
        if address is None or receiver is None or address.strip() not in ("0.0.0.0", "::", "[::]"):
            return
        qualified = qualify(self.facts.bindings, self.facts.module, scope, receiver)
        if qualified:
            self.add("run", call, qualified, address)

    def gunicorn_bind(self, tree: ast.Module) -> None:
        """Record a module-level ``bind = "0.0.0.0:8000"`` of a gunicorn config file."""
        for stmt in tree.body:
            if not (
                isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "bind" for t in stmt.targets)
            ):
                continue
            if "PORT" in (ast.get_source_segment(self.text, stmt.value) or ""):
                continue  # a platform-assigned port: a PaaS or container contract
            for node in ast.walk(stmt.value):
                address = _literal_str(node)
                if address is not None and is_all_interfaces(address):
                    self.add("gunicorn-bind", stmt, "", address)
                    break


def collect(source, facts) -> None:
    """Add the module's servers on every interface to ``facts``."""
    text = source.text
    gunicorn = "gunicorn" in facts.path.rsplit("/", 1)[-1].lower() and "bind" in text
    if ".run(" not in text and not gunicorn:
        return
    collector = _Collector(source, facts)
    if ".run(" in text:
        collector.visit(source.tree)
    if gunicorn:
        collector.gunicorn_bind(source.tree)
    if collector.found:
        facts.put(KEY, collector.found)
