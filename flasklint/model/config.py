"""The configuration model: which configuration runs in production, and why.

Built once per run from the facts :mod:`flasklint.facts.config` collects in
the modules that belong to a Flask application, as the environment model
(:mod:`flasklint.model.environment`) decides, which also says what is test
and development code (see RULES.md, "Production configuration"):

- *config units* are config modules (conventional names such as
  ``config.py``, ``settings.py``, ``config/*.py``, or any module loaded with
  ``from_object``/``from_pyfile``) and config classes (classes built like
  configuration, with ``UPPERCASE`` attributes, in a config module; classes
  loaded with ``from_object``, listed in a ``config = {"production":
  ProductionConfig}`` dict, or inheriting from / inherited by such a class,
  across modules);
- a unit whose class name or file path says development or testing (the
  configurable ``dev-config-names``), or that lies under ``tests/``, is not
  production; every other unit is, and each unit records why;
- a class inherits its bases' settings unless it overrides them; a base
  class nothing loads runs in production only through its subclasses;
- ``app.config[...] =`` and friends on a Flask app count as production
  unless they stand in a test, a pytest fixture or a script that runs the
  development server, or under an ``if`` that is not the production branch.

Files git ignores (``instance/``) are not in the project, so they never
become units. Rules ask :func:`config_model` for the shared instance.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Optional

from ..facts.bindings import NO_BINDING, called_in
from ..facts.config import KEY, AppSetting, Call, ConfigFacts, Load, Setting, Value
from ..flask_context import FLASK_APP, split_path, words
from ..pins import proves_from, service_pins
from .envfiles import assignments
from .environment import NEEDS as ENVIRONMENT_NEEDS
from .environment import NEVER, TESTS, environment, is_test_path

if TYPE_CHECKING:
    from ..facts import ModuleFacts
    from .project_facts import ProjectFacts

#: File stems and folders that make a module a config module by convention.
CONFIG_WORDS = frozenset({"config", "configs", "settings", "configuration"})

#: The per-file facts this model reads, the environment's included.
NEEDS = (KEY, *ENVIRONMENT_NEEDS)

#: Keys and key prefixes of Flask and its common extensions: what makes a
#: conventionally named module or class look like Flask configuration.
FLASK_KEYS = frozenset(
    {
        "DEBUG",
        "TESTING",
        "SECRET_KEY",
        "SERVER_NAME",
        "ENV",
        "PROPAGATE_EXCEPTIONS",
        "APPLICATION_ROOT",
        "PREFERRED_URL_SCHEME",
        "MAX_CONTENT_LENGTH",
        "TEMPLATES_AUTO_RELOAD",
        "EXPLAIN_TEMPLATE_LOADING",
        "USE_X_SENDFILE",
        "SEND_FILE_MAX_AGE_DEFAULT",
        "TRAP_HTTP_EXCEPTIONS",
        "TRAP_BAD_REQUEST_ERRORS",
        "PERMANENT_SESSION_LIFETIME",
        "BCRYPT_LOG_ROUNDS",
        "SECURITY_PASSWORD_SALT",
        "UPLOAD_FOLDER",
    }
)
FLASK_KEY_PREFIXES = (
    "SQLALCHEMY_",
    "SESSION_",
    "WTF_",
    "MAIL_",
    "CACHE_",
    "BABEL_",
    "JWT_",
    "REMEMBER_COOKIE_",
    "SECURITY_",
    "CELERY_",
    "JSON_",
    "DEBUG_TB_",
    "RECAPTCHA_",
    "LOGIN_",
    "CORS_",
)

#: Why a unit runs in production (:attr:`Unit.why`); why not comes from
#: :meth:`~flasklint.model.environment.Environment.config_not_production`.
REGISTERED_AS = "registered as"
PRODUCTION_NAMED = "named for production"
LOADED = "loaded"
INHERITED = "inherited"
NOT_DEV_NAMED = "not named for development or testing"


def flask_keys(settings: Iterable[Setting]) -> bool:
    """Return whether any of ``settings`` sets a key Flask or a common extension reads."""
    return any(s.key in FLASK_KEYS or s.key.startswith(FLASK_KEY_PREFIXES) for s in settings)


class Registration(NamedTuple):
    """A config dict entry naming a unit: ``config = {"production": ProdConfig}``."""

    dict_name: str
    key: str

    def __str__(self) -> str:
        """Return the entry as messages show it: ``config['production']``."""
        return f"{self.dict_name}['{self.key}']"


@dataclass
class Unit:
    """A config module or config class.

    ``settings`` are its own settings (the last unconditional assignment of
    each key; a later conditional one makes the key ``unsure``); ``bases``
    are the qualified names of its base classes that are units too.
    ``why`` says why it runs in production or not (:data:`REGISTERED_AS`,
    :data:`~flasklint.model.environment.NAMED` ...); ``why_name`` is the
    registration or the heir that decided it, when one did.
    """

    qualname: str
    name: str
    kind: str
    path: str
    line: int
    column: int
    settings: dict[str, Setting] = field(default_factory=dict)
    unsure: set[str] = field(default_factory=set)
    bases: tuple[str, ...] = ()
    production: bool = True
    why: str = ""
    why_name: str = ""
    #: Why the unit is a config unit at all: registrations, and the loads (method, path, line).
    registered: list[Registration] = field(default_factory=list)
    loaded_at: list[tuple[str, str, int]] = field(default_factory=list)

    #: Whether it is a test configuration (counted for secrets with ``include-tests``).
    test: bool = False

    @property
    def registered_keys(self) -> list[str]:
        """Return the keys the config dicts list the unit under (``'dev']`` of ``config['dev']``)."""
        return [r.key for r in self.registered]


@dataclass(frozen=True)
class Resolved:
    """A key's value as a unit sees it: the setting and the unit that sets it."""

    setting: Setting
    owner: Unit
    unsure: bool


