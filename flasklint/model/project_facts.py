"""Everything project rules may read: the facts of every file and the project around them."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Callable, Optional

from ..files import read_bytes

if TYPE_CHECKING:
    from ..config import Config
    from ..facts import ModuleFacts
    from ..project import Project
    from ..templates import TemplateRead
    from .symbols import SymbolIndex


class ProjectFacts:
    """Everything project rules may read.

    ``modules`` are the facts of every Python file linted; ``index`` resolves
    names across them; ``project`` knows the root, every non-ignored file and
    which files git tracks; ``templates`` holds what the file pass read of
    each Flask template (:class:`.model.templates.TemplateLayout`). Project
    rules read other files (``.env``) through :meth:`read_text`, never by
    walking the disk themselves.
    """

    def __init__(
        self,
        project: Project,
        modules: list[ModuleFacts],
        index: SymbolIndex,
        config: Config,
        templates: Optional[dict[str, TemplateRead]] = None,
    ):
        self.project = project
        self.root = project.root
        self.modules = modules
        self.index = index
        self.config = config
        #: Each Flask template, by root-relative path: what parsing it gave.
        self.templates: dict[str, TemplateRead] = templates or {}
        self._memo: dict = {}

    def memo(self, key: str, build: Callable[[], object]):
        """Return what ``build()`` gives, built once per run: models several rules share."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def digest(self, rel: str) -> str:
        """Return the SHA-256 of a root-relative file's bytes, or ``""`` when it does not exist.

        Fixes that edit a file other than the finding's (``.gitignore``) carry
        it, so ``--fix`` never overwrites a file changed since the run.
        """
        try:
            return hashlib.sha256(self.read_bytes(rel)).hexdigest()
        except OSError:
            return ""

    def read_bytes(self, rel: str) -> bytes:
        """Return the bytes of a root-relative file; raise OSError when it cannot or must not be read.

        Only regular files inside the project of at most ``max-file-size``
        bytes are read (:func:`.files.read_bytes`).
        """
        return read_bytes(os.path.join(self.root, rel), self.config.max_file_size, self.project.boundary)

    def read_text(self, rel: str) -> Optional[str]:
        """Return the text of a root-relative file (line endings as written), or None if it cannot be read."""
        try:
            return self.read_bytes(rel).decode("utf-8", "replace")
        except OSError:
            return None
