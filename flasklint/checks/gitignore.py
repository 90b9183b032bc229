"""The ``.gitignore`` fix and finding place shared by the rules that report files git does not ignore.

FL303 and FL306 report on the root ``.gitignore`` when it exists and fix by
appending the missing patterns to it. It holds no rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Edit, Fix
from ..model.project_facts import ProjectFacts
from ..source import split_lines

GITIGNORE = ".gitignore"


def gitignore_fix(project: ProjectFacts, patterns: Iterable[str]) -> Fix:
    """Return the fix that appends ``patterns`` to the root ``.gitignore``, creating it if needed."""
    text = project.read_text(GITIGNORE)
    patterns = list(patterns)
    current = text or ""
    lines = split_lines(current)
    if not current:
        position = (1, 1)
    elif current.endswith(("\n", "\r")):
        position = (len(lines) + 1, 1)
    else:
        position = (len(lines), len(lines[-1]) + 1)
    newline = "\r\n" if "\r\n" in current else "\n"
    content = (newline if current and not current.endswith(("\n", "\r")) else "") + newline.join(patterns) + newline
    digest = project.digest(GITIGNORE)
    shown = ", ".join(f"`{p}`" for p in patterns)
    return Fix(
        f"Append {shown} to `{GITIGNORE}`", (Edit(*position, *position, content),), path=GITIGNORE, digest=digest
    )


def report_place(project: ProjectFacts, fallback: tuple[str, int]) -> tuple[str, int]:
    """Return where an ignore finding goes: the root ``.gitignore`` when it exists, else ``fallback``.

    In ``.gitignore`` the finding is about the whole file, so it goes on its
    last line, where the fix appends the missing pattern, never under an
    unrelated rule at the top.
    """
    if GITIGNORE not in set(project.project.all_files):
        return fallback
    return GITIGNORE, max(len(split_lines(project.read_text(GITIGNORE) or "")), 1)
