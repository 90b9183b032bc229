"""A cache of per-file results, so unchanged files are not parsed again.

One file per flasklint version and configuration under
``.flasklint_cache/`` at the project root (which gets its own ``.gitignore``).
Each entry maps a root-relative path to the key of what was linted (content
hash, module name, selected rules) and its :class:`~flasklint.engine.FileResult`.
Project rules always rerun, on cached facts.

The cache lives in the project folder, so it is not trusted: it is read with
an unpickler that only builds flasklint's own data classes and plain
containers, and any entry that is corrupt, foreign or from another version is
ignored.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from . import __version__

FOLDER = ".flasklint_cache"
#: Cache files (configurations) kept per flasklint version.
KEEP = 4
_MAGIC = b"flasklint-cache-1\n"
_SAFE_BUILTINS = {("builtins", name) for name in ("set", "frozenset", "dict", "list", "tuple", "str",
                                                  "int", "bool", "NoneType")}


class _SafeUnpickler(pickle.Unpickler):
    """Build only flasklint's own classes and plain builtins."""

    def find_class(self, module: str, name: str):
        """Refuse anything outside the flasklint package."""
        if module == "flasklint" or module.startswith("flasklint.") or (module, name) in _SAFE_BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")


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

    def load(self) -> "Cache":
        """Read the cache file; a missing, corrupt or foreign file gives an empty cache."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return self
        if not data.startswith(_MAGIC):
            return self
        try:
            entries = _SafeUnpickler(io.BytesIO(data[len(_MAGIC):])).load()
        except Exception:  # any corrupt or hostile content: start afresh
            return self
        if isinstance(entries, dict):
            self.entries = {k: v for k, v in entries.items()
                            if isinstance(k, str) and isinstance(v, tuple) and len(v) == 2}
        return self

    def get(self, rel: str, key: str, kind: type) -> Optional[object]:
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
        """Write the cache atomically; failures are silent (a cache is optional)."""
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by flasklint.\n*\n")
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
        """
        files = sorted(self.path.parent.glob("*.pickle"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in files[KEEP:]:
            if old != self.path:
                old.unlink(missing_ok=True)
