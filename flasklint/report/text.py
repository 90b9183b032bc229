"""Human-readable output: location, message, the source line with a marker, help.

Uses rich; colour only when the stream is a terminal and NO_COLOR is unset.
The source line of a sensitive finding (a secret) is cut at the flagged place,
and every quoted string before it is masked too: the line may hold more
secrets than the one flagged, and the flagged range may not be the secret
itself.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TextIO

from ..findings import mask_line


def _marker_line(finding, source: str) -> tuple[str, str]:
    """Return the (possibly masked) source line and the caret line under it."""
    start = min(max(finding.column - 1, 0), len(source))
    end = finding.end_column - 1 if finding.end_line == finding.line else len(source)
    end = max(min(end, len(source)), start + 1)
    if finding.sensitive:
        source = mask_line(source, start + 1)
        start, end = len(source) - 1, len(source)
    return source, " " * start + "^" * (end - start)


def write(result, stream: TextIO) -> None:
    """Write every finding with context, then a count per code."""
    from rich.console import Console  # here: machine formats need not import rich
    from rich.markup import escape

    console = Console(file=stream, highlight=False, soft_wrap=True,
                      no_color="NO_COLOR" in os.environ or None, emoji=False)
    for f in result.findings:
        console.print(f"[bold]{escape(f.path)}[/]:{f.line}:{f.column}: "
                      f"[bold red]{f.code}[/] {escape(f.message)}")
        source = result.snippets.get(f.path, {}).get(f.line)
        if source is not None:
            shown, carets = _marker_line(f, source.expandtabs(1))
            width = len(str(f.line))
            console.print(f"{' ' * width} |")
            console.print(f"{f.line} | {escape(shown)}")
            console.print(f"{' ' * width} | [red]{carets}[/]")
        if f.help:
            console.print(f"  [cyan]= help:[/] {escape(f.help)}")
        if f.fix:
            console.print(f"  [green]= fix available:[/] {escape(f.fix.description)} (run with --fix)")
        console.print()
    counts = Counter(f.code for f in result.findings)
    if counts:
        for code, count in sorted(counts.items()):
            console.print(f"{count:>5}  {code}")
        noun = "finding" if len(result.findings) == 1 else "findings"
        console.print(f"Found {len(result.findings)} {noun} in {result.files} files.")
    else:
        console.print(f"All checks passed ({result.files} files).")
    if result.tracked_inferred:
        console.print("Not a git work tree: which files are tracked was inferred from `.gitignore` files.")
