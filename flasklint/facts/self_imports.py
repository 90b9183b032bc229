"""Self-import facts: the imports of a package module and where they are written (FL501).

FL501 decides per package, over all its modules, which import style the
package keeps, so the file pass only records, for each module inside a
package, its relative imports and its absolute imports of its own top-level
package: what each imports and where its module name is written, for the
rewrite. It also records whether the module runs as a script (relative
imports fail there) and whether a package's ``__init__`` declares a namespace
package (``pkgutil.extend_path``, ``pkg_resources.declare_namespace``).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import NamedTuple, Optional

from ..flask_context import resolve_relative, statements
from . import FactKey

KEY: FactKey[PackageModule] = FactKey("self_imports", __name__)

#: Modules meant to be run as scripts (``python yourapp/cli.py``), where
#: relative imports fail.
_MAIN_GUARD = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)
#: An ``__init__`` that shares its package with other distributions.
_NAMESPACE_DECLARATION = re.compile(r"\b(?:extend_path|declare_namespace)\s*\(")

#: 1-based ``(line, column, end_line, end_column)``, end exclusive.
Span = tuple[int, int, int, int]


class ImportSite(NamedTuple):
    """One imported module of one import statement.

    ``target`` is the absolute module name; ``level`` the number of leading
    dots (0 for absolute imports). ``written`` is where the rewrite goes: the
    dots and module name of a ``from`` import, the whole statement for
    ``import yourapp.models as m`` (``alias`` ``m``), None when there is no
    rewrite (``import yourapp.models`` binds ``yourapp``).
    """

    statement: Span
    target: str
    level: int
    is_from: bool
    written: Optional[Span]
    alias: str


@dataclass(frozen=True)
class PackageModule:
    """What FL501 knows of one module inside a package."""

    runs_as_script: bool
    declares_namespace: bool
    sites: tuple[ImportSite, ...]


def top_name(dotted: Optional[str]) -> str:
    """Return the first name of a dotted module name ('' for None)."""
    return (dotted or "").split(".")[0]


def module_span(source, node: ast.ImportFrom) -> Optional[Span]:
    """Return where the dots and module name of ``from X import ...`` are written.

    The tokens between ``from`` and ``import``, so spaces around dots and
    backslash continuations are handled as Python reads them. None when the
    statement's lines cannot be tokenized on their own.
    """
    column = source.column(node.lineno, node.col_offset)
    segment = io.StringIO("".join(source.lines[node.lineno - 1 : node.end_lineno]))
    inside = []
    try:
        for token in tokenize.generate_tokens(segment.readline):
            if token.type == tokenize.NAME and token.string == "from" and token.start == (1, column):
                inside.append(token)
            elif inside and token.type == tokenize.NAME and token.string == "import":
                break
            elif inside and token.type in (tokenize.NAME, tokenize.OP):
                inside.append(token)
    except (tokenize.TokenError, SyntaxError):
        return None
    if len(inside) < 2:
        return None
    (line, col), (end_line, end_col) = inside[1].start, inside[-1].end
    return node.lineno + line - 1, col + 1, node.lineno + end_line - 1, end_col + 1


def _sites(source, module: str, is_package: bool) -> list[ImportSite]:
    """Return the module's relative imports and absolute imports of its own top-level package."""
    top = top_name(module)
    found = []
    for stmt in statements(source.tree.body, into_scopes=True):
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        (line, column), (end_line, end_column) = source.span(stmt)
        span = (line, column, end_line, end_column)
        if isinstance(stmt, ast.ImportFrom):
            if stmt.level or top_name(stmt.module) == top:
                target = resolve_relative(module, is_package, stmt.level, stmt.module)
                found.append(ImportSite(span, target, stmt.level, True, module_span(source, stmt), ""))
            continue
        for alias in stmt.names:
            if "." in alias.name and top_name(alias.name) == top:
                single = alias.asname is not None and len(stmt.names) == 1
                found.append(
                    ImportSite(
                        span, alias.name, 0, False, span if single else None, (alias.asname or "") if single else ""
                    )
                )
    return found


def collect(source, facts) -> None:
    """Add what FL501 needs of a module inside a package to ``facts``."""
    if not facts.is_package and "." not in facts.module:
        return
    top = top_name(facts.module)
    namespace = facts.is_package and _NAMESPACE_DECLARATION.search(source.text) is not None
    if not namespace and not any(imp.level or top_name(imp.module) == top for imp in facts.imports):
        return
    facts.put(
        KEY,
        PackageModule(
            runs_as_script=_MAIN_GUARD.search(source.text) is not None,
            declares_namespace=namespace,
            sites=tuple(_sites(source, facts.module, facts.is_package)),
        ),
    )
