"""Fixture markers and helpers for testing rules.

A fixture line that must be flagged carries ``# [FL101]`` (or
``# [FL101, FL102]``; plugins' codes alike, ``# [ACME001]``); every unmarked
line must stay clean. Non-Python
fixtures (templates, ``.env``) use the same marker after their own comment
syntax, e.g. ``{# [FL601] #}`` or ``# [FL201]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Optional

from .config import Config, project_pins
from .engine import Result, run

MARKER = re.compile(r"#\s*\[([A-Z]+\d{3}(?:\s*,\s*[A-Z]+\d{3})*)\]")


def markers(text: str) -> set[tuple[int, str]]:
    """Return the ``(line, code)`` pairs a fixture's markers expect."""
    expected: set[tuple[int, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for match in MARKER.finditer(line):
            expected.update((number, code.strip()) for code in match.group(1).split(","))
    return expected


def lint(path: Path, select: Optional[Iterable[str]] = None, root: Optional[Path] = None, **settings) -> Result:
    """Lint a fixture file or folder with default settings plus ``settings``.

    The root is the fixture folder (or the file's folder), never the
    repository's own pyproject.toml. A folder's pin files are read as for
    any project (:func:`.config.project_pins`).
    """
    path = Path(path)
    root = root or (path if path.is_dir() else path.parent)
    pinned = project_pins(root) if path.is_dir() else {}
    config = replace(Config(), **{**pinned, **settings})
    if select is not None:
        config = replace(config, select=tuple(select))
    return run([path], config, root, jobs=1)


def expected_and_found(path: Path, codes: Iterable[str], **settings) -> tuple[set, set]:
    """Return ``(expected, found)`` sets of ``(relative path, line, code)`` for a fixture.

    Only ``codes`` are selected and compared; markers of other codes are ignored.
    """
    path = Path(path)
    codes = tuple(codes)
    root = settings.pop("root", None) or (path if path.is_dir() else path.parent)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    expected: set[tuple[str, int, str]] = set()
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        rel = file.relative_to(root).as_posix()
        expected.update((rel, line, code) for line, code in markers(text) if code in codes)
    result = lint(path, select=codes, root=root, **settings)
    found = {(f.path, f.line, f.code) for f in result.findings if f.code in codes}
    return expected, found
