"""FL501 absolute-self-import."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ..facts import ModuleFacts
from ..findings import Edit, Fix, Severity
from ..flask_context import cst_dotted, is_test_path, resolve_relative
from ..rule import FileRule

#: Modules meant to be run as scripts (``python yourapp/cli.py``), where
#: relative imports fail.
_MAIN_GUARD = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]", re.MULTILINE)


def package_of(facts: ModuleFacts) -> str:
    """Return the package a module belongs to (itself for an ``__init__``), '' outside packages."""
    return facts.module if facts.is_package else facts.module.rpartition(".")[0]


def is_migration(facts: ModuleFacts) -> bool:
    """Return whether a module is an Alembic revision script, which Alembic loads by file path."""
    return "revision" in facts.bindings and "down_revision" in facts.bindings


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
    `from . import models as m`. Both spellings import the same module, so
    behaviour is unchanged. `import yourapp.models` without an alias binds
    `yourapp` and is reported without a fix.

    ## References
    - *Explore Flask* 2.2.2, "Relative imports"
    - PEP 328, "Imports: Multi-Line and Absolute/Relative"
    """

    code = "FL501"
    name = "absolute-self-import"
    severity = Severity.WARNING
    help = "Import the package's own modules in the configured `import-style` (relative by default: `from .models import User`)."
    fixable = True
    tags = ("style",)
    triggers = ("import",)

    @classmethod
    def applies(cls, text: str, facts: ModuleFacts) -> bool:
        """Return whether the file is a package module that imports its own package in some style.

        The style is checked in the walk, where the configuration is known.
        """
        package = package_of(facts)
        if not package or is_test_path(facts.path) or _MAIN_GUARD.search(text) or is_migration(facts):
            return False
        top = package.split(".")[0]
        return any(imp.level > 0 or imp.module.split(".")[0] == top for imp in facts.imports)

    def wants_absolute(self) -> bool:
        """Return whether the configuration asks for absolute imports."""
        return self.context.config.import_style == "absolute"

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Check ``from X import ...``."""
        facts = self.context.facts
        package = package_of(facts)
        dotted = cst_dotted(node.module) if node.module is not None else None
        if self.wants_absolute():
            if node.relative:
                self.to_absolute(node, facts, package, dotted)
            return
        if node.relative or dotted is None or dotted.split(".")[0] != package.split(".")[0]:
            return
        relative = relative_name(package, dotted)
        self.report(node, f"Absolute import of `{dotted}` from inside its own package `{dotted.split('.')[0]}`",
                    fix=self.replace(node.module, node.module, relative))

    def to_absolute(self, node: cst.ImportFrom, facts: ModuleFacts, package: str, dotted: Optional[str]) -> None:
        """Report a relative import when absolute ones are configured."""
        level = len(node.relative)
        if level > len(package.split(".")):
            return  # beyond the top-level package: Python itself rejects it
        target = resolve_relative(facts.module, facts.is_package, level, dotted)
        first = node.relative[0]
        last = node.module if node.module is not None else node.relative[-1]
        self.report(node, f"Relative import of `{target}` while `import-style` is `absolute`",
                    fix=self.replace(first, last, target))

    def visit_Import(self, node: cst.Import) -> None:
        """Check ``import yourapp.models [as m]``."""
        if self.wants_absolute():
            return
        package = package_of(self.context.facts)
        for alias in node.names:
            dotted = cst_dotted(alias.name) or ""
            parent, _, leaf = dotted.rpartition(".")
            if not parent or dotted.split(".")[0] != package.split(".")[0]:
                continue
            fix = None
            if alias.asname is not None and len(node.names) == 1:
                asname = cst_dotted(alias.asname.name)
                fix = self.replace(node, node, f"from {relative_name(package, parent)} import {leaf} as {asname}")
            self.report(node, f"Absolute import of `{dotted}` from inside its own package `{dotted.split('.')[0]}`",
                        fix=fix)

    def replace(self, first: cst.CSTNode, last: cst.CSTNode, text: str) -> Fix:
        """Return the fix that replaces the source from ``first`` to ``last`` with ``text``."""
        start, end = self.context.position(first).start, self.context.position(last).end
        return Fix(f"Rewrite as `{text}`" if text.startswith("from ") else f"Import from `{text}`",
                   (Edit(start.line, start.column + 1, end.line, end.column + 1, text),))