@dataclass(frozen=True)
class ProductionValue:
    """A value that holds in production, where it comes from, and why it counts.

    ``owner`` is the unit that sets it; ``unit`` is the production unit judged; ``carriers`` are the production
    units that inherit the value from it, and ``through_heirs`` says the unit
    reaches production only through them.
    """

    key: str
    setting: Setting
    path: str
    owner: Unit
    unit: Unit
    carriers: tuple[str, ...] = ()
    through_heirs: bool = False
    #: When the value is inherited: the production unit inheriting it (reported at its class line).
    heir: Optional[Unit] = None

    @property
    def value(self) -> Value:
        """Return the value."""
        return self.setting.value


class ConfigModel:
    """Config units, their inheritance, and the app-level settings of a project."""

    def __init__(self, project: ProjectFacts):
        self.project = project
        self.index = project.index
        self.env = environment(project)
        self.facts: dict[str, tuple[ModuleFacts, ConfigFacts]] = {}
        configured = [(m, config) for m in project.modules if (config := m.get(KEY)) is not None]
        for m, config in sorted(configured, key=lambda pair: (pair[0].path.count("/"), pair[0].path)):
            # config.py and a tracked instance/config.py both claim the name `config`:
            # the shallower file keeps it, the other is known by its path.
            self.facts[m.path if m.module in self.facts else m.module] = (m, config)
        #: The facts of the modules that belong to a Flask application: only they configure one.
        self.flask_facts = {key: found for key, found in self.facts.items() if self.env.is_flask(found[0])}
        self.uses_flask = self.env.uses_flask
        self.units: dict[str, Unit] = {}
        self.classes = {c.qualname: (c, m) for m, facts in self.facts.values() for c in facts.classes}
        self.dicts = {d.qualname: (d, m) for m, facts in self.facts.values() for d in facts.dicts}
        self.apps = {self.index.expand(a.target): a for _, facts in self.facts.values() for a in facts.apps}
        self.by_path = {m.path: facts for m, facts in self.facts.values()}
        if self.uses_flask:
            self.build()

    # ------------------------------------------------------------ building

    def build(self) -> None:
        """Find the units, link their bases, and decide which are production."""
        for key, (module, facts) in self.flask_facts.items():
            if self.is_config_module(module.path) and not self.env.is_dev_path(module.path):
                classes = [c for c in facts.classes if flask_keys(c.settings) and self.config_shaped(c.qualname)]
                for cls in classes:
                    self.add_class(cls.qualname)
                for named in facts.dicts:
                    self.register_dict(named.qualname)
                if flask_keys(facts.module_settings) and not classes:
                    self.add_module(key)
        for module, facts in self.flask_facts.values():
            for load in facts.loads:
                self.add_loaded(load, module)
        self.add_relatives()
        for unit in self.units.values():
            self.decide(unit)

    def add_class(self, qualname: str) -> Optional[Unit]:
        """Make the config class ``qualname`` a unit (once) and return it."""
        if qualname in self.units:
            return self.units[qualname]
        found = self.classes.get(qualname)
        if found is None:
            return None
        cls, module = found
        unit = Unit(qualname, cls.name, "class", module.path, cls.line, cls.column)
        unit.bases = tuple(self.index.expand(b) for b in cls.bases)
        self.own(unit, cls.settings)
        self.units[qualname] = unit
        return unit

    def add_module(self, name: str) -> Optional[Unit]:
        """Make module ``name`` (its module-level settings) a unit and return it."""
        if name in self.units:
            return self.units[name]
        found = self.facts.get(name)
        if found is None:
            return None
        module, facts = found
        unit = Unit(name, module.path, "module", module.path, 1, 1)
        self.own(unit, facts.module_settings)
        self.units[name] = unit
        return unit

    @staticmethod
    def own(unit: Unit, settings: Iterable[Setting]) -> None:
        """Record a unit's own settings: last unconditional wins, a later conditional one unsettles."""
        for setting in settings:
            if not setting.conditional:
                unit.settings[setting.key] = setting
                unit.unsure.discard(setting.key)
            elif setting.key in unit.settings:
                unit.unsure.add(setting.key)
            else:
                unit.settings[setting.key] = setting
                unit.unsure.add(setting.key)

    def config_shaped(self, qualname: str, _depth: int = 0) -> bool:
        """Return whether a class is built like configuration: each base is ``object`` or such a project class.

        An ``Enum``, a pydantic model or a ``NamedTuple`` derives from a
        library class: its ``UPPERCASE`` attributes are members or fields, not
        settings. Such a class is configuration only when it is used as one
        (loaded, listed in a config dict, or related to a class that is).
        """
        value = self.index.table.get(self.index.expand(qualname), NO_BINDING)
        if not value.is_class or _depth > 50:
            return False
        return all(base == "object" or self.config_shaped(base, _depth + 1) for base in value.bases)

    def register_dict(self, qualname: str) -> None:
        """Make every class a ``{"name": Class}`` dict lists a unit, noting its key."""
        named = self.dicts.get(qualname)
        if named is None:
            return
        short = qualname.rpartition(".")[2]
        for key, target in named[0].entries:
            unit = self.add_class(self.index.expand(target))
            if unit is not None:
                unit.registered.append(Registration(short, key))

    def add_loaded(self, load: Load, module: ModuleFacts) -> None:
        """Make what ``from_object``/``from_pyfile`` loads a unit, noting where."""
        kind, _, target = load.argument.partition(":")
        at = (load.method, module.path, load.line)
        units: list[Optional[Unit]] = []
        if load.method == "from_object" and kind == "str":
            units.append(self.add_module(target) if target in self.facts else self.add_class(self.index.expand(target)))
        elif load.method == "from_object" and kind == "name":
            expanded = self.index.expand(target)
            units.append(
                self.add_module(expanded)
                if expanded in self.facts
                else self.add_class(self.class_of_instance(expanded) or expanded)
            )
        elif load.method == "from_object" and kind == "item":
            self.register_dict(self.index.expand(target))
        elif load.method == "from_pyfile" and kind == "str":
            units.extend(self.add_module(name) for name in self.pyfile_modules(load))
        for unit in filter(None, units):
            unit.loaded_at.append(at)

    def class_of_instance(self, name: str) -> Optional[str]:
        """Return the project class whose instance ``name`` holds (``settings = Settings()``), if any."""
        binding = self.index.table.get(name, NO_BINDING)
        callee = self.index.expand(binding.callee) if binding.callee else ""
        return callee if callee in self.classes else None

    def pyfile_modules(self, load: Load) -> list[str]:
        """Return the modules whose file ``from_pyfile(...)`` may name.

        On an app created with ``instance_relative_config=True`` the name is
        looked up in ``instance/``; otherwise anywhere but there.
        """
        kind, _, name = load.argument.partition(":")
        name = name.replace("\\", "/").lstrip("./")
        if kind != "str" or not name.endswith(".py"):
            return []
        app = self.apps.get(self.index.expand(load.receiver or ""))
        instance = app is not None and app.instance_relative is not False
        return [
            key
            for key, (m, _) in self.facts.items()
            if (m.path == name or m.path.endswith("/" + name))
            and (m.path.startswith("instance/") or "/instance/" in m.path) == instance
        ]

    def add_relatives(self) -> None:
        """Add the bases and the subclasses of class units, until nothing changes."""
        changed = True
        while changed:
            changed = False
            for unit in list(self.units.values()):
                for base in unit.bases:
                    if base not in self.units and base in self.classes:
                        changed |= self.add_class(base) is not None
            for name, (cls, _) in self.classes.items():
                if name not in self.units and any(self.index.expand(b) in self.units for b in cls.bases):
                    changed |= self.add_class(name) is not None

    # ------------------------------------------------------------ deciding

    @staticmethod
    def is_config_module(path: str) -> bool:
        """Return whether a file's name or folder makes it a config module by convention."""
        folders, _, stem = split_path(path)
        return bool(words(stem) & CONFIG_WORDS) or any(p in CONFIG_WORDS for p in folders)

    def decide(self, unit: Unit) -> None:
        """Set ``unit.production``, ``unit.test`` and ``unit.why``, as the environment model decides."""
        class_name = unit.name if unit.kind == "class" else None
        keys = unit.registered_keys
        unit.test = self.env.is_test_config(unit.path, class_name, keys, bool(unit.loaded_at))
        why = self.env.config_not_production(unit.path, class_name, keys, bool(unit.loaded_at))
        if why is not None:
            unit.production, unit.why = False, why
        elif unit.registered and any(not self.env.dev_named(key) for key in keys):
            shown = [r for r, key in zip(unit.registered, keys) if not self.env.dev_named(key)]
            unit.why, unit.why_name = REGISTERED_AS, str(shown[0])
        elif self.env.production_named(unit.name):
            unit.why = PRODUCTION_NAMED
        elif unit.loaded_at:
            unit.why = LOADED
        else:
            heirs = [u.name for u in self.heirs(unit) if u.production and self.env.production_named(u.name)]
            unit.why, unit.why_name = (INHERITED, heirs[0]) if heirs else (NOT_DEV_NAMED, "")

    def heirs(self, unit: Unit) -> list[Unit]:
        """Return the units that inherit from ``unit``, directly or not."""
        return [u for u in self.units.values() if u is not unit and unit.qualname in self.ancestry(u)]

    def ancestry(self, unit: Unit, _seen: Optional[set] = None) -> list[str]:
        """Return the qualified names of a unit's base units, nearest first (no repeats)."""
        seen = _seen if _seen is not None else set()
        found = []
        for base in unit.bases:
            if base in self.units and base not in seen:
                seen.add(base)
                found.append(base)
                found.extend(self.ancestry(self.units[base], seen))
        return found

    # ------------------------------------------------------------ asking

    def resolve(self, unit: Unit, key: str) -> Optional[Resolved]:
        """Return the value ``unit`` has for ``key``, its own or inherited."""
        for owner in (unit, *(self.units[q] for q in self.ancestry(unit))):
            setting = owner.settings.get(key)
            if setting is not None:
                return Resolved(setting, owner, key in owner.unsure)
        return None

    def in_use(self) -> set[str]:
        """Return the units some app loads or a config dict lists, with their bases.

        When nothing is loaded visibly, every unit counts as in use.
        """
        used = {u.qualname for u in self.units.values() if u.loaded_at or u.registered}
        if not used:
            return set(self.units)
        return used | {q for name in used for q in self.ancestry(self.units[name])}

    def production_units(self) -> list[Unit]:
        """Return the production units, in path and line order."""
        return sorted((u for u in self.units.values() if u.production), key=lambda u: (u.path, u.line))

    def production_values(self, key: str) -> Iterator[ProductionValue]:
        """Yield each unconditional value of ``key`` that holds in production.

        A setting in a production unit is reported once, where it is made,
        naming the production units that inherit it. A setting made in a
        non-production unit (``DevelopmentConfig``) and inherited by a
        production one is reported at the topmost such heir's class line. A
        base class that runs only through its subclasses holds a value in
        production only when a production subclass inherits it unchanged.
        """
        for unit in self.production_units():
            found = self.resolve(unit, key)
            if found is None or found.unsure:
                continue
            owner = found.owner
            if owner is not unit and (
                owner.production
                or any(self.units[q].production and self.takes(self.units[q], key, owner) for q in self.ancestry(unit))
            ):
                continue  # reported where the owner is, or at the topmost production heir
            carriers = [u.name for u in self.heirs(unit) if u.production and self.takes(u, key, owner)]
            through_heirs = self.runs_through_heirs(unit)
            if through_heirs and not carriers:
                continue
            yield ProductionValue(
                key,
                found.setting,
                owner.path,
                owner,
                unit,
                tuple(carriers),
                through_heirs,
                heir=None if owner is unit else unit,
            )

    def takes(self, unit: Unit, key: str, owner: Unit) -> bool:
        """Return whether ``unit`` has the value of ``key`` that ``owner`` sets."""
        found = self.resolve(unit, key)
        return found is not None and found.owner is owner

    def runs_through_heirs(self, unit: Unit) -> bool:
        """Return whether a unit reaches production only through its subclasses.

        True for a base class that nothing loads, no config dict lists, and
        whose name does not say production.
        """
        direct = unit.loaded_at or unit.registered or self.env.production_named(unit.name)
        return not direct and bool(self.heirs(unit))

    def app_settings(self, key: str) -> Iterator[tuple[str, AppSetting, Optional[str]]]:
        """Yield ``(path, setting, guard)`` for production app-level settings of ``key`` on a Flask app.

        A setting counts when no ``if`` guards it (``guard`` is None), or when
        every ``if`` around it takes its production branch (see
        :meth:`branch_side`; ``guard`` is the test of the innermost one).
        """
        for module, facts in self.flask_facts.values():
            if self.env.is_dev_path(module.path) or self.runs_dev_server(facts):
                continue
            for app_setting in facts.app_settings:
                if app_setting.setting.key != key or not self.is_flask_app(app_setting.receiver):
                    continue
                guards = app_setting.setting.guards
                if not guards:
                    yield module.path, app_setting, None
                elif all(self.branch_side(facts, guards[: depth + 1]) == "production" for depth in range(len(guards))):
                    yield module.path, app_setting, guards[-1]

    def branch_side(self, facts: ConfigFacts, guards: tuple[str, ...]) -> Optional[str]:
        """Return ``production`` or ``development`` for the branch the last of ``guards`` takes, or None.

        Decided from the test (``ENV == "production"``, ``env != "dev"``,
        ``app.debug``, a test function), else from what the branches
        configure: the ``else`` of a branch that loads a development config
        (or sets ``ENV`` to development) is production, and so is a branch
        that loads a production config.
        """
        test = guards[-1]
        side = self.env.side_of_test(test)
        if side is not None:
            return side
        if self.env.is_dev_guard(test):
            return "development"
        own = self.configures(facts, guards)
        if own is not None:
            return own
        if self.configures(facts, guards[:-1] + (opposite(test),)) == "development":
            return "production"
        return None

    def configures(self, facts: ConfigFacts, guards: tuple[str, ...]) -> Optional[str]:
        """Return which environment the code under ``guards`` configures (a load or ``ENV``), or None."""
        said = [load.argument.partition(":")[2] for load in facts.loads if load.guards[: len(guards)] == guards]
        said += [
            a.setting.value.value
            for a in facts.app_settings
            if a.setting.key in ("ENV", "FLASK_ENV")
            and a.setting.value.literal
            and a.setting.guards[: len(guards)] == guards
        ]
        found = {self.env.side_of_name(str(name)) for name in said} - {None}
        return found.pop() if len(found) == 1 else None

    def is_flask_app(self, receiver: Optional[str]) -> bool:
        """Return whether ``receiver`` (a qualified name or ``call:CALLEE``) is a Flask app."""
        if not receiver:
            return False
        if called_in(receiver):
            return self.index.call_result(called_in(receiver)) == FLASK_APP
        return self.index.instance_of(receiver) == FLASK_APP

    @staticmethod
    def runs_dev_server(facts: ConfigFacts) -> bool:
        """Return whether a module runs the development server at module level, unguarded."""
        return any(c.kind == "run" and not c.function and not c.guards for c in facts.calls)

    def sets(self, key: str) -> bool:
        """Return whether any production unit or app-level code (even conditionally) sets ``key``."""
        return any(self.resolve(u, key) is not None for u in self.production_units()) or self.sets_on_app(key)

    def sets_on_app(self, key: str) -> bool:
        """Return whether code outside tests and debug guards sets ``key`` on an app, even conditionally."""
        return any(
            a.setting.key == key
            and not self.env.is_dev_path(m.path)
            and not any(self.env.is_dev_guard(g) for g in a.setting.guards)
            for m, facts in self.flask_facts.values()
            for a in facts.app_settings
        )

    def loads_unseen(self) -> bool:
        """Return whether some app loads configuration flasklint cannot see."""
        for _, facts in self.flask_facts.values():
            for load in facts.loads:
                if load.method in ("from_envvar", "from_prefixed_env", "from_file"):
                    return True
                if load.method == "from_pyfile" and not self.pyfile_modules(load):
                    return True
                if load.method == "from_object" and not self.resolves(load):
                    return True
        return False

    def resolves(self, load: Load) -> bool:
        """Return whether a ``from_object`` argument names a unit."""
        kind, _, target = load.argument.partition(":")
        if kind == "item":
            return self.index.expand(target) in self.dicts
        return kind in ("str", "name") and (target in self.units or self.index.expand(target) in self.units)

    def calls(self, kind: str) -> Iterator[tuple[str, Call]]:
        """Yield ``(path, call)`` for the recorded calls of ``kind`` outside tests and examples."""
        for module, facts in self.flask_facts.values():
            if self.env.stage(module.path) not in (TESTS, NEVER):
                for call in facts.calls:
                    if call.kind == kind:
                        yield module.path, call

    def debug_before(self, path: str, call: Call) -> Optional[AppSetting]:
        """Return the setting that leaves debug mode on for a ``run`` call, if one does.

        That is the last ``DEBUG`` setting (``app.debug = True``,
        ``app.config["DEBUG"] = True``) on the same app before the call, in
        the same function, under no ``if`` the call is not also under.
        """
        before = [
            a
            for a in self.by_path[path].app_settings
            if a.setting.key == "DEBUG"
            and a.receiver == call.receiver
            and a.function == call.function
            and a.setting.line < call.line
            and call.guards[: len(a.setting.guards)] == a.setting.guards
        ]
        last = max(before, key=lambda a: a.setting.line, default=None)
        return last if last is not None and last.setting.value.truthy() else None

    def loads(self) -> Iterator[tuple[ModuleFacts, ConfigFacts]]:
        """Yield the module facts and config facts of every module that loads configuration."""
        for module, facts in self.flask_facts.values():
            if facts.loads:
                yield module, facts


