"""Secrets and version control: what is a secret, where secrets are written, what git keeps.

Shared by the FL3xx rules (book 2.3.2 "What to keep out of version control"
and 2.5.2 "Instance folder"). Secret values are read from the configuration
facts (:mod:`flasklint.facts.config`, :mod:`flasklint.facts.credentials`)
and from a few non-Python files (``.env``, shell scripts, ``alembic.ini``),
in the whole repository; which configuration is the Flask app's comes from
the configuration model (:mod:`flasklint.model.config`), and which code is
test or development code from the environment model
(:mod:`flasklint.model.environment`). Messages never show a secret: only
:func:`flasklint.findings.redact` of it.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Optional

from ..facts.config import Setting, evaluate, literal_of
from ..facts.credentials import KEY as CREDENTIALS
from ..facts.secrets import Literal, credential_uri, is_secret_key, issued_key, not_a_secret, secret_literal
from ..flask_context import FLASK_APP
from .config import NEEDS as CONFIG_NEEDS
from .config import ConfigModel, Unit, config_model
from .envfiles import assignments
from .environment import environment, is_test_path

if TYPE_CHECKING:
    from .project_facts import ProjectFacts

#: Keys that sign what the app hands out (sessions, tokens, CSRF tokens): FL305 judges their strength.
SIGNING_KEYS = frozenset({"SECRET_KEY", "JWT_SECRET_KEY", "WTF_CSRF_SECRET_KEY"})
#: Words of a file name (split on ``.``, ``-``, ``_``) that make it a template, committed on
#: purpose with empty or sample values: ``.env.example``, ``sample.env``, ``env.template``.
TEMPLATE_WORDS = frozenset(
    {"example", "examples", "sample", "samples", "template", "templates", "tmpl", "tpl", "dist", "default", "defaults"}
)
#: Words of a file name that make a template one of environment settings (``env.template``).
_ENV_WORDS = frozenset({"env", "flaskenv", "envrc"})
#: What sets a secret (:attr:`SecretValue.owner`), besides ``config class``, ``config module``
#: and ``settings module``: a class that is no config unit, a Flask app, an environment read
#: with a literal fallback, a git-ignored instance config file.
CLASS = "class"
APP = "app"
ENV_READ = "environment read"
INSTANCE_CONFIG = "instance config"

#: The per-file facts this model reads, the configuration model's included.
NEEDS = (*CONFIG_NEEDS, CREDENTIALS)
_INI_URL = re.compile(r"^\s*[\w.-]+\s*[=:]\s*(?P<value>\S+)\s*$")


def is_signing_key(name: str) -> bool:
    """Return whether a key signs sessions or tokens (``SECRET_KEY``, ``JWT_SECRET_KEY``, ``SECRET_KEY_HMAC``)."""
    return name in SIGNING_KEYS or (name.startswith("SECRET_KEY_") and is_secret_key(name))


def is_committed(project: ProjectFacts, rel: str) -> bool:
    """Return whether git tracks ``rel``; without git, whether no ``.gitignore`` covers it (inferred)."""
    tracked = project.project.tracked
    return rel in tracked if tracked is not None else rel in set(project.project.all_files)


# --------------------------------------------------------------------------
# Secret values written in Python
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretValue:
    """A literal secret: the key it is given to, the literal, the file, and in what.

    ``owner`` is the kind of what sets it (``config class``, :data:`APP` ...) and ``owner_name``
    its name (``Config``, the Flask app ``app``, a file's path); ``env`` is
    the variable it is the fallback of, if any.
    """

    key: str
    literal: Literal
    path: str
    owner: str
    owner_name: str
    env: Optional[str] = None

    @property
    def start(self) -> tuple[int, int]:
        """Return where the literal starts."""
        return self.literal.line, self.literal.column

    @property
    def end(self) -> tuple[int, int]:
        """Return where the literal ends."""
        return self.literal.end_line, self.literal.end_column


def _from_setting(setting: Setting, path: str, owner: str, name: str) -> Optional[SecretValue]:
    """Return the secret value a setting gives its key, if it is a literal."""
    if setting.literal is None:
        return None
    return SecretValue(setting.key, setting.literal, path, owner, name, setting.value.env)


def secret_values(project: ProjectFacts) -> list[SecretValue]:
    """Return every literal given to a secret-looking key in the project's Python files, once each.

    Production config units (their own assignments, overridden ones
    included), modules named like config modules, settings on a Flask app,
    and environment reads with a literal fallback (``os.environ.get("API_TOKEN",
    "...")``). Development and test configurations, files and guards are
    left out, since their keys are local defaults; test ones count when
    ``include-tests`` is set.
    """
    return project.memo("secret_values", lambda: _secret_values(project))


def _secret_values(project: ProjectFacts) -> list[SecretValue]:
    """Collect :func:`secret_values`."""
    model = config_model(project)
    tests = project.config.include_tests
    found: dict[tuple, SecretValue] = {}

    def add(value: Optional[SecretValue]) -> None:
        if value is not None:
            found.setdefault((value.path, value.start), value)

    for unit in model.units.values():
        if unit.production or (tests and unit.test):
            for setting in _own_settings(model, unit):
                if is_secret_key(setting.key):
                    add(_from_setting(setting, unit.path, f"config {unit.kind}", unit.name))
    for key, (module, facts) in model.facts.items():
        if not model.env.counts_secrets(module.path, tests):
            continue
        if model.is_config_module(module.path) and key not in model.units:
            kind = "config" if key in model.flask_facts else "settings"  # not the Flask app's configuration
            for setting in facts.module_settings:
                if is_secret_key(setting.key):
                    add(_from_setting(setting, module.path, f"{kind} module", module.path))
        for cls in facts.classes if model.is_config_module(module.path) else ():
            if cls.qualname not in model.units and not model.env.dev_named(cls.name):  # a pydantic settings class
                for setting in cls.settings:
                    if is_secret_key(setting.key):
                        add(_from_setting(setting, module.path, CLASS, cls.name))
        for app_setting in facts.app_settings:
            setting = app_setting.setting
            if (
                is_secret_key(setting.key)
                and model.is_flask_app(app_setting.receiver)
                and model.env.counts_secrets_under(setting.guards, tests)
            ):
                app = (app_setting.receiver or "").rpartition(".")[2]
                add(_from_setting(setting, module.path, APP, app))
        for read in facts.env_reads:
            if read.literal is not None and read.var and is_secret_key(read.var):
                add(SecretValue(read.var, read.literal, module.path, ENV_READ, "", read.var))
    return sorted(found.values(), key=lambda v: (v.path, v.start))


def _own_settings(model: ConfigModel, unit: Unit) -> list[Setting]:
    """Return every setting a unit writes itself, overridden ones included."""
    if unit.kind == "class":
        return list(model.classes[unit.qualname][0].settings)
    return list(model.facts[unit.qualname][1].module_settings)


def ignored_instance_keys(project: ProjectFacts) -> Iterator[SecretValue]:
    """Yield the literal ``SECRET_KEY`` of each git-ignored instance config file (read here, never linted)."""
    for rel in project.project.ignored_instance:
        try:
            tree = ast.parse(project.read_text(rel) or "")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "SECRET_KEY" for t in stmt.targets
            ):
                value = evaluate(stmt.value)
                literal = literal_of(stmt.value, value, "SECRET_KEY")
                if literal is not None:
                    yield SecretValue("SECRET_KEY", literal, rel, INSTANCE_CONFIG, rel, value.env)


def credential_uris(project: ProjectFacts) -> Iterator[tuple[str, Literal]]:
    """Yield ``(path, literal)`` for each URI with a password in Python files and ``.ini``/``.cfg`` files.

    Development and test files are left out as for every secret
    (:meth:`.Environment.counts_secrets`): their URIs point at local databases.
    """
    tests = project.config.include_tests
    env = environment(project)
    for module in project.modules:
        if env.counts_secrets(module.path, tests):
            for literal in module.get(CREDENTIALS) or ():
                yield module.path, literal
    for rel in project.project.all_files:
        if rel.endswith((".ini", ".cfg")) and env.counts_secrets(rel, tests):
            yield from ((rel, literal) for literal in ini_credentials(project.read_text(rel)))


def ini_credentials(text: Optional[str]) -> Iterator[Literal]:
    """Yield the ``key = scheme://user:password@host`` values of an ini file."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        match = _INI_URL.match(line)
        if match and not line.lstrip().startswith(("#", ";")) and credential_uri(match.group("value")):
            yield secret_literal(
                match.group("value"), "", number, match.start("value") + 1, number, match.end("value") + 1
            )


# --------------------------------------------------------------------------
# Secret assignments in environment files and scripts
# --------------------------------------------------------------------------


def _name_words(rel: str) -> set[str]:
    """Return the lower-case words of a file's name, split on ``.``, ``-`` and ``_``."""
    return set(re.split(r"[.\-_]", posixpath.basename(rel).lower())) - {""}


def is_template_name(rel: str) -> bool:
    """Return whether a file's name calls it a template (``.env.example``, ``docker/sample.web.env``)."""
    return bool(_name_words(rel) & TEMPLATE_WORDS)


def is_env_file(rel: str) -> bool:
    """Return whether a file sets environment variables.

    ``.env*``, ``*.env``, ``.flaskenv``, ``.envrc``, shell scripts, and
    templates of them (``env.template``, ``prod.env.example``).
    """
    name = posixpath.basename(rel)
    return (
        name.startswith(".env")
        or name == ".flaskenv"
        or name.endswith((".sh", ".bash", ".env"))
        or bool(_name_words(rel) & _ENV_WORDS and is_template_name(rel))
    )


def templates(project: ProjectFacts, paths: Iterable[str]) -> dict[str, str]:
    """Return ``{path: ""}`` or ``{path: "!pattern"}`` for the ``paths`` committed on purpose as templates.

    A template's name says so (:data:`TEMPLATE_WORDS`: ``sample.env``,
    ``.env.dist``, ``config.example.py``; the value is ``""``), or the
    ignore rules re-include it on purpose (the value is the pattern):
    ``.env*`` then ``!.env.local`` ignores every ``.env`` file but that one.
    Templates hold placeholders, which are not secrets; only a value that
    looks real (:func:`~flasklint.facts.secrets.looks_real`) counts there.
    """
    paths = list(paths)
    found = project.project.reincluded(paths)
    found.update((rel, "") for rel in paths if is_template_name(rel))
    return found


def env_secrets(text: Optional[str]) -> Iterator[tuple[str, Literal]]:
    """Yield ``(key, literal)`` for each secret-looking assignment of an env file or shell script.

    ``KEY=value``, ``export KEY="value"``, ``KEY: value``; comments, empty
    values, placeholders and references to other variables are skipped. A
    value holding a URI with a password, or in the format of a key a service
    issues (``AKIA...``, ``ghp_...``; not a documented stand-in such as
    ``AKIAIOSFODNN7EXAMPLE``), counts whatever its key.
    """
    for found in assignments(text or ""):
        key, value, start = found.key, found.value, found.value_column
        if not value or not_a_secret(value, key):
            continue
        if is_secret_key(key) or credential_uri(value) or issued_key(value):
            yield key, secret_literal(value, key, found.line, start, found.line, start + len(value))


# --------------------------------------------------------------------------
# Instance folders and python-dotenv
# --------------------------------------------------------------------------


def instance_folders(project: ProjectFacts) -> list[tuple[str, str, tuple[int, int], bool]]:
    """Return ``(folder, module path, (line, column), used)`` for each Flask app's instance folder.

    Flask puts the instance folder beside the app's top-level package (or
    beside its module); ``used`` is true when the app reads its config from
    there: ``from_pyfile``/``from_file`` on an app created with
    ``instance_relative_config=True`` (without it, they read beside the app).
    """
    model = config_model(project)
    pyfile = {
        model.index.expand(load.receiver or "")
        for _, facts in model.loads()
        for load in facts.loads
        if load.method in ("from_pyfile", "from_file")
    }
    found = []
    for module, facts in model.facts.values():
        if is_test_path(module.path):
            continue
        for app in facts.apps:
            target = model.index.expand(app.target)
            if model.index.instance_of(target) != FLASK_APP:
                continue
            parts = PurePosixPath(module.path).parts
            depth = len(module.module.split(".")) - (0 if module.is_package else 1)
            base = "/".join(parts[: max(len(parts) - 1 - depth, 0)])
            folder = f"{base}/instance" if base else "instance"
            found.append((folder, module.path, (app.line, 1), bool(app.instance_relative) and target in pyfile))
    return found


def uses_dotenv(project: ProjectFacts) -> Optional[tuple[str, int]]:
    """Return where an app module imports python-dotenv at module level (path, line), or None.

    Imports inside functions are left out: that is how libraries (Flask's
    own CLI) load ``.env`` for whoever uses them.
    """
    model = config_model(project)
    for module in project.modules:
        for imp in module.imports:
            if (
                imp.at_module_level
                and (imp.module == "dotenv" or imp.module.startswith("dotenv."))
                and not model.env.is_dev_path(module.path)
            ):
                return module.path, imp.line
    return None
