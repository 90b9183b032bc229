"""Human-readable output: location, message, the source line with a marker, help.

Colour only when the stream is a terminal, ``NO_COLOR`` is unset and ``TERM``
is not ``dumb`` (``FORCE_COLOR`` forces it). The report is assembled as plain
lines and written at once: rich's markup rendering took seconds for a few
thousand findings. Control characters from the linted files (terminal escape
sequences in a string literal, carriage returns) are never written.

Paths are shown relative to the current folder when the file lies below it
(``cd app; flasklint models.py`` prints ``models.py``), else relative to the
project root. The summary counts findings per rule and says how many
``--fix`` can fix, and how many more ``--unsafe-fixes`` would.

The source line of a sensitive finding (a secret) is cut at the flagged place,
and every quoted string before it is masked too (but the name of an
environment variable read there): the line may hold more secrets than the
one flagged, and the flagged range may not be the secret itself.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Callable, Optional, TextIO

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


def display_path(result, path: str, cwd: Path) -> str:
    """Return a root-relative ``path`` relative to ``cwd`` when the file lies below it, else unchanged."""
    if path.startswith("/"):
        return path
    try:
        return (result.root / path).relative_to(cwd).as_posix()
    except ValueError:
        return path


def plural(count: int, noun: str) -> str:
    """Return ``"1 file"``, ``"2 files"``; nouns ending in ``x`` take ``es``."""
    return f"{count} {noun}{'' if count == 1 else 'es' if noun.endswith('x') else 's'}"


def statistics(result, unsafe_fixes: bool = False) -> list[dict]:
    """Return a count per rule, in code order, with what ``--fix`` can do about it.

    ``fix`` is ``applicable`` when ``--fix`` fixes some of the rule's
    findings, ``unsafe`` when only ``--unsafe-fixes`` would, else ``""``.
    """
    counts = Counter(f.code for f in result.findings)
    names = {f.code: f.name for f in result.findings}
    fixes: dict[str, str] = {}
    for f in result.findings:
        if f.fix:
            fixes[f.code] = "applicable" if f.fix.applies(unsafe_fixes) else fixes.get(f.code, "unsafe")
    return [
        {"code": code, "name": names[code], "count": count, "fix": fixes.get(code, "")}
        for code, count in sorted(counts.items())
    ]


#: How a statistics line marks a rule: ``--fix`` fixes some, only ``--unsafe-fixes`` would, no fix.
_FIX_MARKS = {"applicable": "[*]", "unsafe": "[-]", "": "[ ]"}


def statistics_lines(result, unsafe_fixes: bool = False) -> list[str]:
    """Return :func:`statistics` as text, one line per rule: count, code, fix mark, name."""
    return [
        f"{row['count']:>5}  {row['code']}  {_FIX_MARKS[row['fix']]} {row['name']}"
        for row in statistics(result, unsafe_fixes)
    ]


def fix_summary(findings, unsafe_fixes: bool) -> Optional[str]:
    """Return the line saying how many findings ``--fix`` fixes and how many more ``--unsafe-fixes`` would."""
    fixable = sum(1 for f in findings if f.fix and f.fix.applies(unsafe_fixes))
    hidden = sum(1 for f in findings if f.fix and not f.fix.applies(unsafe_fixes))
    more = f"{plural(hidden, 'hidden fix')} can be enabled with the `--unsafe-fixes` option" if hidden else ""
    if fixable:
        return f"[*] {fixable} fixable with the `--fix` option" + (f" ({more})." if more else ".")
    return f"No fixes available ({more})." if more else None


def escape(text: str) -> str:
    """Return ``text`` with every control character (tab too) shown as its escape: file names in messages."""
    return text.translate(_ESCAPES)


def _marker_line(finding, source: str) -> tuple[str, str]:
    """Return the (possibly masked) source line and the caret line under it."""
    start = min(max(finding.column - 1, 0), len(source))
    end = finding.end_column - 1 if finding.end_line == finding.line else len(source)
    end = max(min(end, len(source)), start + 1)
    if finding.sensitive:
        source = mask_line(source, start + 1, keep_env_names=True)
        start, end = len(source) - 1, len(source)
    return source, " " * start + "^" * (end - start)


def write(
    result, stream: TextIO, colour: Optional[bool] = None, summary: bool = True, unsafe_fixes: bool = False
) -> None:
    """Write every finding with context, then (with ``summary``) a count per rule and the fixes available.

    ``colour`` None decides by :func:`wants_colour`; ``unsafe_fixes`` says
    whether ``--unsafe-fixes`` was given.
    """
    paint = _painter(wants_colour(stream) if colour is None else colour)
    cwd = Path.cwd()
    lines = []
    for f in result.findings:
        lines.append(
            f"{paint('bold', clean(display_path(result, f.path, cwd)))}:{f.line}:{f.column}: "
            f"{paint('bold red', f.code)} [{f.severity.value}] {clean(f.message)}"
        )
        source = result.snippets.get(f.path, {}).get(f.line)
        if source is not None:
            shown, carets = _marker_line(f, clean(source.expandtabs(1)))
            width = len(str(f.line))
            lines += [f"{' ' * width} |", f"{f.line} | {shown}", f"{' ' * width} | {paint('red', carets)}"]
        if f.help:
            lines.append(f"  {paint('cyan', '= help:')} {clean(f.help)}")
        if f.fix:
            how = "--fix" if f.fix.applies(unsafe_fixes) else "--fix --unsafe-fixes"
            lines.append(f"  {paint('green', '= fix available:')} {clean(f.fix.description)} (run with {how})")
        lines.append("")
    if not summary:
        if lines:
            stream.write("\n".join(lines) + "\n")
        return
    lines += statistics_lines(result, unsafe_fixes)
    if result.findings:
        lines.append(f"Found {plural(len(result.findings), 'finding')} in {plural(result.files, 'file')}.")
        fixes = fix_summary(result.findings, unsafe_fixes)
        if fixes:
            lines.append(fixes)
    else:
        lines.append(f"All checks passed ({plural(result.files, 'file')}).")
    if result.tracked_inferred:
        lines.append("Not a git work tree: which files are tracked was inferred from `.gitignore` files.")
    stream.write("\n".join(lines) + "\n")
