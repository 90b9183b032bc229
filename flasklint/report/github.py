"""GitHub Actions workflow commands: one annotation per finding.

``::error file=P,line=L,col=C,endLine=EL,endColumn=EC,title=FL101 route-not-outermost::MESSAGE``,
with ``warning`` for warnings and ``notice`` for info findings. GitHub's
escaping applies: ``%``, CR and LF in the message, and also ``:`` and ``,``
in the properties. Paths are relative to the repository (see
:mod:`.locations`).

A plain summary line follows the commands, for the log: GitHub shows at most
10 annotations of each level per step (and 50 per job), so the count says
how many there are in all.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from .locations import repo_path

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
#: GitHub turns at most this many commands of each level per step into annotations.
ANNOTATIONS_SHOWN = 10


def escape_data(text: str) -> str:
    """Escape a command's message as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value as GitHub's toolkit does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(result, stream: TextIO) -> None:
    """Write one workflow command per finding."""
    for f in result.findings:
        properties = {
            "file": repo_path(result, f.path),
            "line": f.line,
            "col": f.column,
            "endLine": f.end_line,
            "endColumn": f.end_column,
            "title": f"{f.code} {f.name}",
        }
        joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        message = f.message + (f"\nhelp: {f.help}" if f.help else "")
        stream.write(f"::{COMMANDS[f.severity.value]} {joined}::{escape_data(message)}\n")
    stream.write(summary(result) + "\n")


def _count(number: int, noun: str) -> str:
    """Return ``1 error``, ``2 errors``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(result) -> str:
    """Return the plain summary line, e.g. ``flasklint: 3 findings (2 errors, 1 warning, 0 info) in 5 files``."""
    levels = Counter(f.severity.value for f in result.findings)
    shown = max(levels.values(), default=0) > ANNOTATIONS_SHOWN
    return (
        f"flasklint: {_count(len(result.findings), 'finding')} ({_count(levels['error'], 'error')}, "
        f"{_count(levels['warning'], 'warning')}, {levels['info']} info) in {_count(result.files, 'file')}"
        + (
            f"; GitHub shows at most {ANNOTATIONS_SHOWN} annotations of each level per step, "
            "the log above lists them all"
            if shown
            else ""
        )
    )
