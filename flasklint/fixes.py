"""Apply fixes to files, safely.

A fixed file is written only when the file on disk is still the one that was
linted (same hash), the edits do not overlap, and, for a Python file, both
CPython and LibCST can parse the result. Line endings and every byte outside
the edits are kept. A fix may target a file other than its finding's
(``.gitignore``) and create it when it is missing. Diffs never show the
source text of sensitive findings (secrets).
"""

from __future__ import annotations

import ast
import bisect
import difflib
import hashlib
import io
import itertools
import os
import re
import tokenize
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .findings import MASK, Edit, Finding
from .lazy import cst
from .source import decode, split_lines


@dataclass
class FixOutcome:
    """What happened to one file's fixes."""

    path: str
    fixed: list[Finding]
    new_text: Optional[str] = None
    old_text: Optional[str] = None
    error: Optional[str] = None
    #: Source texts that diffs must not show (the ranges of sensitive findings).
    hidden: tuple[str, ...] = ()
    #: True when the fix creates the file.
    created: bool = False
    #: The edits made, as :func:`choose_edits` returns them.
    changes: list[Change] = field(default_factory=list)

    def diff(self) -> str:
        """Return a unified diff of the change (empty when nothing changed), secrets masked.

        The diff is one ``git apply`` and ``patch`` take: lines end at LF
        only, as theirs do (a CR stays inside its line), a last line without
        one is marked ``\\ No newline at end of file``, and a new file comes
        from ``/dev/null``.
        """
        if self.new_text is None or self.old_text is None:
            return ""
        header = ["/dev/null" if self.created else f"a/{self.path}", f"b/{self.path}"]
        lines = [f"--- {header[0]}\n", f"+++ {header[1]}\n", *_hunks(self.old_text, self.changes)]
        text = "".join(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines)
        for secret in sorted(self.hidden, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text


_LF_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
#: Lines of context around each change in a diff.
CONTEXT = 3


def _hunks(old: str, changes: list[Change]) -> list[str]:
    """Return the hunks of a unified diff of ``changes`` made to ``old``, in time linear in their size.

    Only the lines the changes touch are compared (with difflib, so a moved
    line shows as a move); every other line is equal by construction.
    """
    lines = _LF_LINE.findall(old)
    edits = _line_edits(old, lines, changes)
    out: list[str] = []
    first = 0
    while first < len(edits):
        last = first
        while last + 1 < len(edits) and edits[last + 1][0] - edits[last][1] <= 2 * CONTEXT:
            last += 1
        group = edits[first : last + 1]
        begin, stop = max(group[0][0] - CONTEXT, 0), min(group[-1][1] + CONTEXT, len(lines))
        new_begin = group[0][3] - (group[0][0] - begin)
        new_length = stop - begin + sum(len(added) - (i2 - i1) for i1, i2, added, _ in group)
        out.append(f"@@ -{_range(begin, stop - begin)} +{_range(new_begin, new_length)} @@\n")
        position = begin
        for i1, i2, added, _ in group:
            out += [" " + line for line in lines[position:i1]]
            out += ["-" + line for line in lines[i1:i2]] + ["+" + line for line in added]
            position = i2
        out += [" " + line for line in lines[position:stop]]
        first = last + 1
    return out


def _line_edits(old: str, lines: list[str], changes: list[Change]) -> list[tuple[int, int, list[str], int]]:
    """Return ``(i1, i2, added, j1)``: old lines ``[i1, i2)`` become the ``added`` lines, at new line ``j1``."""
    starts = list(itertools.accumulate(map(len, lines), initial=0))
    edits = []
    shift = 0
    for first, end, grouped in _regions(lines, starts, changes):
        added = _LF_LINE.findall(_splice(old, grouped, starts[first], starts[end]))
        matcher = difflib.SequenceMatcher(None, lines[first:end], added, autojunk=False)
        edits += [
            (first + i1, first + i2, added[j1:j2], first + shift + j1)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"
        ]
        shift += len(added) - (end - first)
    return edits


def _range(start: int, length: int) -> str:
    """Return a hunk header's range as difflib writes it (0-based ``start``)."""
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _regions(lines: list[str], starts: list[int], changes: list[Change]) -> list[tuple[int, int, list[Change]]]:
    """Return ``(first line, end line, changes)`` for the changes, grouped where their lines meet.

    Each region runs from the line where a change starts through the line
    at its end (one more line than needed at worst: compared, it is equal).
    """
    regions: list = []
    for change in changes:
        first = max(min(bisect.bisect_right(starts, change[0]) - 1, len(lines) - 1), 0)
        end = min(bisect.bisect_right(starts, change[1]), len(lines))
        if regions and first < regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], end)
            regions[-1][2].append(change)
        else:
            regions.append([first, end, [change]])
    return [tuple(region) for region in regions]


def hidden_texts(text: str, findings: Iterable[Finding]) -> tuple[str, ...]:
    """Return the non-blank lines of text that the sensitive ``findings`` cover in ``text``."""
    lines = split_lines(text)
    found = set()
    for finding in findings:
        if not finding.sensitive or not 0 < finding.line <= finding.end_line <= len(lines):
            continue
        for number in range(finding.line, finding.end_line + 1):
            line = lines[number - 1].rstrip("\r\n")
            start = finding.column - 1 if number == finding.line else 0
            end = finding.end_column - 1 if number == finding.end_line else len(line)
            piece = line[start:end].strip()
            if piece:
                found.add(piece)
    return tuple(found)


