"""URIs with a password written as string literals (``postgresql://user:secret@host/db``).

Collected for FL302 from every file that contains ``://`` and ``@``: each
string constant that is a whole URI with a non-empty password, kept as a
:class:`~flasklint.facts.secrets.Literal` (redacted) with its position. Constants that
merely contain such a URI (docstrings, messages) and f-string parts are not
kept: they are prose or built at run time.
"""

from __future__ import annotations

import ast

from . import FactKey
from .secrets import Literal, credential_uri, secret_literal

KEY: FactKey[list[Literal]] = FactKey("credentials", __name__)


def collect(source, facts) -> None:
    """Record the string constants of a module that are URIs with a password."""
    if "://" not in source.text or "@" not in source.text:
        return
    parts: set[int] = set()  # the literal pieces of f-strings: ast.walk meets an f-string before its pieces
    found = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.JoinedStr):
            parts.update(id(v) for v in node.values)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in parts
            and "://" in node.value
            and credential_uri(node.value)
        ):
            found.append(
                secret_literal(
                    node.value,
                    "",
                    node.lineno,
                    node.col_offset + 1,
                    node.end_lineno or node.lineno,
                    (node.end_col_offset or node.col_offset) + 1,
                )
            )
    if found:
        facts.put(KEY, found)
