"""Inline suppressions: ``# flasklint: ignore[FL101]`` and ``# noqa: FL101``.

A bare ``# flasklint: ignore`` silences every flasklint finding on its line. A
bare ``# noqa`` does not: it was written for another linter, and hiding a
security finding behind it would be a surprise.
"""

from __future__ import annotations

import re
from typing import Optional

from .source import split_lines

_IGNORE = re.compile(r"#\s*flasklint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)

#: Per line: the codes (or prefixes) suppressed there; None means every code.
Suppressions = dict[int, Optional[frozenset]]


def find_suppressions(text: str) -> Suppressions:
    """Return the suppression comments of a file, by 1-based line."""
    found: Suppressions = {}
    if "flasklint" not in text and "noqa" not in text.lower():
        return found
    for number, line in enumerate(split_lines(text), start=1):
        if "#" not in line:
            continue
        match = _IGNORE.search(line)
        if match:
            codes = match.group("codes")
            found[number] = None if codes is None else _codes(codes)
            continue
        match = _NOQA.search(line)
        if match:
            found[number] = _codes(match.group("codes"))
    return found


def _codes(text: str) -> frozenset:
    """Return the codes of a comma- or space-separated list."""
    return frozenset(code.upper() for code in re.split(r"[\s,]+", text) if code)


def suppressing(suppressions: Suppressions, code: str, lines: tuple[int, ...]) -> list[tuple[int, Optional[str]]]:
    """Return the ``(line, listed code)`` entries on ``lines`` that suppress ``code`` (None: a bare ignore)."""
    found: list[tuple[int, Optional[str]]] = []
    for line in lines:
        if line in suppressions:
            codes = suppressions[line]
            if codes is None:
                found.append((line, None))
            else:
                found.extend((line, c) for c in codes if code.startswith(c))
    return found


def is_suppressed(suppressions: Suppressions, code: str, lines: tuple[int, ...]) -> bool:
    """Return whether a comment on any of ``lines`` suppresses ``code``."""
    return bool(suppressing(suppressions, code, lines))


def without_codes(line: str, codes: frozenset) -> Optional[tuple[int, int, str]]:
    """Return the edit that drops ``codes`` from the suppression comment of ``line``.

    The edit is ``(start, end, replacement)`` with 0-based character
    columns. When no code would remain, the whole directive goes, with the
    blanks before it; text after it that is not a comment of its own stays
    a comment (``# noqa: FL101 legacy`` becomes ``# legacy``). None when the
    line has no suppression with codes.
    """
    match = _IGNORE.search(line)
    if match is None or match.group("codes") is None:
        match = None if match else _NOQA.search(line)
    if match is None:
        return None
    listed = [code for code in re.split(r"[\s,]+", match.group("codes")) if code]
    kept = [code for code in listed if code.upper() not in codes]
    if kept:
        return match.start("codes"), match.end("codes"), ", ".join(kept)
    rest = line[match.end() :]
    if rest.strip() and not rest.lstrip().startswith("#"):
        return match.start(), match.end(), "#"
    return len(line[: match.start()].rstrip()), match.end(), ""


def with_suppression(line: str, code: str) -> str:
    """Return a source ``line`` (with its line ending) changed to also suppress ``code``.

    The code joins the line's ``# flasklint: ignore[...]`` comment, or a new
    such comment goes at the end of the line. A line with a bare
    ``# flasklint: ignore`` already suppresses everything and is returned as is.
    """
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    match = _IGNORE.search(body)
    if match is None:
        return f"{body}  # flasklint: ignore[{code}]{ending}"
    if match.group("codes") is None:
        return line
    codes = [c for c in re.split(r"[\s,]+", match.group("codes")) if c] + [code]
    return f"{body[: match.start()]}# flasklint: ignore[{', '.join(codes)}]{body[match.end() :]}{ending}"
