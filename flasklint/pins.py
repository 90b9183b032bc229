"""The versions a project pins: its dependencies and the Python it requires.

Read once per run from the files that declare them, at the project root
and in the folders below it: ``requirements*.txt`` and
``requirements/*.txt``, ``pyproject.toml`` (``[project]`` ``dependencies``
and ``requires-python``, ``[tool.poetry.dependencies]``), ``setup.py`` (the
literal ``install_requires`` list, read with :mod:`ast`, never run),
``setup.cfg``, ``Pipfile`` and ``poetry.lock``. Nothing is imported,
installed or fetched. A module follows the pins of the service it belongs to:
the nearest folder above it, up to the root, that holds such files (a
monorepo's ``services/api/requirements.txt``), see :func:`service_pins`.

Versions are compared only when they are dotted numbers (``2.3.1``, ``2.*``);
anything else (``1.0rc1``, a URL, an environment marker) leaves the package
"unknown", and rules then behave as if nothing were pinned.
"""

from __future__ import annotations

import ast
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .files import tomllib

Version = tuple[int, ...]

#: A requirement as PEP 508 writes it, without extras' contents or markers.
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*$")
_CLAUSE = re.compile(r"^(===|==|~=|!=|<=|>=|<|>)\s*(\S+)$")
_NUMBER = re.compile(r"^\d{1,9}(?:\.\d{1,9}){0,9}$")


