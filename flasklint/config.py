"""Configuration: defaults, then ``[tool.flasklint]`` in pyproject.toml, then CLI flags.

The result is one frozen :class:`Config`. Anything wrong with the file (bad
TOML, an unknown key, a value of the wrong type, an unknown rule code) raises
:class:`ConfigError` naming the file, the key and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Optional

import pathspec

from .files import SETTINGS_FILE_SIZE, read_bytes, tomllib

SEVERITIES = ("info", "warning", "error")
IMPORT_STYLES = ("detect", "relative", "absolute")
#: Python versions the linted code may target, as ruff spells them.
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))
#: ruff's ``flake8-tidy-imports`` ``ban-relative-imports`` values that ban some relative imports.
RUFF_RELATIVE_BANS = ("all", "parents")


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Config:
    """Every setting flasklint reads, with its default."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    fail_on: str = "warning"
    import_style: str = "detect"
    dev_config_names: tuple[str, ...] = ("development", "develop", "dev", "local", "test", "testing", "debug")
    allow_above_route: tuple[str, ...] = ("*.exempt", "swag_from")
    include_tests: bool = False
    #: Files larger than this many bytes are not parsed (FL000): LibCST needs
    #: seconds per megabyte, and such files are generated data, not views.
    max_file_size: int = 2 * 1024 * 1024
    #: Substrings of field and input names that carry a CSRF token (FL601).
    csrf_field_names: tuple[str, ...] = ("csrf", "xsrf", "nonce")
    #: The oldest Python version the code must run on (``py312``); taken from
    #: ``requires-python`` when not set. A file whose syntax is newer than the
    #: Python flasklint runs on gets a notice, not a syntax error (FL000).
    target_version: Optional[str] = None
    #: ruff's ``ban-relative-imports`` ("all", "parents" or ""), read from ruff's
    #: own configuration so that FL501 never asks for what ruff forbids; not a
    #: ``[tool.flasklint]`` key.
    ruff_ban_relative_imports: str = ""
    #: The versions the project's requirement files pin (:mod:`.pins`), read
    #: at the root and below it; not a ``[tool.flasklint]`` key.
    pins: tuple = ()
    #: The root-relative paths of those files, pinning or not (see :func:`.pins.service_pins`).
    pin_files: tuple = ()
    #: Where the settings came from, for messages; not a setting itself.
    source: Optional[str] = field(default=None, compare=False)

    @property
    def ignored(self) -> tuple[str, ...]:
        """Return every ignore selector: ``ignore`` and ``extend-ignore``."""
        return self.ignore + self.extend_ignore


#: The TOML spelling of each key, mapped to the Config field.
#: Every ``[tool.flasklint]`` key, as spelled in TOML, and its Config field.
SETTING_KEYS = {
    f.name.replace("_", "-"): f.name
    for f in fields(Config)
    if f.name not in ("source", "ruff_ban_relative_imports", "pins", "pin_files")
}
_DEFAULTS = {f.name: f.default for f in fields(Config)}
_CHOICES = {"fail_on": SEVERITIES, "import_style": IMPORT_STYLES, "target_version": TARGET_VERSIONS}


#: Files or folders whose presence makes a folder a project root.
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


#: What makes a folder a project root (DESIGN.md).
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def is_project_root(folder: Path) -> bool:
    """Return whether ``folder`` holds one of the :data:`ROOT_MARKERS`."""
    return any((folder / marker).exists() for marker in ROOT_MARKERS)


def find_root(path: Path) -> Path:
    """Return the project root for ``path`` as DESIGN.md defines it."""
    start = path.resolve()
    if start.is_file() or not start.exists():
        start = start.parent
    for folder in (start, *start.parents):
        if is_project_root(folder):
            return folder
    return start


