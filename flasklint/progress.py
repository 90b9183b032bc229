"""A progress bar on stderr for long runs in a terminal.

It appears only after the run has taken a while (so quick runs stay quiet),
only when stderr is a terminal, and never for machine-readable formats.
rich is imported only when the bar appears.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

#: Seconds before the bar appears.
DELAY = 2.0


class ProgressBar:
    """A context manager whose :meth:`update` is the engine's progress callback."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()
        self.progress: Optional[Progress] = None
        self.task: Optional[TaskID] = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()

    def update(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` files, once the run has lasted :data:`DELAY` seconds."""
        if not self.enabled:
            return
        if self.progress is None:
            if time.monotonic() - self.started < DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("flasklint"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self.task = self.progress.add_task("lint", total=total)
            self.progress.start()
        assert self.task is not None, "the task is added with the bar"
        self.progress.update(self.task, completed=done)