def canonical(name: str) -> str:
    """Return a distribution name as PEP 503 compares them (``Flask_WTF`` is ``flask-wtf``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version(text: str) -> Optional[Version]:
    """Return a dotted numeric version as a tuple, or None for anything else."""
    text = text.strip()
    return tuple(int(part) for part in text.split(".")) if _NUMBER.match(text) else None


def _padded(a: Version, b: Version) -> tuple[Version, Version]:
    """Return both versions padded with zeros to the same length (``1.0`` equals ``1``)."""
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


def _below(a: Version, b: Version) -> bool:
    """Return whether version ``a`` is lower than ``b``."""
    a, b = _padded(a, b)
    return a < b


def _next_release(release: Version, depth: int) -> Version:
    """Return the first version after every ``release`` that shares its first ``depth`` parts."""
    head = list(release[:depth])
    head[-1] += 1
    return tuple(head)


def _just_after(release: Version) -> Version:
    """Return a version above ``release`` and below every real release after it."""
    return release + (0, 0, 0, 0, 1)


@dataclass(frozen=True)
class Pin:
    """What one file allows for one distribution.

    ``low`` is the lowest allowed version (inclusive), ``high`` the first
    version no longer allowed (exclusive); either is None when unbounded.
    ``known`` is False when a clause could not be read: the pin then says
    nothing. ``implied`` is empty for a pin a file declares; for one that
    another pin implies (:func:`implied_pins`), ``text`` is that pin and
    ``implied`` says what it implies.
    """

    name: str
    text: str
    source: str
    low: Optional[Version] = None
    high: Optional[Version] = None
    known: bool = True
    implied: str = ""

    def all_below(self, release: Version) -> bool:
        """Return whether every version this pin allows is lower than ``release``."""
        return self.known and self.high is not None and not _below(release, self.high)

    def none_below(self, release: Version) -> bool:
        """Return whether every version this pin allows is ``release`` or later."""
        return self.known and self.low is not None and not _below(self.low, release)


def bounds(clauses: Iterable[tuple[str, str]]) -> tuple[Optional[Version], Optional[Version], bool]:
    """Return ``(low, high, known)`` for ``(operator, version)`` clauses (see :class:`Pin`)."""
    low: Optional[Version] = None
    high: Optional[Version] = None

    def raise_low(v: Version) -> None:
        nonlocal low
        low = v if low is None or _below(low, v) else low

    def lower_high(v: Version) -> None:
        nonlocal high
        high = v if high is None or _below(v, high) else high

    for operator, text in clauses:
        if operator == "!=":
            continue
        wildcard = operator == "==" and text.endswith(".*")
        number = version(text[:-2] if wildcard else text)
        if number is None or (operator == "~=" and len(number) < 2):
            return None, None, False
        if operator in (">=", "~=", "==", "==="):
            raise_low(number)
        if wildcard:
            lower_high(_next_release(number, len(number)))
        elif operator in ("==", "===", "<="):
            lower_high(_just_after(number))
        elif operator == "~=":
            lower_high(_next_release(number, len(number) - 1))
        elif operator == ">":
            raise_low(_just_after(number))
        elif operator == "<":
            lower_high(number)
    return low, high, True


def parse_requirement(line: str, source: str) -> Optional[Pin]:
    """Return the pin of a PEP 508 requirement (``WTForms==2.3.1``), or None when it pins nothing.

    A requirement with an environment marker, a URL or no version clause pins
    nothing that holds everywhere.
    """
    if ";" in line or "@" in line:
        return None
    match = _REQUIREMENT.match(line)
    if not match or not match.group(2):
        return None
    clauses = []
    for clause in match.group(2).strip("()").split(","):
        found = _CLAUSE.match(clause.strip())
        if not found:
            return Pin(canonical(match.group(1)), line.strip(), source, known=False)
        clauses.append((found.group(1), found.group(2)))
    low, high, known = bounds(clauses)
    return Pin(canonical(match.group(1)), line.strip(), source, low, high, known)


def poetry_pin(name: str, spec: object, source: str) -> Optional[Pin]:
    """Return the pin of a Poetry or Pipfile entry (``"^2.3"``, ``"2.3.1"``, ``{version = "..."}``)."""
    if isinstance(spec, dict):
        spec = spec.get("version")
    if not isinstance(spec, str) or spec.strip() in ("", "*"):
        return None
    text = f"{name} {spec.strip()}"
    clauses = []
    for part in (p.strip() for p in spec.split(",")):
        caret_or_tilde = part[:1] in ("^", "~") and not part.startswith("~=")
        number = version(part.lstrip("^~") if caret_or_tilde else part)
        found = _CLAUSE.match(part)
        if caret_or_tilde and number:
            depth = next((i + 1 for i, n in enumerate(number) if n), len(number)) if part[0] == "^" else 2
            upper = _next_release(number, min(depth, len(number)))
            clauses += [(">=", ".".join(map(str, number))), ("<", ".".join(map(str, upper)))]
        elif number and not caret_or_tilde:
            clauses.append(("==", part))
        elif found:
            clauses.append((found.group(1), found.group(2)))
        else:
            return Pin(canonical(name), text, source, known=False)
    return Pin(canonical(name), text, source, *bounds(clauses))


def _requirement_lines(text: str) -> Iterator[str]:
    """Yield the requirements of a requirements file: no comments, options or hash lines."""
    for line in text.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#.*", "", line).split(" --", 1)[0].strip()
        if line and not line.startswith("-"):
            yield line


def _setup_argument(tree: ast.Module, keyword_name: str) -> object:
    """Return the literal value of a ``setup(...)`` keyword (given directly or as a name bound to it), or None."""
    literals = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        for keyword in node.keywords if isinstance(node, ast.Call) else ():
            if keyword.arg != keyword_name:
                continue
            value = literals.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else keyword.value
            try:
                return ast.literal_eval(value) if value is not None else None
            except (ValueError, TypeError, SyntaxError, RecursionError):
                return None
    return None


def _strings(value: object) -> list[str]:
    """Return the strings of a literal list or tuple; nothing for anything else."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, (list, tuple)) else []


#: A trove classifier that names a Python version (``Programming Language :: Python :: 2.7``).
_PYTHON_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (\d+)(?:\.\d+)?\s*$")


def classifier_pin(classifiers: Iterable[str], source: str) -> Optional[Pin]:
    """Return the pin that classifiers naming only Python 2 versions make (every version below 3), or None.

    Classifiers that name any Python 3 say less than ``requires-python``
    and pin nothing here.
    """
    majors = {int(found.group(1)) for found in map(_PYTHON_CLASSIFIER.match, classifiers) if found}
    if majors != {2}:
        return None
    return Pin("python", "classifiers: Python 2 only", source, high=(3,))


