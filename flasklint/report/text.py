"""Human-readable output: location, message, the source line with a marker, help.

Colour only when the stream is a terminal, ``NO_COLOR`` is unset and ``TERM``
is not ``dumb`` (``FORCE_COLOR`` forces it). The report is assembled as plain
lines and written at once: rich's markup rendering took seconds for a few
thousand findings. Control characters from the linted files (terminal escape
sequences in a string literal, carriage returns) are never written.

The source line of a sensitive finding (a secret) is cut at the flagged place,
and every quoted string before it is masked too: the line may hold more
secrets than the one flagged, and the flagged range may not be the secret
itself.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Callable, TextIO

from ..findings import mask_line

#: ANSI codes of the styles the report uses.
_STYLES = {"bold": "1", "bold red": "1;31", "red": "31", "cyan": "36", "green": "32"}
#: Unicode's bidirectional formatting characters: they reorder what a terminal shows (Trojan Source).
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
#: C0 controls other than tab, DEL, C1 controls and the bidi characters: dropped from what files contribute.
_CONTROLS = dict.fromkeys([*range(0, 9), *range(10, 32), 127, *range(128, 160), *_BIDI])
#: The same characters, each written as its escape sequence (``\x1b``, ``\u202e``).
_ESCAPES = {code: f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}" for code in [9, *_CONTROLS]}


def wants_colour(stream: TextIO) -> bool:
    """Return whether to colour output written to ``stream``."""
    if "NO_COLOR" in os.environ:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _painter(colour: bool) -> Callable[[str, str], str]:
    """Return ``paint(style, text)``, which adds ANSI colour only when ``colour`` is true."""
    if not colour:
        return lambda style, text: text
    return lambda style, text: f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def clean(text: str) -> str:
    """Return ``text`` without control characters (a linted file must not drive the terminal)."""
    return text.translate(_CONTROLS)


def escape(text: str) -> str:
    """Return ``text`` with every control character (tab too) shown as its escape: file names in messages."""
    return text.translate(_ESCAPES)


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
    paint = _painter(wants_colour(stream))
    lines = []
    for f in result.findings:
        lines.append(f"{paint('bold', clean(f.path))}:{f.line}:{f.column}: {paint('bold red', f.code)} "
                     f"{clean(f.message)}")
        source = result.snippets.get(f.path, {}).get(f.line)
        if source is not None:
            shown, carets = _marker_line(f, clean(source.expandtabs(1)))
            width = len(str(f.line))
            lines += [f"{' ' * width} |", f"{f.line} | {shown}", f"{' ' * width} | {paint('red', carets)}"]
        if f.help:
            lines.append(f"  {paint('cyan', '= help:')} {clean(f.help)}")
        if f.fix:
            lines.append(f"  {paint('green', '= fix available:')} {clean(f.fix.description)} (run with --fix)")
        lines.append("")
    counts = Counter(f.code for f in result.findings)
    if counts:
        lines += [f"{count:>5}  {code}" for code, count in sorted(counts.items())]
        noun = "finding" if len(result.findings) == 1 else "findings"
        lines.append(f"Found {len(result.findings)} {noun} in {result.files} files.")
    else:
        lines.append(f"All checks passed ({result.files} files).")
    if result.tracked_inferred:
        lines.append("Not a git work tree: which files are tracked was inferred from `.gitignore` files.")
    stream.write("\n".join(lines) + "\n")