def opposite(test: str) -> str:
    """Return the guard text of the other branch of an ``if`` (the collector writes ``not (TEST)``)."""
    if test.startswith("not (") and test.endswith(")"):
        return test[5:-1]
    return f"not ({test})"


def config_model(project: ProjectFacts) -> ConfigModel:
    """Return the project's configuration model, built once per run."""
    return project.memo("config_model", lambda: ConfigModel(project))


# --------------------------------------------------------------------------
# Environment and deployment files
# --------------------------------------------------------------------------

#: File names that set the environment of a deployed app (FL201).
_ENV_FILE = re.compile(
    r"(^|/)(\.flaskenv|\.env|Procfile|Dockerfile([.-][^/]*)?|[^/]*\.dockerfile|"
    r"(docker-)?compose[^/]*\.ya?ml)$",
    re.IGNORECASE,
)
_ASSIGNMENT = re.compile(r"""(?:^|[\s"'\-])(?P<key>FLASK_DEBUG|FLASK_ENV)\s*(?:=|:|\s)\s*["']?(?P<value>[\w.-]*)""")
_DEBUG_FLAG = re.compile(r"\bflask\b[^\n#]*\s--debug\b")
#: Files that hold ``KEY=value`` lines only, read by the ``.env`` parser.
DOTENV_FILES = frozenset({".env", ".flaskenv"})