def _setup_py_pins(tree: ast.Module, rel: str) -> Iterator[Pin]:
    """Yield the pins of a ``setup.py``: ``install_requires``, ``python_requires`` and Python 2-only classifiers."""
    requirements = _strings(_setup_argument(tree, "install_requires"))
    python = _setup_argument(tree, "python_requires")
    requirements += [f"python{python}"] if isinstance(python, str) else []
    yield from filter(None, (parse_requirement(r, rel) for r in requirements))
    yield from filter(None, [classifier_pin(_strings(_setup_argument(tree, "classifiers")), rel)])


def _read(path: Path) -> Optional[str]:
    """Return a file's text, or None when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _toml(text: str) -> dict:
    """Return a TOML document, or an empty one when it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}


def _pins_of(root: Path, path: Path, text: str) -> Iterator[Pin]:
    """Yield the pins one file declares."""
    rel = path.relative_to(root).as_posix()
    name = path.name
    if name.endswith(".txt"):
        yield from filter(None, (parse_requirement(line, rel) for line in _requirement_lines(text)))
    elif name == "setup.py":
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        yield from _setup_py_pins(tree, rel)
    elif name == "setup.cfg":
        import configparser  # only here: most projects have no setup.cfg, and it costs every run 10 ms

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
            lines = parser.get("options", "install_requires", fallback="")
        except configparser.Error:
            return
        yield from filter(None, (parse_requirement(r, rel) for r in _requirement_lines(lines)))
    else:
        yield from _toml_pins(_toml(text), name, rel)


