"""One line per finding: ``path:line:col: CODE message``."""

from __future__ import annotations

from typing import TextIO


def write(result, stream: TextIO) -> None:
    """Write one line per finding."""
    for f in result.findings:
        stream.write(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}\n")
