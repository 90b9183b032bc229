"""One line per finding: ``path:line:col: CODE message`` (control characters dropped, as in text)."""

from __future__ import annotations

from typing import TextIO

from .text import clean


def write(result, stream: TextIO) -> None:
    """Write one line per finding."""
    stream.write("".join(f"{clean(f.path)}:{f.line}:{f.column}: {f.code} {clean(f.message)}\n"
                         for f in result.findings))
