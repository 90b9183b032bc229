"""URIs with a password written as string literals (``postgresql://user:secret@host/db``).

Collected for FL302 from every file that contains ``://`` and ``@``: each
string constant that is a whole URI with a non-empty password, kept as a
:class:`~flasklint.facts.config.Literal` with its position. Constants that
merely contain such a URI (docstrings, messages) and f-string parts are not
kept: they are prose or built at run time.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from .config import Literal

KEY = "credentials"

_URI = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@"
                  r"(?P<host>[^/\s@]+)(?P<rest>[/?#]\S*)?$")
#: Password fields that are templates or stand-ins, not passwords.
_NOT_PASSWORDS = re.compile(r"^(\$.*|%\(.*|\{.*\}|<.*>|\*+|x+|\.\.\.|password|pass|passwd|pwd|secret|changeme|"
                            r"your[_\-]?password)$", re.IGNORECASE)


def credential_uri(text: str) -> Optional[tuple[str, str]]:
    """Return ``(scheme, password)`` when ``text`` is a URI with a real-looking password, else None.

    A password equal to the user name (``postgres:postgres``, ``guest:guest``)
    is a well-known default, not a secret.
    """
    match = _URI.match(text.strip())
    if not match or match.group("scheme").lower().startswith("sqlite"):
        return None
    password = match.group("password")
    if _NOT_PASSWORDS.match(password) or password == match.group("user"):
        return None
    return match.group("scheme"), password


def collect(source, facts) -> None:
    """Record the string constants of a module that are URIs with a password."""
    if "://" not in source.text or "@" not in source.text:
        return
    parts = {id(v) for node in ast.walk(source.tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    found = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts \
                and "://" in node.value and credential_uri(node.value):
            found.append(Literal(node.value, node.lineno, node.col_offset + 1,
                                 node.end_lineno or node.lineno, (node.end_col_offset or node.col_offset) + 1))
    if found:
        facts.extra[KEY] = found