def _check_value(source: str, key: str, attr: str, value: Any) -> Any:
    """Return ``value`` converted for ``attr``, or raise ConfigError.

    The expected type is the type of the setting's default: a tuple means a
    list of strings, a bool true/false, an int a whole number; settings with
    a fixed set of choices are listed in ``_CHOICES``.
    """

    def fail(reason: str) -> ConfigError:
        return ConfigError(f"{source}: [tool.flasklint] {key}: {reason}")

    default = _DEFAULTS[attr]
    if attr == "per_file_ignores":
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()
        ):
            raise fail('expected a table of glob = ["CODE", ...]')
        _check_globs(value, fail)
        return tuple((glob, tuple(codes)) for glob, codes in value.items())
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"expected a list of strings, got {value!r}")
        if attr in ("exclude", "extend_exclude"):
            _check_globs(value, fail)
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise fail(f"expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise fail(f"expected a positive whole number, got {value!r}")
        return value
    choices = _CHOICES.get(attr)
    if choices and value not in choices:
        raise fail(f"expected one of {', '.join(choices)}, got {value!r}")
    if not isinstance(value, str):
        raise fail(f"expected a string, got {value!r}")
    return value


def _check_globs(globs: Iterable[str], fail) -> None:
    """Raise ``fail(reason)`` for the first of ``globs`` that is no valid gitignore-style pattern."""
    for glob in globs:
        try:
            pathspec.GitIgnoreSpec.from_lines([glob])
        except (ValueError, re.error) as exc:
            raise fail(f"invalid glob {glob!r}: {exc}") from None


def parse_settings(table: dict, source: str) -> dict:
    """Validate a ``[tool.flasklint]`` table and return Config keyword arguments."""
    settings = {}
    for key, value in table.items():
        attr = SETTING_KEYS.get(key)
        if attr is None:
            raise ConfigError(
                f"{source}: [tool.flasklint] unknown key {key!r} (known: {', '.join(sorted(SETTING_KEYS))})"
            )
        settings[attr] = _check_value(source, key, attr, value)
    return settings


def read_toml(path: Path) -> dict:
    """Return the whole of a TOML file; ConfigError says why it cannot be read."""
    try:
        return tomllib.loads(read_bytes(str(path), SETTINGS_FILE_SIZE).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def read_file(path: Path) -> dict:
    """Return the flasklint table of a TOML file (``[tool.flasklint]`` or top level)."""
    data = read_toml(path)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    table = tool.get("flasklint", {} if path.name == "pyproject.toml" else data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.flasklint] must be a table")
    return table


def load_config(
    root: Path, config_file: Optional[Path] = None, overrides: Optional[dict] = None, known_codes: Iterable[str] = ()
) -> Config:
    """Return the configuration for ``root``; CLI ``overrides`` win over the file."""
    path = config_file if config_file is not None else root / "pyproject.toml"
    settings: dict = {}
    source = None
    if config_file is not None or path.is_file():
        if config_file is not None and not path.is_file():
            raise ConfigError(f"{path}: config file does not exist")
        source = str(path)
        settings = parse_settings(read_file(path), source)
    for attr, value in (overrides or {}).items():
        if value is not None:
            settings[attr] = value
    pinned = project_pins(root)
    target = pinned.pop("target_version")
    if settings.get("target_version") is None:
        settings["target_version"] = target
    ruff_ban = ruff_relative_ban(root)
    config = replace(Config(), source=source, ruff_ban_relative_imports=ruff_ban, **pinned, **settings)
    check_codes(config, known_codes, source or "command line")
    return config


def project_pins(root: Path) -> dict:
    """Return the settings the project at ``root`` pins: ``pins``, ``pin_files`` and its ``target_version``."""
    from .pins import find_pin_files, python_target, read_pins, service_pins

    files = find_pin_files(root)
    pins = read_pins(root, files)
    pin_files = tuple(path.relative_to(root).as_posix() for path in files)
    target = python_target(service_pins(pins, pin_files, ""), TARGET_VERSIONS)
    return {"pins": pins, "pin_files": pin_files, "target_version": target}


def ruff_relative_ban(root: Path) -> str:
    """Return ruff's ``ban-relative-imports`` for the project at ``root``: "all", "parents" or "".

    ruff takes the first of ``.ruff.toml``, ``ruff.toml`` and a
    ``pyproject.toml`` with a ``[tool.ruff]`` table; the setting sits in
    ``[lint.flake8-tidy-imports]`` or, in older files, ``[flake8-tidy-imports]``.
    A ruff file flasklint cannot read is ruff's to report: it bans nothing here.
    """
    for name in (".ruff.toml", "ruff.toml", "pyproject.toml"):
        path = root / name
        if not path.is_file():
            continue
        try:
            table = read_toml(path)
        except ConfigError:
            return ""
        if name == "pyproject.toml":
            table = table.get("tool", {}).get("ruff")
            if not isinstance(table, dict):
                return ""
        for section in (table.get("lint", {}), table):
            tidy = section.get("flake8-tidy-imports", {}) if isinstance(section, dict) else {}
            ban = tidy.get("ban-relative-imports") if isinstance(tidy, dict) else None
            if ban is not None:
                return ban if ban in RUFF_RELATIVE_BANS else ""
        return ""
    return ""


def check_codes(config: Config, known_codes: Iterable[str], source: str) -> None:
    """Raise ConfigError if a selector in ``config`` matches no rule."""
    known = list(known_codes)
    if not known:
        return
    selectors = [
        ("select", config.select),
        ("ignore", config.ignore),
        ("extend-select", config.extend_select),
        ("extend-ignore", config.extend_ignore),
    ]
    selectors += [("per-file-ignores", codes) for _, codes in config.per_file_ignores]
    for key, codes in selectors:
        for code in codes:
            if code != "ALL" and not any(k.startswith(code) for k in known):
                raise ConfigError(f"{source}: {key}: unknown rule code {code!r}")
