"""The engine: from the paths given to the sorted findings.

- :mod:`.run` runs and decides: discovery, the file pass, then in this
  process the project model, template FL000s, project rules, suppressions,
  per-file-ignores and sorting;
- :mod:`.filepass` reads each file once and lints it, or parses it when it
  is a template, through the cache;
- :mod:`.pool` runs the file pass's work items in processes, isolates a
  worker that crashes and holds the run's cyclic GC policy.

May import: the engine imports everything below it (project, checks,
facts, model, cache); nothing but the CLI, the language server, the API
and ``flasklint.testing`` imports the engine.
"""

from .filepass import FileResult, analyse_files, lint_source
from .run import Result, decide, open_cache, run

__all__ = ["FileResult", "Result", "analyse_files", "decide", "lint_source", "open_cache", "run"]
