"""FL501 absolute-self-import."""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from typing import Optional

from ..facts import ModuleFacts
from ..facts.self_imports import KEY, ImportSite, PackageModule, Span
from ..findings import UNSAFE, Edit, Finding, Fix, Severity
from ..model.environment import NEEDS as ENVIRONMENT_NEEDS
from ..model.environment import NEVER, TESTS, Environment, environment
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule

#: Files that make a folder the root of a distribution.
PACKAGING_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
#: Files beside an ``env.py`` that say Alembic loads it by path.
ALEMBIC_FILES = ("alembic.ini", "script.py.mako")
#: Absolute self-imports, over a distribution's mostly absolute packages, that
#: make its absolute style a choice rather than a habit: a tutorial's
#: ``from app import db`` in two or three modules is not one.
ABSOLUTE_STYLE_MIN = 5
#: The remedy under the note of an absolute-style package.
NOTE_HELP = (
    'The book prefers relative imports: set `import-style = "relative"` in `[tool.flasklint]` to have '
    'each one reported with a fix, or `import-style = "absolute"` to keep this style.'
)


def package_of(facts: ModuleFacts) -> str:
    """Return the package a module belongs to (itself for an ``__init__``), '' outside packages."""
    return facts.module if facts.is_package else facts.module.rpartition(".")[0]


def relative_name(package: str, target: str) -> str:
    """Return the relative spelling of ``target`` seen from ``package`` (``..models``)."""
    here, there = package.split("."), target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


def within(module: str, package: str) -> bool:
    """Return whether ``module`` is ``package`` or lies inside it."""
    return module == package or module.startswith(package + ".")


class PackageLayout:
    """Which distribution each module belongs to, and which package is really its own.

    A distribution is the nearest folder holding a packaging file; the
    project root is one too. Module names come from the project's namer, so a
    namespace package without ``__init__.py`` is already left out of them.
    """

    def __init__(self, project: ProjectFacts):
        files = project.project.all_files
        self.folders = {posixpath.dirname(rel) for rel in files}
        self.files = set(files)
        # A ``setup.py`` inside a package is one of its modules, not a distribution.
        self.roots = {
            folder
            for folder in (posixpath.dirname(rel) for rel in files if posixpath.basename(rel) in PACKAGING_FILES)
            if posixpath.join(folder, "__init__.py") not in self.files
        }
        self._distribution: dict[str, str] = {}
        #: Package ``__init__`` facts per (distribution, package name).
        self.inits: dict[tuple[str, str], ModuleFacts] = {}
        #: The distributions that hold a package or modules below it, per package name.
        self.spread: dict[str, set[str]] = defaultdict(set)
        for facts in project.modules:
            where = self.distribution(facts.path)
            if facts.is_package:
                self.inits[where, facts.module] = facts
            parts = facts.module.split(".")
            for end in range(1, len(parts) + 1):
                self.spread[".".join(parts[:end])].add(where)

    def distribution(self, path: str) -> str:
        """Return the root-relative folder of the distribution holding ``path`` ('' for the root)."""
        folder = posixpath.dirname(path)
        if folder not in self._distribution:
            top = not folder or posixpath.dirname(folder) == folder  # the root, or "/" for a folder given outside it
            self._distribution[folder] = folder if folder in self.roots or top else self.distribution(folder)
        return self._distribution[folder]

    def is_namespace(self, package: str, where: str) -> bool:
        """Return whether ``package`` of distribution ``where`` is a namespace shared with other distributions.

        Its ``__init__`` declares one, or is empty while another distribution
        holds modules of the same package.
        """
        init = self.inits.get((where, package))
        if init is None:
            return False
        known = init.get(KEY)
        if known is not None and known.declares_namespace:
            return True
        return not init.bindings and not init.imports and bool(self.spread[package] - {where})

    def own_package(self, facts: ModuleFacts) -> tuple[str, str]:
        """Return the package a module really belongs to, its outermost one that is not a namespace, and its folder."""
        where = self.distribution(facts.path)
        parts = package_of(facts).split(".")
        end = next(
            (end for end in range(1, len(parts)) if not self.is_namespace(".".join(parts[:end]), where)), len(parts)
        )
        folder = posixpath.dirname(facts.path)
        for _ in range(len(parts) - end):
            folder = posixpath.dirname(folder)
        return ".".join(parts[:end]), folder

    def is_inside(self, target: str, package: str, folder: str) -> bool:
        """Return whether module ``target`` of ``package`` is a file or folder in the package's ``folder``.

        Only modules that are there can be imported relatively; a namespace
        package's sibling installed from elsewhere is not.
        """
        path = posixpath.join(folder, *target.split(".")[package.count(".") + 1 :])
        return path + ".py" in self.files or path in self.folders

    def is_alembic_env(self, path: str) -> bool:
        """Return whether ``path`` is an Alembic ``env.py``: beside its ini or template, or a ``versions/`` folder."""
        folder, name = posixpath.split(path)
        return name == "env.py" and (
            any(posixpath.join(folder, beside) in self.files for beside in ALEMBIC_FILES)
            or posixpath.join(folder, "versions") in self.folders
        )


