"""One line per finding: ``path:line:col: CODE [severity] message`` (control characters dropped, as in text).

Paths are relative to the current folder when the file lies below it, as in text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from .text import clean, display_path


def write(result, stream: TextIO) -> None:
    """Write one line per finding."""
    cwd = Path.cwd()
    stream.write(
        "".join(
            f"{clean(display_path(result, f.path, cwd))}:{f.line}:{f.column}: {f.code} "
            f"[{f.severity.value}] {clean(f.message)}\n"
            for f in result.findings
        )
    )
