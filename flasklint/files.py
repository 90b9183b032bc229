"""Read the files of a linted project, and only those: the one way flasklint reads a file.

A repository is untrusted input. Only regular files are read (a FIFO would
block forever, ``/dev/zero`` never ends), their size is checked with
``fstat`` before a byte is read (a 4 GB sparse file costs nothing), and a
symbolic link is followed only when its target lies inside the folders the
run may read (``settings.py -> /proc/self/environ`` would print the
environment in a snippet).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib  # noqa: F401 - config and pins read TOML with it

#: Files flasklint reads besides the project's (pyproject.toml, a baseline)
#: may be this large: far more than any real one.
SETTINGS_FILE_SIZE = 16 * 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class Refused(OSError):
    """A file flasklint will not read; ``str()`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.strerror = reason


class TooLarge(Refused):
    """A file larger than the limit it is read with."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"file too large ({size:,} bytes; the limit is {limit:,})")
        self.size = size


class Boundary:
    """The folders a run may read files from (the project root, folders given outside it).

    The real path of each folder that holds a file is found once; a file
    that is itself a symbolic link is resolved in full.
    """

    def __init__(self, folders: Iterable[str]):
        self.folders = tuple(dict.fromkeys(os.path.join(os.path.realpath(folder), "") for folder in folders))
        self._real_folders: dict[str, str] = {}

    def real_path(self, path: str) -> Optional[str]:
        """Return the real path of ``path`` when it lies inside one of the folders, else None."""
        folder, name = os.path.split(os.path.abspath(path))
        real_folder = self._real_folders.get(folder)
        if real_folder is None:
            real_folder = self._real_folders[folder] = os.path.realpath(folder)
        real = os.path.join(real_folder, name)
        if os.path.islink(real):
            real = os.path.realpath(real)
        return real if any(os.path.join(real, "").startswith(base) for base in self.folders) else None


def read_bytes(path: str, limit: int, boundary: Optional[Boundary] = None) -> bytes:
    """Return the bytes of the regular file ``path``; raise :class:`Refused` or ``OSError`` instead.

    Refused: not a regular file, more than ``limit`` bytes, or, when a
    ``boundary`` is given, a real path outside it. At most ``limit`` bytes
    are ever read, even from a file that grows meanwhile. With a boundary,
    the real path found is what is opened, and it must not have become a
    link since.
    """
    flags = _FLAGS
    if boundary is not None:
        real = boundary.real_path(path)
        if real is None:
            raise Refused("symbolic link to a file outside the project")
        path, flags = real, flags | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file")
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise TooLarge(size, limit)
        return b"".join(chunks)
    finally:
        os.close(handle)


def read_text(path: str, limit: int, boundary: Optional[Boundary] = None) -> str:
    """Return the text of a file read with :func:`read_bytes`, undecodable bytes replaced."""
    return read_bytes(path, limit, boundary).decode("utf-8", "replace")