@dataclass(frozen=True)
class EnvFlag:
    """A line of an environment or deployment file that turns debug mode on."""

    path: str
    line: int
    column: int
    end_column: int
    text: str


def environment_files(project: ProjectFacts) -> list[str]:
    """Return the Flask app's ``.flaskenv``/``.env``/Procfile/Dockerfile/compose files where production may read them.

    Not in tests, examples or development files.
    """
    env = environment(project)
    return [
        rel
        for rel in project.project.all_files
        if _ENV_FILE.search(rel)
        and env.stage(rel) not in (TESTS, NEVER)
        and not env.dev_named(posixpath.basename(rel).replace(".", " "))
        and env.is_flask(rel)
    ]


#: The Flask release that removed ``FLASK_ENV`` and the ``ENV`` config key (deprecated in 2.2).
ENV_REMOVED = (2, 3)


def flask_env_ignored(project: ProjectFacts, path: str) -> bool:
    """Return whether the Flask that runs ``path`` ignores ``FLASK_ENV`` and ``ENV`` (its service pins Flask 2.3+)."""
    pins = service_pins(project.config.pins, project.config.pin_files, posixpath.dirname(path))
    return proves_from(pins, "flask", ENV_REMOVED) is not None


def debug_flags(path: str, text: str, flask_env: bool = True) -> Iterator[EnvFlag]:
    """Yield the lines of a file that set ``FLASK_DEBUG`` on, ``FLASK_ENV=development`` or ``flask --debug``.

    A ``.env`` or ``.flaskenv`` file is read by the ``.env`` parser
    (:func:`.envfiles.assignments`); deployment files (``ENV FLASK_DEBUG=1``
    in a Dockerfile, ``- FLASK_ENV=development`` in a compose file) are
    searched for the two variables. ``FLASK_ENV`` counts only with
    ``flask_env`` (the Flask that runs the file still reads it, see
    :func:`flask_env_ignored`).
    """
    dotenv = {a.line: a for a in assignments(text)} if posixpath.basename(path) in DOTENV_FILES else None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("#"):
            continue
        if dotenv is None:
            found = [
                (m.group("key"), m.start("key") + 1, m.group("value"), m.start("value") + 1)
                for m in _ASSIGNMENT.finditer(line)
            ]
        else:
            found = [(a.key, a.key_column, a.value, a.value_column) for a in filter(None, [dotenv.get(number)])]
        for key, column, value, value_column in found:
            if turns_debug_on(key, value) and (flask_env or key != "FLASK_ENV"):
                yield EnvFlag(path, number, column, value_column + len(value), f"{key}={value}")
        flag = _DEBUG_FLAG.search(line)
        if flag:
            yield EnvFlag(path, number, flag.start() + 1, flag.end() + 1, "flask --debug")


