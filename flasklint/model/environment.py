"""Where code runs: whether it belongs to a Flask application, and in which environment.

The one place that answers, for a module or any file of the project:

*Does it belong to a Flask application?* A module does when it imports
Flask or a Flask extension (``flask``, ``flask.ext``, ``flask_*``,
``apiflask``); when it imports such a module or binds a Flask app or
blueprint from one (``wsgi.py``'s ``from yourapp import app``); when it lies
in the package (or, outside packages, the folder) of such a module; and when
any of these imports it, directly or not, or loads it by name
(``from_object("config.Config")``, ``from_pyfile("settings.py")``). A
Django project is not Flask's: a module that imports ``django`` (and not
Flask), or lies in the tree of a Django project (the folder of a
``manage.py`` that imports Django, or the source root of a settings module
that defines ``INSTALLED_APPS``) when no Flask code sits deeper in that
tree. Nothing else is Flask's either: a plain-Python package that no Flask
code reaches is left to other tools. A file that is not Python belongs to
the Flask application when the nearest folder above it that holds Python
modules holds Flask ones (outside the trees of Django projects that hold no
Flask code; at the root, when the project has Flask code at all).

*Does it run in production, development, tests, or never?* Tests: a file
under a ``tests``/``test``/``testing`` folder, ``test_*``, ``*_test``,
``*_tests``, ``tests``, ``conftest``. Development: a file, folder, class,
guard or registration whose words are among ``dev-config-names``. Never: an
Alembic revision script (Alembic loads it by path, outside the app), and the
examples and documentation shipped beside a project's own code (a file under
an ``examples``/``example``/``docs``/``doc`` folder below the root, when
packages or Flask code lie outside such folders): the production config rules
and FL501 treat them as they treat tests, while a secret written there still
counts (readers copy it). A project that is all example (a tutorial linted as
its own root) is linted as any other. Production: everything else. Config units (:mod:`flasklint.model.config`)
and secrets (:mod:`flasklint.model.secrets`) ask here.

Rules ask :func:`environment` for the shared instance, built once per run.
"""

from __future__ import annotations

import ast
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Optional, Union

from ..facts import ModuleFacts
from ..facts.config import KEY as CONFIG
from ..flask_context import ROUTE_OWNERS, split_path, words

if TYPE_CHECKING:
    from .project_facts import ProjectFacts

PRODUCTION = "production"
DEVELOPMENT = "development"
TESTS = "tests"
NEVER = "never"
#: Why a configuration is not production, besides :data:`TESTS` (:meth:`Environment.config_not_production`).
NAMED = "named"
DEVELOPMENT_FILE = "development file"
REGISTERED = "registered"

#: The per-file facts this model reads (configuration loads follow ``from_object``).
NEEDS = (CONFIG,)

#: Folders that hold tests.
TEST_FOLDERS = frozenset({"tests", "test", "testing"})
#: Words that make a configuration, a guard or a folder a test one.
TEST_WORDS = frozenset({"test", "tests", "testing", "unittest", "pytest"})
#: Words in a name that say production.
PRODUCTION_WORDS = frozenset({"production", "prod"})
#: Folders that hold examples and documentation snippets shipped beside a project.
EXAMPLE_FOLDERS = frozenset({"examples", "example", "docs", "doc"})
#: Top-level packages that are Flask, besides ``flask`` and ``flask_*`` extensions.
FLASK_PACKAGES = frozenset({"flask", "apiflask"})


@lru_cache(maxsize=65536)
def is_test_path(path: str) -> bool:
    """Return whether a root-relative path belongs to the tests.

    A file under a ``tests``/``test``/``testing`` folder, ``test_*``,
    ``*_test``, ``*_tests``, ``tests`` and ``conftest``.
    """
    folders, _, stem = split_path(path)
    return (
        any(p in TEST_FOLDERS for p in folders)
        or stem.startswith("test_")
        or stem.endswith(("_test", "_tests"))
        or stem in ("conftest", "tests")
    )


