"""FL501 absolute-self-import."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Optional

from ..facts import ModuleFacts
from ..findings import UNSAFE, Edit, Fix, Severity
from ..flask_context import is_test_path, resolve_relative, statements
from ..rule import FileRule
from ..source import Source

#: Modules meant to be run as scripts (``python yourapp/cli.py``), where
#: relative imports fail.
_MAIN_GUARD = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)


def package_of(facts: ModuleFacts) -> str:
    """Return the package a module belongs to (itself for an ``__init__``), '' outside packages."""
    return facts.module if facts.is_package else facts.module.rpartition(".")[0]


def is_migration(facts: ModuleFacts) -> bool:
    """Return whether a module is an Alembic revision script, which Alembic loads by file path."""
    return "revision" in facts.bindings and "down_revision" in facts.bindings


def module_span(source: Source, node: ast.ImportFrom) -> Optional[tuple[tuple[int, int], tuple[int, int]]]:
    """Return where the dots and module name of ``from X import ...`` are, as 1-based ``(line, column)``.

    The tokens between ``from`` and ``import``, so spaces around dots and
    backslash continuations are handled as Python reads them. None when the
    statement's lines cannot be tokenized on their own.
    """
    column = source.column(node.lineno, node.col_offset)
    segment = io.StringIO("".join(source.lines[node.lineno - 1:node.end_lineno]))
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
    return (node.lineno + line - 1, col + 1), (node.lineno + end_line - 1, end_col + 1)


def relative_name(package: str, target: str) -> str:
    """Return the relative spelling of ``target`` seen from ``package`` (``..models``)."""
    here, there = package.split("."), target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


class AbsoluteSelfImport(FileRule):
    """A module imports its own package's modules by absolute name.

    ## What it does
    Inside a package, flags imports that spell the package's own name:
    `from yourapp.models import User` or `import yourapp.models as models` in
    `yourapp/views.py`. With `import-style = "absolute"` the rule flips and flags
    relative imports instead.

    Scripts outside any package (`run.py`, `manage.py`, `wsgi.py`), modules with an
    `if __name__ == "__main__":` block, Alembic revision scripts and tests are left
    alone: relative imports do not work where a file is run or loaded by its path. Imports of other packages are never
    flagged.

    ## Why is this bad?
    *Explore Flask* 2.2.2: with relative imports "you can rename your package and
    re-use modules from other projects without the need to update the hard-coded
    import statements". A project that mixes both spellings is also easy to break
    with two copies of one module (`app.models` and `models`) when it is run from
    another folder.

    ## Example
    ```python
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)
    # file: yourapp/models.py
    class User:
        pass
    # file: yourapp/views.py
    from yourapp.models import User  # [FL501]
    import yourapp.models as models  # [FL501]
    ```

    ## Use instead
    ```python
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)
    # file: yourapp/models.py
    class User:
        pass
    # file: yourapp/views.py
    from .models import User
    from . import models
    # file: run.py
    from yourapp import app
    ```

    ## Options
    `import-style`: `"relative"` (default) flags absolute imports of the package's
    own modules; `"absolute"` flags relative imports and fixes them to absolute ones.

    ## Fix safety
    The fix rewrites only the module name (`yourapp.models` to `.models`,
    `yourapp` to `..` one level down), keeping aliases, comments and parenthesised
    multi-line name lists; `import yourapp.models as m` becomes
    `from . import models as m`. `import yourapp.models` without an alias binds
    `yourapp` and is reported without a fix.

    The fix is unsafe (applied only with `--unsafe-fixes`): it changes style, not a
    defect, and a relative import does change behaviour when the module is also run
    as a script (`python yourapp/views.py` then fails with "attempted relative import
    with no known parent package").

    ## References
    - *Explore Flask* 2.2.2, "Relative imports"
    - PEP 328, "Imports: Multi-Line and Absolute/Relative"
    """

    code = "FL501"
    name = "absolute-self-import"
    severity = Severity.WARNING
    help = "Import the package's own modules in the configured `import-style` (relative by default: `from .models import User`)."
    fixable = True
    fix_safety = UNSAFE
    tags = ("style",)
    precision = "very-high"  # the import's spelling is read from the source
    #: Decided from CPython's tree: import statements need no LibCST parse.
    uses_cst = False

    @classmethod
    def applies(cls, text: str, facts: ModuleFacts) -> bool:
        """Return whether the file is a package module that imports its own package in some style.

        The style is checked later, where the configuration is known.
        """
        package = package_of(facts)
        if not package or is_test_path(facts.path) or _MAIN_GUARD.search(text) or is_migration(facts):
            return False
        top = package.split(".")[0]
        return any(imp.level > 0 or imp.module.split(".")[0] == top for imp in facts.imports)

    def check(self) -> None:
        """Check every import statement of the file, nested ones included."""
        package = package_of(self.context.facts)
        absolute = self.context.config.import_style == "absolute"
        for stmt in statements(self.context.tree.body, into_scopes=True):
            if isinstance(stmt, ast.ImportFrom):
                if absolute and stmt.level:
                    self.to_absolute(stmt, package)
                elif not absolute and not stmt.level and _top(stmt.module) == _top(package):
                    self.report_ast(stmt, f"Absolute import of `{stmt.module}` from inside its own package "
                                          f"`{_top(package)}`",
                                    fix=self.replace(module_span(self.context.source, stmt),
                                                     relative_name(package, stmt.module)))
            elif isinstance(stmt, ast.Import) and not absolute:
                self.check_import(stmt, package)

    def to_absolute(self, node: ast.ImportFrom, package: str) -> None:
        """Report a relative import when absolute ones are configured."""
        if node.level > len(package.split(".")):
            return  # beyond the top-level package: Python itself rejects it
        facts = self.context.facts
        target = resolve_relative(facts.module, facts.is_package, node.level, node.module)
        self.report_ast(node, f"Relative import of `{target}` while `import-style` is `absolute`",
                        fix=self.replace(module_span(self.context.source, node), target))

    def check_import(self, node: ast.Import, package: str) -> None:
        """Check ``import yourapp.models [as m]``."""
        for alias in node.names:
            parent, _, leaf = alias.name.rpartition(".")
            if not parent or _top(alias.name) != _top(package):
                continue
            fix = None
            if alias.asname is not None and len(node.names) == 1:
                fix = self.replace(self.context.source.span(node),
                                   f"from {relative_name(package, parent)} import {leaf} as {alias.asname}")
            self.report_ast(node, f"Absolute import of `{alias.name}` from inside its own package "
                                  f"`{_top(package)}`", fix=fix)

    @classmethod
    def replace(cls, span: Optional[tuple[tuple[int, int], tuple[int, int]]], text: str) -> Optional[Fix]:
        """Return the fix that replaces the source in ``span`` with ``text`` (none without a span)."""
        if span is None:
            return None
        (line, column), (end_line, end_column) = span
        return Fix(f"Rewrite as `{text}`" if text.startswith("from ") else f"Import from `{text}`",
                   (Edit(line, column, end_line, end_column, text),), applicability=cls.fix_safety)


def _top(dotted: Optional[str]) -> str:
    """Return the first name of a dotted module name ('' for None)."""
    return (dotted or "").split(".")[0]
