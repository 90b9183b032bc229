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
    """The root, the files to lint and what git says about them."""

    root: Path
    files: list[SourceFile] = field(default_factory=list)
    in_git: bool = False


def git_toplevel(folder: Path) -> Optional[Path]:
    """Return the work tree holding ``folder``, or None when git is absent or it is not one."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(done.stdout.strip()).resolve() if done.returncode == 0 and done.stdout.strip() else None


def git_files(toplevel: Path) -> Optional[list[Path]]:
    """Return the files git tracks or would track in ``toplevel`` (None if git fails)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(toplevel), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [toplevel / name for name in names if name]


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
    project.in_git = listing is not None
    spec = pathspec.GitIgnoreSpec.from_lines(config.exclude + config.extend_exclude)
    namer = ModuleNamer()
    chosen: dict[str, SourceFile] = {}
    for given in paths:
        given = given.absolute()
        if given.is_dir():
            resolved = given.resolve()
            if listing is not None and (resolved == toplevel or toplevel in resolved.parents):
                candidates = [p for p in listing if resolved == p.parent or resolved in p.parents]
            else:
                candidates = walk_files(given)
        else:
            candidates = [given]
        for candidate in candidates:
            if candidate.suffix != ".py" or (candidate.is_symlink() and not candidate.exists()):
                continue
            if given.is_dir() and not candidate.is_file():
                continue
            rel = _relative(candidate, root)
            if _excluded(rel, spec) and given.is_dir() or spec.match_file(rel):
                continue
            module, is_package = namer.name(candidate.resolve() if candidate.exists() else candidate)
            chosen[rel] = SourceFile(path=str(candidate), rel=rel, module=module, is_package=is_package)
    project.files = [chosen[rel] for rel in sorted(chosen)]
    return project


def _relative(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` with ``/`` separators (absolute if outside)."""
    for base in (root, root.resolve()):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