def in_tests(path: str) -> bool:
    """Return whether a file belongs to the tests: :func:`is_test_path` for Python, the folders for the others.

    ``yaml_test.html`` is a page about a test, not a test: only folders count
    for templates and other files.
    """
    if path.endswith(".py"):
        return is_test_path(path)
    return any(part in TEST_FOLDERS for part in path.split("/")[:-1])


def test_named(name: str) -> bool:
    """Return whether a class name, a path or an ``if`` test says testing."""
    return bool(words(name.replace("/", " ").replace(".", " ")) & TEST_WORDS) or name.startswith("def test")


def is_flask_module_name(name: str) -> bool:
    """Return whether an imported module is Flask or a Flask extension (``flask.ext.login``, ``flask_login``)."""
    head = name.partition(".")[0]
    return head in FLASK_PACKAGES or head.startswith("flask_")


def imports_flask(facts: ModuleFacts) -> bool:
    """Return whether a module imports Flask or a Flask extension."""
    return any(is_flask_module_name(imp.module) for imp in facts.imports)


def imports_django(facts: ModuleFacts) -> bool:
    """Return whether a module imports Django."""
    return any(imp.module.partition(".")[0] == "django" for imp in facts.imports)


def is_alembic_revision(facts: ModuleFacts) -> bool:
    """Return whether a module is an Alembic revision script, which Alembic loads by file path."""
    return "revision" in facts.bindings and "down_revision" in facts.bindings


def source_root(facts: ModuleFacts) -> str:
    """Return the folder a module's name is counted from (the folder above its top-level package)."""
    folder = posixpath.dirname(facts.path)
    for _ in range(facts.module.count(".") + (1 if facts.is_package else 0)):
        folder = posixpath.dirname(folder)
    return folder


def within(path: str, folder: str) -> bool:
    """Return whether a root-relative ``path`` lies in ``folder`` ('' is the root)."""
    return not folder or path.startswith(folder + "/")


