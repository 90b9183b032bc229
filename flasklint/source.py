"""Read a Python file once, decode it as Python would, and guard the parsers.

CPython's own parser runs first: it is fast, honours PEP 263 and rejects
pathological input (deep nesting, huge unary chains) that would crash or hang
LibCST. A file that fails here becomes an FL000 finding, never an exception.
A file CPython rejects but LibCST's grammar (which knows newer Python)
accepts is valid code for a newer Python than flasklint runs on: its FL000 is
an ``info`` notice that names the Python needed, not a syntax error.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Optional, Protocol, Union

from .findings import Finding, Severity, parse_error
from .lazy import cst
from .pins import PYTHON2


class Located(Protocol):
    """A CPython node with a position: a statement, expression, argument, keyword, alias, ..."""

    lineno: int
    col_offset: int
    end_lineno: Optional[int]
    end_col_offset: Optional[int]


@dataclass
class Source:
    """The decoded text of a file and CPython's syntax tree of it."""

    path: str
    raw: bytes
    text: str
    tree: ast.Module

    @cached_property
    def lines(self) -> list[str]:
        """Return the lines of the file, each with its line ending."""
        return split_lines(self.text)

    def column(self, line: int, offset: int) -> int:
        """Return the 0-based character column of CPython's UTF-8 byte ``offset`` on 1-based ``line``."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return offset
        return len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))

    def span(self, node: Located) -> tuple[tuple[int, int], tuple[int, int]]:
        """Return the 1-based ``(line, column)`` start and end of a CPython ``node``, in characters."""
        end_line = node.end_lineno or node.lineno
        end_offset = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return (
            (node.lineno, self.column(node.lineno, node.col_offset) + 1),
            (end_line, self.column(end_line, end_offset) + 1),
        )


def decode(raw: bytes) -> str:
    """Decode ``raw`` the way Python does (BOM, PEP 263 cookie, else UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    if encoding == "utf-8-sig":
        raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        encoding = "utf-8"
    return raw.decode(encoding)


def load(path: str, raw: bytes, max_size: int, target_version: Optional[str] = None) -> Union[Source, Finding]:
    """Decode and parse ``raw``; return a Source or the FL000 finding that explains why not.

    ``target_version`` (``py312``) is the Python the project targets, for
    the notice on syntax newer than the running Python.
    """
    if len(raw) > max_size:
        return too_large(path, len(raw), max_size)
    try:
        text = decode(raw)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        return parse_error(path, f"cannot decode file: {exc}")
    tree = _parse(path, text, target_version)
    if isinstance(tree, Finding):
        return tree
    return Source(path=path, raw=raw, text=text, tree=tree)


def too_large(path: str, size: int, max_size: int) -> Finding:
    """Return the FL000 finding for a file of ``size`` bytes, more than ``max-file-size`` allows."""
    return parse_error(path, f"file not linted: {size:,} bytes is more than max-file-size ({max_size:,})")


def _parse(path: str, text: str, target_version: Optional[str] = None) -> Union[ast.Module, Finding]:
    """Parse ``text`` with CPython's parser, turning every failure into FL000."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path)
    except SyntaxError as exc:
        version = ".".join(map(str, sys.version_info[:2]))
        error = parse_error(
            path, f"syntax error: {exc.msg} (parsed as Python {version})", exc.lineno or 1, exc.offset or 1
        )
        return generator_template_notice(error, path) or newer_syntax_notice(error, text, target_version) or error
    except (ValueError, RecursionError, MemoryError) as exc:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, (RecursionError, MemoryError)):
            reason = "file is too deeply nested to parse"
        return parse_error(path, f"cannot parse file: {reason}")


#: A file or folder name holding a Jinja tag: a project generator's template (cookiecutter, copier).
_TEMPLATED_NAME = re.compile(r"\{\{.*\}\}|\{%.*%\}")


def generator_template_notice(error: Finding, path: str) -> Optional[Finding]:
    """Return FL000 ``error`` as an info notice when ``path`` lies in a project generator's template.

    Under a folder named ``{{cookiecutter.app_name}}`` the code holds Jinja
    tags until cookiecutter or copier renders it: it is not broken, only not
    Python yet.
    """
    name = next((part for part in path.split("/") if _TEMPLATED_NAME.search(part)), None)
    if name is None:
        return None
    return replace(
        error,
        severity=Severity.INFO,
        message=f"file not analysed: `{name}` makes it a project generator's template, Python only once rendered",
        help="Lint a project generated from the template; flasklint reads Python, not Jinja.",
    )


#: LibCST nodes of syntax that CPython accepts only from a given version on.
NEWER_SYNTAX = {"Match": (3, 10), "TryStar": (3, 11), "TypeAlias": (3, 12), "TypeParameters": (3, 12)}


#: How deep brackets nest and how many tokens one logical line holds, at most, for
#: LibCST to be tried on a file CPython rejected: CPython's own bracket limit, and
#: a line length LibCST parses in about a second. Far beyond them (thousands of
#: nested brackets or unary operators) LibCST's native parser crashes the process.
MAX_BRACKET_DEPTH = 200
MAX_LINE_TOKENS = 5000


def _within_parser_limits(text: str) -> bool:
    """Return whether ``text`` nests and runs on within the limits LibCST survives."""
    depth = tokens = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in ("(", "[", "{"):
                depth += 1
            elif token.type == tokenize.OP and token.string in (")", "]", "}"):
                depth -= 1
            tokens = 0 if token.type == tokenize.NEWLINE else tokens + 1
            if depth > MAX_BRACKET_DEPTH or tokens > MAX_LINE_TOKENS:
                return False
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def newer_syntax_notice(error: Finding, text: str, target_version: Optional[str]) -> Optional[Finding]:
    """Return FL000 ``error`` as an info notice when ``text`` is valid Python newer than the running one.

    LibCST's grammar covers the newest Python syntax, and it rejects what
    every Python rejects, so a file it parses is not broken: flasklint only
    cannot analyse it here. The notice names the Python needed: the newest
    of the syntax the file uses and of ``target_version`` (``py312``). In a
    project that declares Python 2 only (``py27``), every file CPython
    rejects gets a notice that says so.
    """
    if target_version == PYTHON2:
        return replace(
            error,
            severity=Severity.INFO,
            message="file not analysed: the project declares Python 2 only, and flasklint reads Python 3",
            help="Declare the Python 3 versions the code runs on (`python_requires`) once it is ported.",
        )
    if not _within_parser_limits(text):
        return None
    try:
        module = cst.parse_module(text)
    except Exception:  # any failure (a syntax error, a parser crash) leaves the syntax error standing
        return None
    from libcst import matchers

    running = sys.version_info[:2]
    newer = matchers.OneOf(*(getattr(matchers, name)() for name in NEWER_SYNTAX))
    needed = [NEWER_SYNTAX[type(node).__name__] for node in matchers.findall(module, newer)]
    if target_version:
        needed.append((3, int(target_version[3:])))
    version = max(needed, default=None)
    here = "{}.{}".format(*running)
    if version is None or version <= running:
        want = f"uses syntax newer than Python {here}, which flasklint runs on"
        run_on = "the Python version the project targets"
    else:
        want = f"uses Python {version[0]}.{version[1]} syntax; flasklint runs on Python {here}"
        run_on = f"Python {version[0]}.{version[1]} or later"
    return replace(
        error,
        severity=Severity.INFO,
        message=f"file not analysed: it {want}",
        help=f"Run flasklint on {run_on} to analyse this file; its syntax is valid there.",
    )


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines as Python counts them (only CR, LF, CRLF end a line).

    Unlike ``str.splitlines`` this keeps form feeds and other separators inside
    their line, so line numbers agree with the parsers'.
    """
    return _LINE.findall(text)
