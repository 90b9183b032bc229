"""A cache of per-file results, so unchanged files are not parsed again.

One file per flasklint version and configuration under
``.flasklint_cache/`` at the project root (which gets its own ``.gitignore``).
Each entry maps a root-relative path to the key of what was linted (content
hash, module name, selected rules) and its :class:`~flasklint.engine.FileResult` (or, for a template, its
:class:`~flasklint.templates.TemplateRead`).
Project rules always rerun, on cached facts.

The cache lives in the project folder, so it is not trusted: it is read with
an unpickler that only builds flasklint's own data classes (looked up by
plain name in the modules of :data:`DATA_MODULES`) and plain containers, and
any entry that is corrupt, foreign or from another version is ignored. No
symbolic link in the cache folder is ever followed, and its ``.gitignore`` is
written only into a folder flasklint created.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import io
import os
import pickle
import pkgutil
import tempfile
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from stat import S_ISREG
from typing import Optional, TypeVar

from . import __version__

FOLDER = ".flasklint_cache"
#: Cache files (configurations) kept per flasklint version.
KEEP = 4
_MAGIC = b"flasklint-cache-1\n"
_Entry = TypeVar("_Entry")
#: Temporary files older than this (seconds) were left by a run that died: pruned.
STALE = 3600
#: The modules whose data classes (dataclasses, named tuples, enums) cache entries hold.
DATA_MODULES = ("flasklint.engine.filepass", "flasklint.findings", "flasklint.templates", "flasklint.facts")
_SAFE_BUILTINS = {
    ("builtins", cls.__name__): cls for cls in (set, frozenset, dict, list, tuple, str, int, bool, type(None))
}


@cache
def data_classes() -> dict[tuple[str, str], type]:
    """Return every class a cache file may build, by ``(module, name)``.

    The data classes defined in :data:`DATA_MODULES` and in the modules of
    :mod:`flasklint.facts`, and a few plain builtins: nothing that runs code
    when called.
    """
    from . import facts

    names = [*DATA_MODULES, *(f"{facts.__name__}.{info.name}" for info in pkgutil.iter_modules(facts.__path__))]
    modules = [importlib.import_module(name) for name in names]
    found = dict(_SAFE_BUILTINS)
    for module in modules:
        for name, value in vars(module).items():
            # type(value), not isinstance: asking a lazily imported module (LibCST) for its class imports it.
            if issubclass(type(value), type) and value.__module__ == module.__name__ and _is_data_class(value):
                found[module.__name__, name] = value
    return found


def _is_data_class(cls: type) -> bool:
    """Return whether ``cls`` is a dataclass, a named tuple or an enum."""
    return (
        dataclasses.is_dataclass(cls)
        or issubclass(cls, enum.Enum)
        or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
    )


class _SafeUnpickler(pickle.Unpickler):
    """Build only flasklint's own data classes and plain builtins."""

    def find_class(self, module: str, name: str):
        """Return the class only if :func:`data_classes` lists it under this exact name."""
        found = data_classes().get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")
        return found


def code_fingerprint() -> str:
    """Return a hash of flasklint's own source files (names, sizes, times).

    Facts change shape between versions and during development; a cache made
    by other code must never be read as if it were ours.
    """
    package = Path(__file__).resolve().parent
    return files_fingerprint(sorted(package.rglob("*.py")), package, __version__)


def files_fingerprint(paths: Iterable[Path], base: Optional[Path] = None, seed: str = "") -> str:
    """Return a hash of the names, sizes and modification times of ``paths``."""
    digest = hashlib.sha256(seed.encode())
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.relative_to(base) if base else path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def settings_key(config, rule_codes: tuple[str, ...], plugin_files: Iterable[Path] = ()) -> str:
    """Return a key for everything besides file content that shapes a file's result.

    ``plugin_files`` are the source files of the plugins whose rules run.
    """
    text = repr((code_fingerprint(), files_fingerprint(plugin_files), sorted(rule_codes), config))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def entry_key(digest: str, module: str, is_package: bool) -> str:
    """Return the key of one file's entry."""
    return f"{digest}:{module}:{int(is_package)}"