def turns_debug_on(key: str, value: str) -> bool:
    """Return whether ``key=value`` turns debug mode on (``FLASK_DEBUG=1``, ``FLASK_ENV=development``)."""
    if key == "FLASK_DEBUG":
        return value.lower() in ("1", "true", "yes", "on")
    return key == "FLASK_ENV" and value.lower() == "development"


# --------------------------------------------------------------------------
# Production servers
# --------------------------------------------------------------------------

#: Files and words that show the app is served by a production server.
_SERVER_FILES = re.compile(
    r"(^|/)(Procfile[^/]*|Dockerfile[^/]*|[^/]*compose[^/]*\.ya?ml|[^/]*\.(sh|ini|cfg|toml|conf|"
    r"service)|requirements[^/]*\.txt|Pipfile|app\.ya?ml)$"
)
_SERVERS = re.compile(r"\b(gunicorn|uwsgi|waitress|mod_wsgi|hypercorn|uvicorn|cheroot|bjoern|meinheld)\b", re.I)
_SERVER_MODULES = (
    "gunicorn",
    "waitress",
    "tornado",
    "gevent.pywsgi",
    "cheroot",
    "bjoern",
    "meinheld",
    "uwsgi",
    "hypercorn",
)


def production_server(project: ProjectFacts) -> Optional[str]:
    """Return the file that shows the project is served by a production server, or None.

    A ``wsgi.py`` or ``.wsgi`` file, a module (not a test) that imports a
    server (``gunicorn``, ``waitress``), or a Procfile, Dockerfile, script or
    requirements file that names one.
    """
    for rel in project.project.all_files:
        if posixpath.basename(rel) == "wsgi.py" or rel.endswith(".wsgi"):
            return rel
    for module in project.modules:
        for imp in () if is_test_path(module.path) else module.imports:
            if imp.module.startswith(_SERVER_MODULES):
                return module.path
    for rel in project.project.all_files:
        if _SERVER_FILES.search(rel) and not is_test_path(rel) and _SERVERS.search(project.read_text(rel) or ""):
            return rel
    return None