class AbsoluteSelfImport(ProjectRule):
    """A module imports its own package's modules by absolute name.

    ## What it does
    Inside a package, flags imports that spell the package's own name:
    `from yourapp.models import User` or `import yourapp.models as models` in
    `yourapp/views.py`. Scripts outside any package (`run.py`, `manage.py`,
    `wsgi.py`), modules with an `if __name__ == "__main__":` block, Alembic
    revision scripts and `env.py` (a file Alembic loads by path: an `env.py`
    beside `alembic.ini` or `script.py.mako`, or beside a `versions/` folder) and
    tests are left alone: relative imports do not work where a file is run or
    loaded by its path. Imports of other packages are never flagged, and only
    the packages of a Flask application are judged (code that imports Flask, and
    what it imports): a Django project or a plain-Python package beside a Flask
    service keeps its own conventions.

    What "own package" means: the top-level package of the module, within its
    distribution (the nearest folder with a `pyproject.toml`, `setup.py` or
    `setup.cfg`), and only imports of modules that are files or folders in that
    package's folder (a module built or installed elsewhere is not). A namespace
    package shared by separate distributions (`acme-api/src/acme/api/` and
    `acme-storage/src/acme/storage/`, with an empty `acme/__init__.py` in both, or
    one that calls `pkgutil.extend_path` or `pkg_resources.declare_namespace`) is
    not anyone's own package: the own package of `acme/api/views.py` is
    `acme.api`, and `from acme.storage import Bucket` there is left alone.

    By default (`import-style = "detect"`) each package keeps the style it has
    chosen. A package whose own imports are mostly absolute (more absolute
    self-imports than relative ones, in a distribution whose mostly absolute
    packages hold at least 5) is an absolute-style package: it gets one `info`
    note, at the first absolute self-import of its `__init__.py` (or of its
    first module), with the count and the setting that enforces the book's
    style, and `info` fails a run only with `fail-on = "info"`. Every other
    package (mostly relative, or only a few absolute self-imports, as in a
    tutorial's `from app import db`) gets one warning per absolute
    self-import: the minority style is reported. Relative imports are never
    reported by default. A project of several absolute-style top-level packages
    (one distribution) gets one note for all of them.

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
    `import-style`: `"detect"` (default) decides per package as above;
    `"relative"` enforces the book's style, one warning with a fix per absolute
    self-import, whatever the package's style; `"absolute"` flags relative
    imports instead and fixes them to absolute ones.

    ruff's `ban-relative-imports` (`[tool.ruff.lint.flake8-tidy-imports]`, or
    the older `[tool.ruff.flake8-tidy-imports]`, in the project's
    `pyproject.toml`, `ruff.toml` or `.ruff.toml`) is honoured so that the two
    tools never ask for opposite rewrites: with `"all"` FL501 reports nothing
    unless `import-style = "absolute"`; with `"parents"` it never asks for an
    import that starts with `..`.

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
    - *Explore Flask* 2.2.2, ["Relative imports"](https://exploreflask.com/en/latest/conventions.html)
    - [PEP 328, "Imports: Multi-Line and Absolute/Relative"](https://peps.python.org/pep-0328/)
    """

    code = "FL501"
    needs = (KEY, *ENVIRONMENT_NEEDS)
    name = "absolute-self-import"
    severity = Severity.WARNING
    help = (
        "Import the package's own modules relatively (`from .models import User`), as the rest of the "
        "package does; `import-style` sets one style for the whole project."
    )
    fixable = True
    fix_safety = UNSAFE
    tags = ("style",)
    precision = "very-high"  # the import's spelling is read from the source

    def check(self, project: ProjectFacts) -> Iterator[Finding]:
        """Decide package by package, over the modules FL501 may judge."""
        style, ban = project.config.import_style, project.config.ruff_ban_relative_imports
        if ban == "all" and style != "absolute":
            return
        layout = PackageLayout(project)
        env = environment(project)
        packages: dict[tuple[str, str, str], list[tuple[ModuleFacts, PackageModule]]] = defaultdict(list)
        for facts in env.flask_modules(tests=True):
            known = facts.get(KEY)
            if known is None or not package_of(facts) or self.left_alone(facts, known, layout, env):
                continue
            key = (layout.distribution(facts.path), *layout.own_package(facts))
            packages[key].append((facts, known))
        styles = {}
        for (where, package, folder), modules in packages.items():
            relative = [(facts, site) for facts, known in modules for site in known.sites if site.level]
            absolute = [
                (facts, site)
                for facts, known in modules
                for site in known.sites
                if not site.level
                and within(site.target, package)
                and layout.is_inside(site.target, package, folder)
                and self.may_be_relative(facts, site, ban)
            ]
            styles[where, package, folder] = relative, absolute
        #: Per distribution, the absolute self-imports of its mostly absolute packages: its evidence of a style.
        evidence: dict[str, int] = defaultdict(int)
        for (where, _, _), (relative, absolute) in styles.items():
            if len(absolute) > len(relative):
                evidence[where] += len(absolute)
        #: Per distribution, its absolute-style packages: one note for all of them.
        noted: dict[str, list[tuple[str, list[tuple[ModuleFacts, ImportSite]], int]]] = defaultdict(list)
        for (where, package, _), (relative, absolute) in sorted(styles.items()):
            if style == "absolute":
                yield from (
                    self.relative_import(facts, site)
                    for facts, site in relative
                    if site.level <= len(package_of(facts).split("."))
                )
            elif style == "detect" and len(absolute) > len(relative) and evidence[where] >= ABSOLUTE_STYLE_MIN:
                noted[where].append((package, absolute, len(relative)))
            else:
                yield from (self.absolute_import(facts, site, package) for facts, site in absolute)
        for where in sorted(noted):
            yield self.style_note(noted[where])

    @staticmethod
    def left_alone(facts: ModuleFacts, known: PackageModule, layout: PackageLayout, env: Environment) -> bool:
        """Return whether a module is run or loaded by its path, or a test.

        Relative imports fail or do not matter there.

        Tests and Alembic revision scripts are what the environment model
        calls ``tests`` and ``never``.
        """
        return env.stage(facts) in (TESTS, NEVER) or known.runs_as_script or layout.is_alembic_env(facts.path)

    @staticmethod
    def may_be_relative(facts: ModuleFacts, site: ImportSite, ban: str) -> bool:
        """Return whether an absolute self-import may be written relatively.

        With ruff's ``ban-relative-imports = "parents"`` only imports from the
        module's own package (one dot) may.
        """
        return ban != "parents" or not relative_name(package_of(facts), _imported_package(site)).startswith("..")

    def absolute_import(self, facts: ModuleFacts, site: ImportSite, package: str) -> Finding:
        """Return the finding for an absolute self-import, with its rewrite."""
        here = package_of(facts)
        rewrite = relative_name(here, _imported_package(site))
        if not site.is_from:
            rewrite = f"from {rewrite} import {site.target.rpartition('.')[2]} as {site.alias}"
        return self.at(
            facts,
            site.statement,
            f"Absolute import of `{site.target}` from inside its own package `{package}`",
            fix=self.replace(site.written, rewrite),
        )

    def relative_import(self, facts: ModuleFacts, site: ImportSite) -> Finding:
        """Return the finding for a relative import when absolute ones are configured.

        Imports beyond the top-level package are not asked for: Python itself rejects them.
        """
        return self.at(
            facts,
            site.statement,
            f"Relative import of `{site.target}` while `import-style` is `absolute`",
            fix=self.replace(site.written, site.target),
        )

    def style_note(self, packages: list[tuple[str, list[tuple[ModuleFacts, ImportSite]], int]]) -> Finding:
        """Return the one note of a distribution's absolute-style packages.

        It stands at the first absolute self-import of the first package's
        ``__init__`` (or first module), and counts the imports of them all.
        """
        package, first, _ = packages[0]
        facts, site = min(first, key=lambda pair: (pair[0].module != package, pair[0].path, pair[1].statement))
        absolute = [pair for _, imports, _ in packages for pair in imports]
        relative = sum(count for _, _, count in packages)
        modules = len({facts.path for facts, _ in absolute})
        others = f"{relative} relative" if relative else "none relative"
        if len(packages) == 1:
            who = f"Package `{package}` imports its own modules"
        else:
            names = [f"`{name}`" for name, _, _ in packages]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            who = f"{len(packages)} packages ({shown}) import their own modules"
        note = self.at(
            facts,
            site.statement,
            f"{who} by absolute name: {_count(len(absolute), 'import')} in {_count(modules, 'module')}, {others}",
        )
        return dataclasses.replace(note, severity=Severity.INFO, help=NOTE_HELP)

    def at(self, facts: ModuleFacts, span: Span, message: str, **kwargs) -> Finding:
        """Return a finding of this rule at ``span`` of a module."""
        line, column, end_line, end_column = span
        return self.finding(facts.path, (line, column), (end_line, end_column), message, **kwargs)

    @classmethod
    def replace(cls, span: Optional[Span], text: str) -> Optional[Fix]:
        """Return the fix that replaces the source in ``span`` with ``text`` (none without a span)."""
        if span is None:
            return None
        line, column, end_line, end_column = span
        return Fix(
            f"Rewrite as `{text}`" if text.startswith("from ") else f"Import from `{text}`",
            (Edit(line, column, end_line, end_column, text),),
            applicability=cls.fix_safety,
        )


def _imported_package(site: ImportSite) -> str:
    """Return the module a rewrite imports from: the target of a ``from`` import, the parent of ``import a.b``."""
    return site.target if site.is_from else site.target.rpartition(".")[0]


def _count(number: int, noun: str) -> str:
    """Return ``1 import`` or ``3 imports``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