def _get(data: object, *keys: str, default: object = None) -> object:
    """Return ``data[k1][k2]...``, or ``default`` where a level is missing or not a table."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def _toml_pins(data: dict, name: str, rel: str) -> Iterator[Pin]:
    """Yield the pins of ``pyproject.toml``, ``Pipfile`` or ``poetry.lock``."""
    requirements: list = []
    if name == "pyproject.toml":
        python = _get(data, "project", "requires-python")
        requirements = [f"python{python}"] if isinstance(python, str) else []
        dependencies = _get(data, "project", "dependencies")
        requirements += dependencies if isinstance(dependencies, list) else []
        yield from filter(None, [classifier_pin(_strings(_get(data, "project", "classifiers")), rel)])
        table = _get(data, "tool", "poetry", "dependencies")
    elif name == "Pipfile":
        table = _get(data, "packages")
    else:
        packages = _get(data, "package")
        table = (
            {
                p["name"]: f"=={p['version']}"
                for p in packages
                if isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("version"), str)
            }
            if isinstance(packages, list)
            else {}
        )
    yield from filter(None, (parse_requirement(r, rel) for r in requirements if isinstance(r, str)))
    for package, spec in table.items() if isinstance(table, dict) else ():
        yield from filter(None, [poetry_pin(package, spec, rel)])


#: Files that declare pins, besides ``requirements*.txt`` and ``requirements/*.txt``.
PIN_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "poetry.lock")
#: Folders never searched for pin files: installed packages and caches (hidden folders neither).
_NOT_SEARCHED = frozenset({"node_modules", "site-packages", "__pycache__"})


def find_pin_files(root: Path) -> list[Path]:
    """Return the files that declare pins at ``root`` and in the folders below it, root first.

    A Python package is not searched (its ``setup.py`` is a module, and a
    distribution's root is never inside one), nor are hidden folders,
    installed packages and virtual environments (a folder holding
    ``pyvenv.cfg``); symbolic links are not followed.
    """
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        if "__init__.py" in names or "pyvenv.cfg" in names:
            subfolders.clear()
            continue
        here = Path(folder)
        subfolders[:] = sorted(name for name in subfolders if not name.startswith(".") and name not in _NOT_SEARCHED)
        found += [here / name for name in PIN_FILES if name in names]
        requirements = here.name == "requirements" and here != root
        found += sorted(
            here / name for name in names if name.endswith(".txt") and (requirements or name.startswith("requirements"))
        )
    return found


def read_pins(root: Path, files: Optional[Iterable[Path]] = None) -> tuple[Pin, ...]:
    """Return every pin that ``files`` (default: :func:`find_pin_files`) declare, in a stable order."""
    pins: list[Pin] = []
    for path in find_pin_files(root) if files is None else files:
        text = _read(path) if path.is_file() else None
        if text is not None:
            pins.extend(_pins_of(root, path, text))
    return tuple(pins) + tuple(implied_pins(pins))


def implied_pins(pins: list[Pin]) -> Iterator[Pin]:
    """Yield the Werkzeug range that a service's Flask pins imply, where the service pins no Werkzeug itself.

    Flask's own requirements bound Werkzeug: Flask 0.12.5 pins
    ``Werkzeug<1.0`` (no Flask 0.x runs on Werkzeug 1.0), and Flask 2.0
    requires ``Werkzeug>=2.0``. Every Flask pin of the service must agree.
    """
    services: dict[str, list[Pin]] = {}
    for pin in pins:
        services.setdefault(pin_folder(pin.source), []).append(pin)
    for service in services.values():
        flask = pinned(service, "flask")
        if not flask or pinned(service, "werkzeug"):
            continue
        if all(pin.all_below((1, 0)) for pin in flask):
            yield Pin("werkzeug", flask[0].text, flask[0].source, high=(1, 0), implied="and so Werkzeug below 1.0")
        elif all(pin.none_below((2, 0)) for pin in flask):
            yield Pin("werkzeug", flask[0].text, flask[0].source, low=(2, 0), implied="and so Werkzeug 2.0 or later")


def pin_folder(source: str) -> str:
    """Return the folder whose code a pin file (root-relative) pins: ``requirements/*.txt`` pin the folder above."""
    folder = posixpath.dirname(source)
    return posixpath.dirname(folder) if posixpath.basename(folder) == "requirements" else folder


def service_pins(pins: Iterable[Pin], pin_files: Iterable[str], folder: str) -> tuple[Pin, ...]:
    """Return the pins of the code in ``folder`` (root-relative): those of the nearest folder above with pin files.

    A folder with pin files that pin nothing still hides the pins of the
    folders above it: its service pins nothing. Code outside the root follows
    the root's pins.
    """
    owners = {pin_folder(source) for source in pin_files}
    while folder and folder not in owners:
        parent = posixpath.dirname(folder)
        folder = "" if parent == folder else parent
    return tuple(pin for pin in pins if pin_folder(pin.source) == folder)


def pinned(pins: Iterable[Pin], name: str) -> list[Pin]:
    """Return the pins of distribution ``name`` (any spelling)."""
    name = canonical(name)
    return [pin for pin in pins if pin.name == name]


#: The target of a project that declares Python 2 only: flasklint cannot parse its code.
PYTHON2 = "py27"


def python_target(pins: Iterable[Pin], names: Iterable[str]) -> Optional[str]:
    """Return the oldest Python the project supports (``requires-python``) as one of ``names`` (``py312``).

    :data:`PYTHON2` when every Python it declares is below 3 (``python_requires``,
    classifiers); None when nothing declares it or it is not among ``names``.
    """
    if proves_before(pins, "python", (3,)):
        return PYTHON2
    lows = [pin.low for pin in pinned(pins, "python") if pin.known and pin.low and len(pin.low) > 1]
    name = "py{}{}".format(*max(lows)) if lows else None
    return name if name is not None and name in names else None


def proves_before(pins: Iterable[Pin], name: str, release: Version) -> Optional[Pin]:
    """Return a pin showing that every version of ``name`` the project allows is below ``release``.

    None unless the project pins ``name`` and every pin of it says so.
    """
    found = pinned(pins, name)
    return found[0] if found and all(pin.all_below(release) for pin in found) else None


def proves_from(pins: Iterable[Pin], name: str, release: Version) -> Optional[Pin]:
    """Return a pin showing that every version of ``name`` the project allows is ``release`` or later."""
    found = pinned(pins, name)
    return found[0] if found and all(pin.none_below(release) for pin in found) else None