def _offset(line_starts: list[int], line: int, column: int) -> int:
    """Return the character offset of a 1-based (line, column) position."""
    return line_starts[line - 1] + column - 1


#: An edit to make: the character offsets it replaces in the old text, and its new text.
Change = tuple[int, int, str]


def apply_edits(text: str, findings: Iterable[Finding]) -> tuple[str, list[Finding]]:
    """Return ``text`` with the fixes of ``findings`` applied and the findings applied."""
    changes, applied = choose_edits(text, findings)
    return _splice(text, changes, 0, len(text)), applied


def choose_edits(text: str, findings: Iterable[Finding]) -> tuple[list[Change], list[Finding]]:
    """Return the changes the fixes of ``findings`` make to ``text``, in order, and the findings applied.

    A fix whose edits overlap an earlier one is skipped (the next run gets it).
    Insertions at one place keep the later fix's text first, as they always
    have. Near-linear in the number of edits (overlaps found by bisection).
    """
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, Edit]] = []
    applied = []
    for finding in findings:
        assert finding.fix is not None, "only findings with a fix are applied"
        spans = [
            (_offset(starts, e.start_line, e.start_column), _offset(starts, e.end_line, e.end_column), e)
            for e in finding.fix.edits
        ]
        if any(_overlaps(taken, a, b) for a, b, _ in spans):
            continue
        for a, b, _ in spans:
            bisect.insort(taken, (a, b))
        chosen.extend(spans)
        applied.append(finding)
    order = sorted((start, -number, end, edit.content) for number, (start, end, edit) in enumerate(chosen))
    return [(start, end, content) for start, _, end, content in order], applied


def _splice(text: str, changes: list[Change], begin: int, end: int) -> str:
    """Return ``text[begin:end]`` with ``changes`` (all inside it, in order) made: built once, linear."""
    pieces, position = [], begin
    for start, stop, content in changes:
        pieces += [text[position:start], content]
        position = max(position, stop)
    pieces.append(text[position:end])
    return "".join(pieces)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Return whether ``[start, end)`` overlaps a span of ``taken`` (sorted, pairwise non-overlapping).

    Among such spans the ends grow with the starts, so the last span that
    starts before ``end`` is the only one to check.
    """
    index = bisect.bisect_left(taken, (end,))
    return index > 0 and taken[index - 1][1] > start


def parses(text: str) -> Optional[str]:
    """Return None when both parsers accept ``text``, else the reason."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        cst.parse_module(text)
    except (SyntaxError, ValueError, cst.ParserSyntaxError, RecursionError, MemoryError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def fix_file(
    root: Path, path: str, digest: str, findings: list[Finding], write: bool, sensitive: Iterable[Finding] = ()
) -> FixOutcome:
    """Apply the fixes of ``findings`` to ``root/path``; write only when ``write`` and safe.

    ``digest`` ``""`` means the file did not exist when linted: the fix
    creates it. ``sensitive`` findings of the same file are masked in diffs.
    A target whose real path is outside ``root`` (a symbolic link out of
    the project) is never read or written.
    """
    target = root / path
    if not is_inside(target, root):
        return FixOutcome(path, [], error="resolves outside the project (a symbolic link); fix skipped")
    created = digest == "" and not target.exists()
    try:
        raw = b"" if created else target.read_bytes()
    except OSError as exc:
        return FixOutcome(path, [], error=f"cannot read: {exc.strerror or exc}")
    if (hashlib.sha256(raw).hexdigest() if raw or digest else "") != digest:
        return FixOutcome(path, [], error="file changed since it was linted; fix skipped")
    old_text = decode(raw) if path.endswith(".py") else raw.decode("utf-8", "surrogateescape")
    changes, applied = choose_edits(old_text, sorted(findings, key=lambda f: f.sort_key))
    new_text = _splice(old_text, changes, 0, len(old_text))
    if new_text == old_text:
        return FixOutcome(path, [])
    reason = parses(new_text) if path.endswith(".py") else None
    if reason:
        return FixOutcome(path, [], error=f"fix would not parse ({reason}); file left unchanged")
    outcome = FixOutcome(
        path,
        applied,
        new_text=new_text,
        old_text=old_text,
        hidden=hidden_texts(old_text, sensitive),
        created=created,
        changes=changes,
    )
    if write:
        try:
            target.write_bytes(
                _encode(raw, new_text) if path.endswith(".py") else new_text.encode("utf-8", "surrogateescape")
            )
        except (OSError, UnicodeEncodeError) as exc:
            return FixOutcome(path, [], error=f"cannot write: {exc}")
    return outcome


def is_inside(path: Path, root: Path) -> bool:
    """Return whether the real path of ``path`` (links resolved, even dangling ones) lies inside ``root``."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, base]) == base


def _encode(raw: bytes, text: str) -> bytes:
    """Encode ``text`` as the original bytes were (keeping a UTF-8 BOM)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)
