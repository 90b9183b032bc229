"""Find the files to lint, ask git what it ignores, and name each module.

In a git work tree the file list comes from git itself (``git ls-files
--cached --others --exclude-standard``), so flasklint skips exactly what git
ignores. Elsewhere the ``.gitignore`` files are read with ``pathspec``.
``exclude`` globs from the configuration use the same gitignore syntax.
Whether the ignore rules cover a given path (``.env``, ``instance/``), or
re-include it on purpose (``!.env.example``), is asked of git once per run
(``git check-ignore --verbose --stdin``), or of the same ``.gitignore``
files without git.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional, Union

import pathspec

from .config import Config, is_project_root
from .files import SETTINGS_FILE_SIZE, Boundary, read_text

#: Folders never linted, as in ruff.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "venv",
    "site-packages",
    "__pycache__",
    ".flasklint_cache",
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
    #: Ignored ``.py``/``.cfg`` files under an ``instance/`` folder: per-machine
    #: configuration, read only by rules that must see it (weak secret keys).
    ignored_instance: list[str] = field(default_factory=list)
    #: Folders holding a ``pyvenv.cfg`` (virtual environments) that nothing ignores.
    venvs: list[str] = field(default_factory=list)
    #: The folders whose files may be read: the root, and folders given outside it.
    boundary: Optional[Boundary] = None
    _ignore_answers: dict = field(default_factory=dict, repr=False)

    @property
    def in_git(self) -> bool:
        """Return whether git answered for this project."""
        return self.tracked is not None

    def ignored(self, paths: Iterable[str]) -> frozenset:
        """Return which of the root-relative ``paths`` the repository's ignore rules cover.

        Tracked files count as covered when a rule matches them. Git answers
        in a work tree, in one call for all the paths not asked before;
        elsewhere the ``.gitignore`` files from the root down are read.
        """
        patterns = self.ignore_patterns(paths)
        return frozenset(p for p, pattern in patterns.items() if pattern and not pattern.startswith("!"))

    def reincluded(self, paths: Iterable[str]) -> dict:
        """Return ``{path: pattern}`` for the ``paths`` an ignore rule re-includes on purpose (``!.env.example``).

        A negated pattern that decides for a path says the repository's
        authors want that file committed, though a broader rule (``.env*``)
        ignores its neighbours.
        """
        return {p: pattern for p, pattern in self.ignore_patterns(paths).items() if pattern.startswith("!")}

    def ignore_patterns(self, paths: Iterable[str]) -> dict:
        """Return ``{path: the ignore pattern that decides for it}`` for the ``paths`` some pattern matches.

        A pattern starting with ``!`` re-includes its path. Answers are kept
        for the run, so each path is asked once.
        """
        paths = list(dict.fromkeys(paths))
        asked = [p for p in paths if p not in self._ignore_answers]
        if asked:
            found = git_ignore_patterns(self.root, asked) if self.in_git else None
            if found is None:
                found = {p: gitignore_pattern(self.root, p, self.boundary) for p in asked}
            self._ignore_answers.update((p, found.get(p) or "") for p in asked)
        return {p: self._ignore_answers[p] for p in paths if self._ignore_answers[p]}


def git_toplevel(folder: Path) -> Optional[Path]:
    """Return the work tree holding ``folder``, or None when git is absent or it is not one."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(done.stdout.strip()).resolve() if done.returncode == 0 and done.stdout.strip() else None


