"""Findings, severities and fixes: the plain data every part of flasklint shares."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Optional


class Severity(str, enum.Enum):
    """How bad a finding is; ordered ``info`` < ``warning`` < ``error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Return a number that orders severities from mild to severe."""
        return ("info", "warning", "error").index(self.value)


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions.

    Columns count characters; the end position is exclusive.
    """

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    content: str

    def to_json(self) -> dict:
        """Return the edit as a JSON-ready dict."""
        return {
            "start_line": self.start_line,
            "start_column": self.start_column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


#: A fix that keeps the code's meaning: ``--fix`` applies it.
SAFE = "safe"
#: A fix that may change behaviour or style beyond the defect: only with ``--unsafe-fixes``.
UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    """A description and the text edits that carry it out.

    The edits apply to the finding's own file, unless ``path`` names another
    root-relative file (``.gitignore`` for a finding elsewhere); ``digest`` is
    then the SHA-256 of that file as the rule read it, or ``""`` when it did
    not exist and the fix creates it. ``applicability`` is :data:`SAFE` or
    :data:`UNSAFE`, as in ruff. ``removes`` lists the qualified names the fix
    takes away from its module (``forms.Form``, renamed); when another module
    of the project imports one, the engine applies ``fallback`` (a fix that
    keeps them) instead.
    """

    description: str
    edits: tuple[Edit, ...]
    path: Optional[str] = None
    digest: Optional[str] = None
    applicability: str = SAFE
    removes: tuple[str, ...] = ()
    fallback: Optional[Fix] = None

    def applies(self, unsafe_fixes: bool) -> bool:
        """Return whether ``--fix`` applies this fix (unsafe ones only with ``unsafe_fixes``)."""
        return self.applicability == SAFE or unsafe_fixes

    def to_json(self) -> dict:
        """Return the fix as a JSON-ready dict (``path`` only when the fix edits another file)."""
        document = {
            "description": self.description,
            "edits": [edit.to_json() for edit in self.edits],
            "applicability": self.applicability,
        }
        if self.path is not None:
            document["path"] = self.path
        return document


@dataclass(frozen=True)
class Requirement:
    """A condition a finding needs from the whole project.

    The finding holds only if the symbol ``qualname`` (a dotted name such as
    ``yourapp.views.bp``) is an instance of one of ``kinds`` once every module's
    facts are known, e.g. ``flask.Blueprint``.
    """

    qualname: str
    kinds: frozenset[str]


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one file.

    ``path`` is relative to the project root with ``/`` separators; lines and
    columns are 1-based. ``sensitive`` findings concern a secret: reporters
    never print the source text of their range.
    """

    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    help: str = ""
    fix: Optional[Fix] = None
    sensitive: bool = False
    requires: tuple[Requirement, ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple:
        """Order findings by place, then code."""
        return (self.path, self.line, self.column, self.code, self.message)

    def to_json(self) -> dict:
        """Return the finding as DESIGN.md's JSON contract describes it."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "fix": self.fix.to_json() if self.fix else None,
        }


#: Stands for the hidden part of a secret, in messages and masked source lines.
MASK = "…"


def redact(secret: str) -> str:
    """Return ``secret`` as messages may show it: its first 2 characters, ``…`` and its length.

    Secrets of 6 characters or fewer show no character at all, since 2 of
    them would be a third of the secret.
    """
    shown = secret[:2] if len(secret) > 6 else ""
    return f"{shown}{MASK}({len(secret)} chars)"


_QUOTED = re.compile(r"""(["'])(?:\\.|(?!\1).)*(?:\1|$)""")
#: A quoted string that names an environment variable: ``os.environ["NAME"]``,
#: ``environ.get("NAME"``, ``getenv("NAME"``, ``environ.setdefault("NAME"``.
_ENV_NAME = re.compile(
    r"""(?:environ\s*\[|environ\s*\.\s*(?:get|setdefault|pop)\s*\(|getenv\s*\()\s*"""
    r"""(["'])[A-Za-z_][A-Za-z0-9_]*\1"""
)


def mask_line(line: str, column: int, keep_env_names: bool = False) -> str:
    """Return a sensitive finding's source line as outputs may use it.

    The line is cut at the finding's 1-based ``column`` and ends in ``MASK``;
    every quoted string before the cut is masked too, since the line may hold
    more secrets than the flagged one and the flagged range may not be the
    secret itself. With ``keep_env_names``, the name of an environment
    variable read on the line (``os.environ.get("SECRET_KEY", ...)``) is kept:
    it is a name, not a secret, and tells the reader which setting is meant.
    Fingerprints leave it masked, so baselines keep matching.
    """
    before = line[: max(column - 1, 0)]
    names = {m.start(1) for m in _ENV_NAME.finditer(before)} if keep_env_names else set()
    return _QUOTED.sub(lambda m: m.group(0) if m.start() in names else m.group(1) + MASK + m.group(1), before) + MASK


PARSE_ERROR_CODE = "FL000"
PARSE_ERROR_NAME = "parse-error"


def parse_error(path: str, message: str, line: int = 1, column: int = 1) -> Finding:
    """Return the FL000 finding for a file flasklint could not read or parse."""
    return Finding(
        code=PARSE_ERROR_CODE,
        name=PARSE_ERROR_NAME,
        severity=Severity.ERROR,
        path=path,
        line=max(line, 1),
        column=max(column, 1),
        end_line=max(line, 1),
        end_column=max(column, 1),
        message=message,
        help="Fix the file so that Python can parse it; flasklint checked nothing else in it.",
    )