class Environment:
    """The answers of this module for one project, worked out once."""

    def __init__(self, project: ProjectFacts):
        self.project = project
        self.dev_words = {w.lower() for w in project.config.dev_config_names}
        self._dev_paths: dict[str, bool] = {}
        modules = project.modules
        self._roots: dict[str, str] = {}
        self._imported: dict[str, list[ModuleFacts]] = {}
        self.by_name: dict[str, list[ModuleFacts]] = defaultdict(list)
        for facts in modules:
            self.by_name[facts.module].append(facts)
        self.django_roots = self._django_roots(modules)
        self.package_folders = {posixpath.dirname(facts.path) for facts in modules if facts.is_package}
        self.example_folders = self._example_folders(modules)
        direct = [facts for facts in modules if imports_flask(facts)]
        #: Folders that hold Flask code: the package folder of each module that imports Flask, and the
        #: folder its top-level package is imported from (``config.py`` and ``wsgi.py`` beside the package).
        self.flask_folders = {
            folder for facts in direct for folder in (posixpath.dirname(facts.path), self.source_root(facts))
        }
        self.flask: set[str] = self._flask_region(direct)
        #: Whether any code of the project belongs to a Flask application.
        self.uses_flask = bool(self.flask)
        self.module_folders = {posixpath.dirname(facts.path) for facts in modules}
        self.flask_module_folders = {posixpath.dirname(path) for path in self.flask}

    # ------------------------------------------------------------ building

    @staticmethod
    def _django_roots(modules: Iterable[ModuleFacts]) -> set[str]:
        """Return the folders of Django projects: beside a Django ``manage.py``, above an ``INSTALLED_APPS`` module."""
        roots = set()
        for facts in modules:
            if posixpath.basename(facts.path) == "manage.py" and imports_django(facts):
                roots.add(posixpath.dirname(facts.path))
            elif "INSTALLED_APPS" in facts.bindings and not imports_flask(facts):
                roots.add(source_root(facts))
        return roots

    def _example_folders(self, modules: Iterable[ModuleFacts]) -> set[str]:
        """Return the outermost example and documentation folders, when the project has its own code elsewhere.

        Its own code is a package or a module importing Flask outside every
        such folder (and outside the tests): without it, the examples are the
        project. An ``examples`` subpackage of a package is that package's code.
        """
        folders = {
            folder
            for facts in modules
            if (folder := example_folder(facts.path)) and posixpath.dirname(folder) not in self.package_folders
        }
        own_code = any(
            (facts.is_package or imports_flask(facts))
            and not is_test_path(facts.path)
            and not any(within(facts.path, folder) for folder in folders)
            for facts in modules
        )
        return folders if own_code else set()

    def is_example(self, path: str) -> bool:
        """Return whether a file is an example or documentation snippet beside the project's own code."""
        return any(within(path, folder) for folder in self.example_folders)

    def in_django_tree(self, path: str) -> bool:
        """Return whether ``path`` lies in a Django project's tree, with no folder of Flask code as deep or deeper."""
        django = max((len(r) for r in self.django_roots if within(path, r)), default=-1)
        return django >= 0 and not any(len(f) >= django and within(path, f) for f in self.flask_folders)

    def in_django_only_tree(self, path: str) -> bool:
        """Return whether ``path`` lies in a Django project's tree that holds no Flask code at all.

        A file at the root of a Django project that also holds a Flask service
        (a ``docker-compose.yml`` for both) may be the Flask app's.
        """
        roots = [root for root in self.django_roots if within(path, root)]
        if not roots:
            return False
        deepest = max(roots, key=len)
        return not any(folder == deepest or within(folder, deepest) for folder in self.flask_folders)

    def excluded(self, facts: ModuleFacts) -> bool:
        """Return whether a module is some other framework's, whatever reaches it."""
        return not imports_flask(facts) and (imports_django(facts) or self.in_django_tree(facts.path))

    def _flask_region(self, direct: list[ModuleFacts]) -> set[str]:
        """Return the paths of the modules that belong to a Flask application."""
        index = self.project.index
        direct_paths = {facts.path for facts in direct}
        seeds = list(direct)
        for facts in self.project.modules:
            if facts.path in direct_paths or self.excluded(facts):
                continue
            if any(target.path in direct_paths for target in self.imported(facts)) or self.binds_flask_object(
                facts, index
            ):
                seeds.append(facts)
        region: set[str] = set()
        pending = seeds + [facts for facts in self.project.modules if self.in_flask_package(facts)]
        while pending:
            facts = pending.pop()
            if facts.path in region or self.excluded(facts):
                continue
            region.add(facts.path)
            pending.extend(self.imported(facts))
            pending.extend(self.loaded(facts))
        return region

    def in_flask_package(self, facts: ModuleFacts) -> bool:
        """Return whether a module lies in a folder of Flask code: directly, or anywhere in such a package."""
        folders = folders_above(facts.path)
        if next(folders) in self.flask_folders:
            return True
        return any(folder in self.flask_folders and folder in self.package_folders for folder in folders)

    def imported(self, facts: ModuleFacts) -> list[ModuleFacts]:
        """Return the project modules a module imports (their parent packages too), from its own source root first.

        Worked out once per module: building the region asks twice.
        """
        if facts.path not in self._imported:
            self._imported[facts.path] = list(self._find_imported(facts))
        return self._imported[facts.path]

    def _find_imported(self, facts: ModuleFacts) -> Iterator[ModuleFacts]:
        """Yield what :meth:`imported` returns."""
        root = self.source_root(facts)
        for imp in facts.imports:
            names = [imp.module, *(f"{imp.module}.{name}" for name, _ in imp.names if name != "*")]
            parts = imp.module.split(".")
            names += [".".join(parts[:end]) for end in range(1, len(parts))]
            for name in names:
                found = self.by_name.get(name)
                if found:
                    near = [target for target in found if self.source_root(target) == root]
                    yield from near or found

    def loaded(self, facts: ModuleFacts) -> Iterator[ModuleFacts]:
        """Yield the modules a module loads as configuration by a string (``from_object``, ``from_pyfile``)."""
        config = facts.get(CONFIG)
        for load in config.loads if config is not None else ():
            kind, _, text = load.argument.partition(":")
            if kind != "str":
                continue
            if load.method == "from_object":
                parts = text.split(".")
                for end in range(len(parts), 0, -1):
                    yield from self.by_name.get(".".join(parts[:end]), ())
            elif load.method == "from_pyfile":
                name = text.replace("\\", "/").lstrip("./")
                yield from (m for m in self.project.modules if m.path == name or m.path.endswith("/" + name))

    @staticmethod
    def binds_flask_object(facts: ModuleFacts, index) -> bool:
        """Return whether a module binds, at module level, a Flask app or blueprint it imports."""
        prefix = f"{facts.module}." if facts.module else ""
        return any(
            value.is_ref and "." not in key and index.instance_of(prefix + key) in ROUTE_OWNERS
            for key, value in facts.bindings.items()
        )

    def source_root(self, facts: ModuleFacts) -> str:
        """Return :func:`source_root` of a module, worked out once per path."""
        if facts.path not in self._roots:
            self._roots[facts.path] = source_root(facts)
        return self._roots[facts.path]

    # ------------------------------------------------------------ belonging

    def is_flask(self, where: Union[ModuleFacts, str]) -> bool:
        """Return whether a module (its facts or its path) or any file belongs to a Flask application."""
        path = where.path if isinstance(where, ModuleFacts) else where
        if path in self.flask:
            return True
        if path.endswith(".py") or self.in_django_only_tree(path):
            return False
        for folder in folders_above(path):
            if folder in self.module_folders and folder:  # files at the root go with the project
                return folder in self.flask_module_folders
        return self.uses_flask

    def flask_modules(self, tests: bool = False) -> list[ModuleFacts]:
        """Return the modules that belong to a Flask application, tests only with ``tests``."""
        return [
            facts
            for facts in self.project.modules
            if facts.path in self.flask and (tests or not is_test_path(facts.path))
        ]

    # ------------------------------------------------------------ environment

    def stage(self, where: Union[ModuleFacts, str]) -> str:
        """Return where a module or file runs: ``production``, ``development``, ``tests`` or ``never``."""
        path = where.path if isinstance(where, ModuleFacts) else where
        if (isinstance(where, ModuleFacts) and is_alembic_revision(where)) or self.is_example(path):
            return NEVER
        if is_test_path(path):
            return TESTS
        return DEVELOPMENT if self.is_dev_path(path) else PRODUCTION

    def dev_named(self, name: str) -> bool:
        """Return whether a name says development or testing (the words of ``dev-config-names``)."""
        found = words(name)
        return bool(found & self.dev_words or {w[:-1] for w in found if w.endswith("s")} & self.dev_words)

    def production_named(self, name: str) -> bool:
        """Return whether a name says production (``ProductionConfig``, ``prod``)."""
        return bool(words(name) & PRODUCTION_WORDS)

    def side_of_name(self, name: str) -> Optional[str]:
        """Return ``production`` or ``development`` when ``name`` says one of them (and not both), else None."""
        production, development = self.production_named(name), self.dev_named(name)
        if production != development:
            return PRODUCTION if production else DEVELOPMENT
        return None

    def side_of_test(self, test: str) -> Optional[str]:
        """Return the environment an ``if`` test selects: ``ENV == "production"``, ``not is_dev``, ``env != "dev"``.

        A comparison with string literals (``os.getenv("ENV", "production") ==
        "development"`` compares with ``"development"``: the arguments of a call
        do not count), or a bare name, says production or development through
        its words; ``not`` and ``!=`` turn production into
        development (not production) and development into production (what
        runs when development does not). None when the test says neither.
        """
        try:
            node = ast.parse(test, mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return None
        negated = False
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            node, negated = node.operand, not negated
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            if isinstance(node.ops[0], (ast.NotEq, ast.NotIn, ast.IsNot)):
                negated = not negated
            elif not isinstance(node.ops[0], (ast.Eq, ast.In, ast.Is)):
                return None
            literals = [
                n.value
                for side in (node.left, node.comparators[0])
                for n in (side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side])
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            side = self.side_of_name(" ".join(literals)) if literals else None
        elif isinstance(node, (ast.Name, ast.Attribute)):
            side = self.side_of_name(ast.unparse(node))
        else:
            return None
        if side is None or not negated:
            return side
        return DEVELOPMENT if side == PRODUCTION else PRODUCTION

    def is_dev_guard(self, test: str) -> bool:
        """Return whether an ``if`` test guards development or test code (its words, ``__main__``)."""
        return self.dev_named(test) or "__main__" in test

    def is_dev_path(self, path: str) -> bool:
        """Return whether a file is a test, development or example file by its path."""
        return self.named_dev_path(path) or self.is_example(path)

    def named_dev_path(self, path: str) -> bool:
        """Return whether a file is a test or development file by the names on its path (decided once per path)."""
        if path not in self._dev_paths:
            folders, _, stem = split_path(path)
            self._dev_paths[path] = is_test_path(path) or any(self.dev_named(p) for p in (*folders, stem))
        return self._dev_paths[path]

    def is_dev_code(self, path: str, places: Iterable[str]) -> bool:
        """Return whether code in ``path`` inside ``places`` (scope names, ``if`` tests) is for development or tests."""
        return self.is_dev_path(path) or any(self.dev_named(place) for place in places)

    def counts_secrets(self, path: str, tests: bool) -> bool:
        """Return whether secrets in ``path`` count: not a development or test file (test ones with ``tests``).

        Examples count: what an example ships is what its readers copy.
        """
        dev = self.named_dev_path(path) or self.dev_named(posixpath.basename(path).replace(".", " "))
        return not dev or (tests and (is_test_path(path) or test_named(path)))

    def counts_secrets_under(self, guards: Iterable[str], tests: bool) -> bool:
        """Return whether secrets set under the ``if`` tests ``guards`` count (test ones with ``tests``)."""
        return all(not self.dev_named(g) or (tests and test_named(g)) for g in guards)

    def config_not_production(
        self, path: str, class_name: Optional[str], registered: list[str], loaded: bool
    ) -> Optional[str]:
        """Return why a configuration (a config module or class) does not run in production, or None.

        :data:`TESTS` under tests; :data:`NAMED` when its class is named for
        development or testing; :data:`DEVELOPMENT_FILE` in a development or
        test file; :data:`REGISTERED` when the config dicts list it only
        under such keys (``registered``) and no ``from_object`` loads it.
        """
        if is_test_path(path):
            return TESTS
        if class_name is not None and self.dev_named(class_name):
            return NAMED
        if self.is_dev_path(path):
            return DEVELOPMENT_FILE
        if registered and all(self.dev_named(key) for key in registered) and not loaded:
            return REGISTERED
        return None

    @staticmethod
    def is_test_config(path: str, class_name: Optional[str], registered: list[str], loaded: bool) -> bool:
        """Return whether a configuration is a test one.

        Under tests, in a file or class named for testing, or listed in a
        config dict only under test keys (``registered``) and loaded by no
        ``from_object``.
        """
        if is_test_path(path) or test_named(path) or (class_name is not None and test_named(class_name)):
            return True
        return bool(registered) and not loaded and all(test_named(key) for key in registered)


def example_folder(path: str) -> str:
    """Return the outermost folder of a root-relative path named as examples or docs, or ``''``."""
    if path.startswith("/"):
        return ""
    parts = path.split("/")[:-1]
    for end, part in enumerate(parts, 1):
        if part.lower() in EXAMPLE_FOLDERS:
            return "/".join(parts[:end])
    return ""


def folders_above(path: str) -> Iterator[str]:
    """Yield the folders that hold ``path``, nearest first, up to the root (``""``).

    A path outside the root (a folder given on the command line) is
    absolute: its folders end at ``/``, which is its own folder.
    """
    folder = posixpath.dirname(path)
    while True:
        yield folder
        parent = posixpath.dirname(folder)
        if parent == folder:
            return
        folder = parent


def environment(project: ProjectFacts) -> Environment:
    """Return the project's environment model, built once per run."""
    return project.memo("environment", lambda: Environment(project))