def git_files(toplevel: Path, unreadable: Optional[list] = None) -> Optional[tuple[list[str], frozenset]]:
    """Return the paths of the files git tracks or would track in ``toplevel``, and the tracked ones.

    One ``git ls-files -t`` call answers both; None when git fails. The
    folders git could not open go to ``unreadable`` as ``(path, reason)``.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(toplevel), "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    if unreadable is not None:
        for folder, reason in _GIT_UNREADABLE.findall(done.stderr.decode("utf-8", "surrogateescape")):
            unreadable.append((os.path.join(str(toplevel), folder.rstrip("/")), f"cannot read folder: {reason}"))
    listed, tracked = [], set()
    for entry in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) < 3:
            continue
        path = os.path.join(str(toplevel), entry[2:])
        if entry[0] != "?":
            tracked.add(path)
        listed.append(path)
    return listed, frozenset(tracked)


#: How git says that it could not list a folder.
_GIT_UNREADABLE = re.compile(r"could not open directory '(.*)': (.*)")


def git_ignore_patterns(folder: Path, paths: list[str]) -> Optional[dict]:
    """Return ``{path: deciding pattern}`` for the ``paths`` (relative to ``folder``) a git ignore rule matches.

    ``git check-ignore -v`` names the pattern that decides, a negated one
    (``!.env.example``) included. ``--no-index`` judges tracked files by the
    rules too, and the user's own excludes file is left out: the question
    is what the repository ignores for everyone who clones it. None when
    git fails.
    """
    try:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(folder),
                "-c",
                f"core.excludesFile={os.devnull}",
                "check-ignore",
                "--no-index",
                "--verbose",
                "--stdin",
                "-z",
            ],
            input="\0".join(paths).encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1):
        return None
    # Four fields per matched path: source, line number, pattern, path.
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {fields[i + 3]: fields[i + 2] for i in range(0, len(fields) - 3, 4)}


def gitignore_pattern(root: Path, rel: str, boundary: Optional[Boundary] = None) -> Optional[str]:
    """Return the ``.gitignore`` pattern that decides for ``rel`` (no git needed), or None when none matches.

    As in git, a file in an ignored folder stays ignored whatever re-includes
    it (``instance/`` then ``!instance/.gitkeep``); otherwise the deepest
    ``.gitignore`` with a matching pattern decides, and in it the last
    matching pattern. A negated one starts with ``!``.
    """
    parts = rel.rstrip("/").split("/")
    for depth in range(1, len(parts)):
        folder = _deciding_pattern(root, "/".join(parts[:depth]) + "/", boundary)
        if folder and not folder.startswith("!"):
            return folder
    return _deciding_pattern(root, rel, boundary)


def _deciding_pattern(root: Path, rel: str, boundary: Optional[Boundary] = None) -> Optional[str]:
    """Return the last pattern matching ``rel`` in the deepest ``.gitignore`` that has one, or None."""
    parts = rel.rstrip("/").split("/")
    decided = None
    for depth in range(len(parts)):
        ignore = read_ignore_file(os.path.join(root, *parts[:depth], ".gitignore"), boundary)
        if ignore is None:
            continue
        result = ignore.spec.check_file("/".join(parts[depth:]) + rel[len(rel.rstrip("/")) :])
        if result.index is not None:
            pattern = ignore.spec.patterns[result.index].pattern
            assert isinstance(pattern, str), "the patterns are read from text lines"
            decided = pattern
    return decided


def read_ignore_file(path: str, boundary: Optional[Boundary] = None) -> Optional[IgnoreFile]:
    """Return the ignore file at ``path``, or None when there is none that may be read."""
    try:
        return IgnoreFile(read_text(path, SETTINGS_FILE_SIZE, boundary).splitlines())
    except OSError:
        return None


def git_ignored_instance(toplevel: Path) -> list[Path]:
    """Return the ``.py``/``.cfg`` files git ignores under any ``instance/`` folder of ``toplevel``."""
    try:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(toplevel),
                "ls-files",
                "-z",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--",
                ":(glob)**/instance/**/*.py",
                ":(glob)**/instance/**/*.cfg",
            ],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [toplevel / entry for entry in done.stdout.decode("utf-8", "surrogateescape").split("\0") if entry]


class IgnoreFile:
    """One ``.gitignore`` read with pathspec, with a quick test for paths no pattern matches.

    Most files are not ignored: one regular expression with every pattern
    joined tells so at once; pathspec's own match decides the rest
    (negations, order). Most patterns match in any folder and start alike
    (``^(?:.+/)?``): that start is written once, so the folders of a path
    are tried once for all of them, not once per pattern. A line that is no
    valid pattern (``!``, ``\\``, ``[z-a]``) is left out, as git leaves it out.
    """

    def __init__(self, lines: list[str]):
        self.spec = gitignore_spec(lines)
        patterns = [
            _NAMED_GROUP.sub("(?:", p.regex.pattern)
            for p in self.spec.patterns
            if p.include is not None and p.regex is not None
        ]
        anywhere = [p[len(_ANY_FOLDER) :] for p in patterns if p.startswith(_ANY_FOLDER)]
        others = [p for p in patterns if not p.startswith(_ANY_FOLDER)]
        if anywhere:
            others.append(_ANY_FOLDER + "(?:" + "|".join(anywhere) + ")")
        try:
            joined = re.compile("|".join(f"(?:{p})" for p in others) or "(?!)")
        except re.error:
            joined = re.compile("")
        self.any_pattern = joined.match if all(p.startswith("^") for p in others) else joined.search

    def match_file(self, rel: str) -> bool:
        """Return whether the ignore file ignores root-relative ``rel`` (folders end with ``/``)."""
        return self.any_pattern(rel) is not None and self.spec.match_file(rel)


def gitignore_spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    """Return the patterns of ``lines`` as one spec, without the lines that are no valid pattern."""
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):
        return pathspec.GitIgnoreSpec.from_lines([line for line in lines if is_valid_pattern(line)])


def is_valid_pattern(line: str) -> bool:
    """Return whether one gitignore line compiles (blank lines and comments do)."""
    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except (ValueError, re.error):
        return False
    return True


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
#: How pathspec begins a pattern that matches in any folder.
_ANY_FOLDER = "^(?:.+/)?"


def walk_files(
    folder: Path, skipped: Optional[list] = None, boundary: Optional[Boundary] = None, unreadable: Optional[list] = None
) -> list[str]:
    """Return the paths of the files under ``folder`` that its ``.gitignore`` files do not ignore.

    Paths are strings (``folder`` joined with the names below it): the walk
    meets every file of the project. ``skipped``, when given, receives
    ``(path, is_dir, ignored)`` for what was left out: ignored files and
    folders, and folders excluded by default. ``unreadable``, when given,
    receives ``(path, reason)`` for each folder that could not be listed.
    """
    found = []
    #: (folder with a trailing "/", its .gitignore), outermost first.
    specs: list[tuple[str, IgnoreFile]] = []

    def note_unreadable(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append((error.filename, f"cannot read folder: {error.strerror or error}"))

    for current, dirs, names in os.walk(folder, onerror=note_unreadable):
        here = os.path.join(current, "")
        specs = [(base, spec) for base, spec in specs if here.startswith(base)]
        spec = read_ignore_file(here + ".gitignore", boundary) if ".gitignore" in names else None
        if spec is not None:
            specs.append((here, spec))
        # Each spec tests paths relative to its own folder: the part of ``here`` below it.
        tails = [(here[len(base) :], spec) for base, spec in specs]

        def ignored(name: str, is_dir: bool, tails: list = tails) -> bool:
            path = name + "/" if is_dir else name
            return any(spec.match_file(tail + path) for tail, spec in tails)

        kept = []
        for name in sorted(dirs):
            is_ignored = ignored(name, True)
            if name not in DEFAULT_EXCLUDE and not is_ignored:
                kept.append(name)
            elif skipped is not None:
                skipped.append((Path(current, name), True, is_ignored))
        dirs[:] = kept
        for name in sorted(names):
            if not ignored(name, False):
                found.append(here + name)
            elif skipped is not None:
                skipped.append((Path(current, name), False, True))
    return found


class ModuleNamer:
    """Name modules from package roots (folders with ``__init__.py``).

    Works on path strings: it runs for every Python file of the project.
    """

    def __init__(self) -> None:
        self._is_package: dict[str, bool] = {}
        self._real_folders: dict[str, str] = {}

    def real_path(self, path: str) -> str:
        """Return ``path`` with symbolic links resolved, resolving each folder once."""
        if os.path.islink(path):
            return os.path.realpath(path)
        folder, name = os.path.split(path)
        if folder not in self._real_folders:
            self._real_folders[folder] = str(Path(folder).resolve())
        return os.path.join(self._real_folders[folder], name)

    def is_package_dir(self, folder: str) -> bool:
        """Return whether ``folder`` holds an ``__init__.py`` (cached)."""
        if folder not in self._is_package:
            self._is_package[folder] = os.path.isfile(os.path.join(folder, "__init__.py"))
        return self._is_package[folder]

    def name(self, path: str) -> tuple[str, bool]:
        """Return ``(dotted module name, is_package)`` for the real path of a ``.py`` file."""
        folder, filename = os.path.split(path)
        stem = os.path.splitext(filename)[0]
        parts = [] if stem == "__init__" else [stem]
        while self.is_package_dir(folder) and os.path.dirname(folder) != folder:
            parts.insert(0, os.path.basename(folder))
            folder = os.path.dirname(folder)
        return ".".join(parts), stem == "__init__"


def _excluded(rel: str, spec: pathspec.PathSpec) -> bool:
    """Return whether a root-relative path is excluded by config or by default."""
    parts = rel.split("/")
    return any(p in DEFAULT_EXCLUDE for p in parts[:-1]) or spec.match_file(rel)


def discover(
    paths: Iterable[Path], config: Config, root: Path, unsaved: frozenset = frozenset(), alone: bool = False
) -> Project:
    """Return the project at ``root`` with the Python files under ``paths``.

    Files are never taken from outside the project: a symbolic link whose
    target lies outside the root (and outside the folders given), a FIFO or
    a device is left out with a warning (``skipped``). With ``alone`` (files
    outside any project, see :func:`lone_files`) the files given are the
    whole project: nothing else is listed or read. ``unsaved`` holds
    root-relative paths of files that are linted from a buffer rather than
    the disk: they count as Python files even when the disk has no such file
    yet.
    """
    paths = [Path(os.path.normpath(given.absolute())) for given in paths]
    boundary = Boundary(
        [str(root)]
        + [str(given if given.is_dir() else given.parent) for given in paths if _outside(relative_path(given, root))]
    )
    project = Project(root=root, boundary=boundary)
    toplevel = None if alone else git_toplevel(root)
    unreadable: list = []
    listing = git_files(toplevel, unreadable) if toplevel else None
    if alone:
        candidates, instance, venvs = [str(given) for given in paths], [], []
    elif listing is not None:
        assert toplevel is not None, "git lists the files of a work tree"
        project.toplevel = toplevel
        candidates = listing[0]
        project.tracked = frozenset(relative_path(p, root) for p in listing[1])
        instance = git_ignored_instance(toplevel)
        venvs = [os.path.dirname(p) for p in candidates if os.path.basename(p) == "pyvenv.cfg"]
    else:
        skipped: list = []
        candidates = walk_files(root, skipped, boundary, unreadable)
        instance = _ignored_instance(skipped)
        venvs = [p for p, is_dir, ignored in skipped if is_dir and not ignored and (p / "pyvenv.cfg").is_file()]
    inside = [relative_path(p, root) for p in instance]
    project.ignored_instance = sorted(
        rel for rel in inside if not _outside(rel) and not set(rel.split("/")[:-1]) & set(DEFAULT_EXCLUDE)
    )
    project.venvs = sorted(relative_path(p, root) for p in venvs)
    spec = pathspec.GitIgnoreSpec.from_lines(config.exclude + config.extend_exclude)
    everything: dict[str, str] = {}
    refused: dict[str, str] = {}
    for candidate in candidates:
        rel = relative_path(candidate, root)
        if not _outside(rel) and not _excluded(rel, spec):
            _admit(rel, candidate, boundary, everything, refused)
    project.all_files = sorted(everything)
    namer = ModuleNamer()
    selected: dict[str, str] = {}
    for given in paths:
        if given.is_dir():
            prefix = relative_path(given, root).rstrip("/") + "/"
            if _outside(prefix):
                base = os.path.join(str(given), "")
                for path in walk_files(given, boundary=boundary, unreadable=unreadable):
                    _admit(prefix + _below(path, base), path, boundary, selected, refused)
            else:
                selected.update(
                    (rel, p) for rel, p in everything.items() if prefix in ("./", "/") or rel.startswith(prefix)
                )
        elif not spec.match_file(relative_path(given, root)):
            rel = relative_path(given, root)
            if rel in unsaved:  # an editor's buffer: there may be no file yet
                selected[rel] = str(given)
            else:
                _admit(rel, str(given), boundary, selected, refused)
    project.targets = frozenset(selected).union(rel for rel in project.ignored_instance if _selects(paths, root / rel))
    project.skipped = [(relative_path(path, root), reason) for path, reason in unreadable]
    project.skipped += [(rel, reason) for rel, reason in refused.items() if _selects(paths, root / rel)]
    project.files = _python_files(selected, namer, project.skipped, unsaved)
    context = {rel: p for rel, p in everything.items() if rel not in selected}
    project.context_files = _python_files(context, namer, [], unsaved)
    return project


def lone_files(paths: Iterable[Path], root: Path) -> bool:
    """Return whether ``paths`` are files outside any project (no project root marker at ``root``).

    Such files are linted alone: the folder holding them may be ``/tmp`` or
    a home folder, which is neither walked nor given a cache.
    """
    return not is_project_root(root) and all(not Path(given).is_dir() for given in paths)


def _outside(rel: str) -> bool:
    """Return whether a path made by :func:`relative_path` lies outside the root."""
    return rel.startswith(("../", "/"))


def _admit(rel: str, path: str, boundary: Boundary, kept: dict, refused: dict) -> None:
    """Put a listed file in ``kept``, or in ``refused`` with the reason it must not be read.

    Only what is no file at all (a folder, a file gone since it was
    listed) is dropped silently; a broken link stays, to be reported.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if stat.S_ISLNK(mode) and boundary.real_path(path) is None:
        refused[rel] = "symbolic link to a file outside the project"
    elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        kept[rel] = path
    elif not stat.S_ISDIR(mode):
        refused[rel] = "not a regular file"


