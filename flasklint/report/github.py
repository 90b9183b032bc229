"""GitHub Actions workflow commands: one annotation per finding.

``::error file=P,line=L,col=C,endLine=EL,endColumn=EC,title=FL101 route-not-outermost::MESSAGE``,
with ``warning`` for warnings and ``notice`` for info findings. GitHub's
escaping applies: ``%``, CR and LF in the message, and also ``:`` and ``,``
in the properties. Paths are relative to the repository (see
:mod:`.locations`).
"""

from __future__ import annotations

from typing import TextIO

from .locations import repo_path

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value as GitHub's toolkit does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(result, stream: TextIO) -> None:
    """Write one workflow command per finding."""
    for f in result.findings:
        properties = {"file": repo_path(result, f.path), "line": f.line, "col": f.column,
                      "endLine": f.end_line, "endColumn": f.end_column, "title": f"{f.code} {f.name}"}
        joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        message = f.message + (f"\nhelp: {f.help}" if f.help else "")
        stream.write(f"::{COMMANDS[f.severity.value]} {joined}::{escape_data(message)}\n")