class Cache:
    """The cached results of one project for one version and configuration."""

    def __init__(self, folder: Path, settings: str):
        self.folder = folder
        self.path = folder / __version__ / f"{settings}.pickle"
        self.entries: dict[str, tuple[str, object]] = {}
        self.changed = False

    def load(self) -> Cache:
        """Read the cache file; a missing, corrupt, foreign or linked file gives an empty cache."""
        data = _read_regular(self.path) if _real_folder(self.folder) and _real_folder(self.path.parent) else None
        if data is None or not data.startswith(_MAGIC):
            return self
        try:
            entries = _SafeUnpickler(io.BytesIO(data[len(_MAGIC) :])).load()
        except Exception:  # any corrupt or hostile content: start afresh
            return self
        if isinstance(entries, dict):
            self.entries = {
                k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, tuple) and len(v) == 2
            }
        return self

    def get(self, rel: str, key: str, kind: type[_Entry]) -> Optional[_Entry]:
        """Return the cached result for ``rel`` if it was made from ``key``."""
        entry = self.entries.get(rel)
        if entry and entry[0] == key and isinstance(entry[1], kind):
            return entry[1]
        return None

    def put(self, rel: str, key: str, result: object) -> None:
        """Remember a result."""
        self.entries[rel] = (key, result)
        self.changed = True

    def save(self) -> None:
        """Write the cache atomically; failures are silent (a cache is optional).

        Nothing is written when the cache folder or its version folder is a
        symbolic link; the ``.gitignore`` that hides the cache from git goes
        only into a cache folder this call created (``--cache-dir .`` must
        not hide the project).
        """
        if not self.changed:
            return
        try:
            created = _make_folder(self.folder)
            if not _real_folder(self.folder):
                return
            _make_folder(self.path.parent)
            if not _real_folder(self.path.parent):
                return
            if created:
                _write_new(self.folder / ".gitignore", b"# Created by flasklint.\n*\n")
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(_MAGIC)
                pickle.dump(self.entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        """Delete all but the :data:`KEEP` most recently written cache files of this version.

        Each configuration (and each flasklint build) writes its own file;
        without pruning they pile up, tens of megabytes each on big projects.
        Temporary files of runs that died (older than :data:`STALE`) go too.
        Links are deleted, never followed.
        """
        with os.scandir(self.path.parent) as entries:
            found = [(entry.stat(follow_symlinks=False).st_mtime_ns, entry.name) for entry in entries]
        pickles = sorted((item for item in found if item[1].endswith(".pickle")), reverse=True)
        stale = time.time_ns() - STALE * 10**9
        doomed = [name for _, name in pickles[KEEP:] if name != self.path.name]
        doomed += [name for mtime, name in found if name.startswith("tmp") and name.endswith(".tmp") and mtime < stale]
        for name in doomed:
            (self.path.parent / name).unlink(missing_ok=True)


def _real_folder(path: Path) -> bool:
    """Return whether ``path`` is a folder, not a symbolic link to one."""
    return path.is_dir() and not path.is_symlink()


def _make_folder(path: Path) -> bool:
    """Create the folder ``path`` (and its parents) unless it exists; return whether it was created."""
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        return False
    return True


def _read_regular(path: Path) -> Optional[bytes]:
    """Return the bytes of ``path`` if it is a regular file and not a link, else None."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        with open(os.open(path, flags), "rb") as stream:
            return stream.read() if S_ISREG(os.fstat(stream.fileno()).st_mode) else None
    except OSError:
        return None


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file at ``path``; an existing file or link there is left alone (OSError)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(path, flags, 0o644), "wb") as stream:
        stream.write(data)