def _ignored_instance(skipped: list) -> list[Path]:
    """Return the ``.py``/``.cfg`` files among ``walk_files``' ignored entries that lie in an ``instance/`` folder."""
    found: list[Path] = []
    for path, is_dir, ignored in skipped:
        if not ignored:
            continue
        files = sorted(path.rglob("*")) if is_dir and "instance" in path.parts else [path]
        found.extend(f for f in files if "instance" in f.parts[:-1] and f.suffix in (".py", ".cfg") and f.is_file())
    return found


def _selects(paths: Iterable[Path], target: Path) -> bool:
    """Return whether one of the given ``paths`` is ``target`` or a folder holding it."""
    target = target.absolute()
    return any(given.absolute() == target or given.absolute() in target.parents for given in paths)


def _python_files(
    paths: dict[str, str], namer: ModuleNamer, skipped: list, unsaved: frozenset = frozenset()
) -> list[SourceFile]:
    """Return the ``.py`` files among ``paths``, named and sorted; note those unusable.

    Files in ``unsaved`` are taken as regular files whatever the disk says.
    """
    found = []
    for rel in sorted(paths):
        path = paths[rel]
        if not path.endswith(".py") or len(os.path.basename(path)) == 3:  # ".py" alone has no suffix
            continue
        try:
            mode = stat.S_IFREG if rel in unsaved else os.stat(path).st_mode
        except OSError:
            mode = 0
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode):
            skipped.append((rel, _why_not_a_file(Path(path))))
            continue
        module, is_package = namer.name(namer.real_path(path))
        found.append(SourceFile(path=path, rel=rel, module=module, is_package=is_package))
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


def relative_path(path: Union[str, Path], root: Path) -> str:
    """Return ``path`` relative to ``root`` with ``/`` separators (absolute if outside).

    Names that are not valid UTF-8 are shown with U+FFFD, so that every
    output format can print them.
    """
    text, base = str(path), os.path.join(str(root), "")
    if text.startswith(base) and ".." not in text.split(os.sep):
        return _below(text, base)
    path = Path(path)
    for folder in (root, _resolved(root)):
        try:
            return _printable(path.relative_to(folder).as_posix())
        except ValueError:
            pass
    try:
        return _printable(path.resolve().relative_to(_resolved(root)).as_posix())
    except ValueError:
        return _printable(path.as_posix())


def _below(path: str, base: str) -> str:
    """Return ``path``, which starts with folder ``base`` (ending in a separator), relative to it, printable."""
    return _printable(path[len(base) :].replace(os.sep, "/"))


@lru_cache(maxsize=16)
def _resolved(folder: Path) -> Path:
    """Return ``folder`` with symbolic links resolved, once per run and folder."""
    return folder.resolve()


def _printable(name: str) -> str:
    """Return ``name`` with undecodable bytes (surrogate escapes) replaced."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
