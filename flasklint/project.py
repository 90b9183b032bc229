"""Find the files to lint, ask git what it ignores, and name each module.

In a git work tree the file list comes from git itself (``git ls-files
--cached --others --exclude-standard``), so flasklint skips exactly what git
ignores. Elsewhere the ``.gitignore`` files are read with ``pathspec``.
``exclude`` globs from the configuration use the same gitignore syntax.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pathspec

from .config import Config

#: Folders never linted, as in ruff.
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out", "build", "dist",
    "node_modules", "venv", "site-packages", "__pycache__", ".flasklint_cache",
)


@dataclass(frozen=True)
class SourceFile:
    """A Python file of the project and the module it is."""

    path: str
    rel: str
    module: str
    is_package: bool


@dataclass
class Project:
    """The root, the files to lint and what git says about them.

    ``files`` are the Python files to lint. ``all_files`` lists every file of
    the project that git (or ``.gitignore``) does not ignore, root-relative,
    for project rules that read templates, ``.env`` files or Dockerfiles.
    ``tracked`` holds the files git tracks, or None when the project is not a
    git work tree (then tracked-ness can only be inferred from ``.gitignore``).
    """

    root: Path
    files: list[SourceFile] = field(default_factory=list)
    #: Python files outside the given paths, read for facts only (imports,
    #: apps, config), so that linting one file still sees its project.
    context_files: list[SourceFile] = field(default_factory=list)
    #: Every root-relative path the given paths select, of any kind; findings
    #: are reported only there.
    targets: frozenset = frozenset()
    all_files: list[str] = field(default_factory=list)
    tracked: Optional[frozenset] = None
    toplevel: Optional[Path] = None
    #: ``(path, reason)`` for Python files that could not be linted at all.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def in_git(self) -> bool:
        """Return whether git answered for this project."""
        return self.tracked is not None


def git_toplevel(folder: Path) -> Optional[Path]:
    """Return the work tree holding ``folder``, or None when git is absent or it is not one."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(done.stdout.strip()).resolve() if done.returncode == 0 and done.stdout.strip() else None


def git_files(toplevel: Path) -> Optional[tuple[list[Path], frozenset]]:
    """Return the files git tracks or would track in ``toplevel``, and the tracked ones.

    One ``git ls-files -t`` call answers both; None when git fails.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(toplevel), "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard"],
            capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    listed, tracked = [], set()
    for entry in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) < 3:
            continue
        path = toplevel / entry[2:]
        if entry[0] != "?":
            tracked.add(path)
        listed.append(path)
    return listed, frozenset(tracked)


def walk_files(folder: Path) -> list[Path]:
    """Return the files under ``folder`` that its ``.gitignore`` files do not ignore."""
    found = []
    specs: list[tuple[Path, pathspec.PathSpec]] = []
    for current, dirs, names in os.walk(folder):
        here = Path(current)
        specs = [(base, spec) for base, spec in specs if base == here or base in here.parents]
        ignore_file = here / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                specs.append((here, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass

        def ignored(path: Path, is_dir: bool) -> bool:
            for base, spec in specs:
                rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
                if spec.match_file(rel):
                    return True
            return False

        dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDE and not ignored(here / d, True))
        found.extend(here / n for n in sorted(names) if not ignored(here / n, False))
    return found


class ModuleNamer:
    """Name modules from package roots (folders with ``__init__.py``)."""

    def __init__(self):
        self._is_package: dict[Path, bool] = {}

    def is_package_dir(self, folder: Path) -> bool:
        """Return whether ``folder`` holds an ``__init__.py`` (cached)."""
        if folder not in self._is_package:
            self._is_package[folder] = (folder / "__init__.py").is_file()
        return self._is_package[folder]

    def name(self, path: Path) -> tuple[str, bool]:
        """Return ``(dotted module name, is_package)`` for a ``.py`` file."""
        parts = [] if path.stem == "__init__" else [path.stem]
        folder = path.parent
        while self.is_package_dir(folder):
            parts.insert(0, folder.name)
            folder = folder.parent
        return ".".join(parts), path.stem == "__init__"


def _excluded(rel: str, spec: pathspec.PathSpec) -> bool:
    """Return whether a root-relative path is excluded by config or by default."""
    parts = rel.split("/")
    return any(p in DEFAULT_EXCLUDE for p in parts[:-1]) or spec.match_file(rel)


def discover(paths: Iterable[Path], config: Config, root: Path) -> Project:
    """Return the project at ``root`` with the Python files under ``paths``."""
    project = Project(root=root)
    toplevel = git_toplevel(root)
    listing = git_files(toplevel) if toplevel else None
    if listing is not None:
        project.toplevel = toplevel
        candidates = [p for p in listing[0] if p.is_file() or p.is_symlink()]
        project.tracked = frozenset(_relative(p, root) for p in listing[1])
    else:
        candidates = walk_files(root)
    spec = pathspec.GitIgnoreSpec.from_lines(config.exclude + config.extend_exclude)
    everything = {}
    for candidate in candidates:
        rel = _relative(candidate, root)
        if not rel.startswith("../") and not rel.startswith("/") and not _excluded(rel, spec):
            everything[rel] = candidate
    project.all_files = sorted(everything)
    namer = ModuleNamer()
    selected: dict[str, Path] = {}
    for given in paths:
        given = given.absolute()
        if given.is_dir():
            prefix = _relative(given, root).rstrip("/") + "/"
            if prefix.startswith("../") or prefix.startswith("/"):
                selected.update((_relative(p, root), p) for p in walk_files(given))
            else:
                selected.update((rel, p) for rel, p in everything.items()
                                if prefix in ("./", "/") or rel.startswith(prefix))
        elif not spec.match_file(_relative(given, root)):
            selected[_relative(given, root)] = given
    project.targets = frozenset(selected)
    project.files = _python_files(selected, namer, project.skipped)
    context = {rel: p for rel, p in everything.items() if rel not in selected}
    project.context_files = _python_files(context, namer, [])
    return project


def _python_files(paths: dict[str, Path], namer: ModuleNamer, skipped: list) -> list[SourceFile]:
    """Return the ``.py`` files among ``paths``, named and sorted; note those unusable."""
    found = []
    for rel in sorted(paths):
        path = paths[rel]
        if path.suffix != ".py" or path.is_dir():
            continue
        if not path.is_file():
            skipped.append((rel, _why_not_a_file(path)))
            continue
        module, is_package = namer.name(path.resolve())
        found.append(SourceFile(path=str(path), rel=rel, module=module, is_package=is_package))
    return found


def _why_not_a_file(path: Path) -> str:
    """Return why ``path`` cannot be read as a file."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except (RuntimeError, OSError) as exc:
            if "loop" in str(exc).lower() or getattr(exc, "errno", None) == 40:
                return "symbolic link loop"
        return "broken symbolic link"
    return "not a regular file" if path.exists() else "file disappeared"


def _relative(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` with ``/`` separators (absolute if outside).

    Names that are not valid UTF-8 are shown with U+FFFD, so that every
    output format can print them.
    """
    for base in (root, root.resolve()):
        try:
            return _printable(path.relative_to(base).as_posix())
        except ValueError:
            pass
    try:
        return _printable(path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return _printable(path.as_posix())


def _printable(name: str) -> str:
    """Return ``name`` with undecodable bytes (surrogate escapes) replaced."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
