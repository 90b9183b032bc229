"""FL502 circular-import."""

from __future__ import annotations

from collections.abc import Iterable

from ..facts.execution import KEY as EXECUTION
from ..findings import Finding, Severity
from ..model.import_order import partial_reads
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


class CircularImport(ProjectRule):
    """A circular import asks a partially initialised module for a name it does not have yet.

    ## What it does
    Replays the order in which Python runs the project's modules when the app is
    imported (from `wsgi.py`, `run.py`, `app.py`, `manage.py`, the module that
    defines `create_app`, and every package), and flags the module-level import
    (`from . import app`, `from yourapp import db`) or attribute read
    (`yourapp.app` after `import yourapp`) that runs while the module it reads from
    is still executing and defines that name only further down. The message shows
    the whole cycle and the error Python raises.

    Imports inside functions, under `if TYPE_CHECKING:`, guarded by
    `try`/`except ImportError`, and the book's "import the views at the bottom"
    pattern are not flagged: there the name exists by the time it is asked for.
    Nor is an import that fails because the submodule it names is missing or
    does not parse (`from . import models` beside a Python 2 `models.py`): that
    is not a circular import, and a file that does not parse is FL000.

    ## Why is this bad?
    Python puts a module in `sys.modules` before running it. When `yourapp/__init__.py`
    imports `views` before it creates `app`, and `views.py` imports `app` back,
    `views.py` gets the half-run package and the import fails with
    `ImportError: cannot import name 'app' from partially initialized module
    'yourapp'`: the app does not start. *Explore Flask* 2.6.2 warns about exactly
    this and imports the module only after `app` has been created.

    ## Example
    ```python
    # file: yourapp/__init__.py
    from flask import Flask

    from . import views

    app = Flask(__name__)
    # file: yourapp/views.py
    from . import app  # [FL502]


    @app.route("/")
    def index():
        return "hello"
    ```

    ## Use instead
    ```python
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)

    from . import views  # noqa: E402  (needs app)
    # file: yourapp/views.py
    from . import app


    @app.route("/")
    def index():
        return "hello"
    ```
    Better still, an application factory with blueprints, where no module
    imports the app object (see FL503).

    ## References
    - *Explore Flask* 2.6.2, ["Custom converters"](https://exploreflask.com/en/latest/views.html)
      (the circular import warning), and 2.8.5,
      ["Creating custom filters"](https://exploreflask.com/en/latest/templates.html)
    - Flask documentation,
      ["Large Applications as Packages"](https://flask.palletsprojects.com/en/stable/patterns/packages/)
      (the circular import note)
    - Python documentation,
      ["The import system: sys.modules"](https://docs.python.org/3/reference/import.html#the-module-cache)
    """

    code = "FL502"
    needs = (EXECUTION,)
    apart = True  # the import-order replay is read by no other rule
    name = "circular-import"
    severity = Severity.ERROR
    help = (
        "Move the import below the definitions it needs, into the function that uses it, "
        "or build the app in an application factory."
    )
    tags = ("correctness",)
    precision = "very-high"  # the import order is replayed and the crash is Python's own

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield a finding for every read from a partially initialised module that fails."""
        for read in partial_reads(project):
            if read.fails:
                how = f"cycle {read.cycle_text()}" if len(read.cycle) > 1 else f"`{read.path}` imports from itself"
                yield self.finding(
                    read.path,
                    read.span[:2],
                    read.span[2:],
                    (
                        f"{read.start()} fails here: `{read.module}` is still initialising and "
                        f"defines `{read.name}` only at {read.module_path}:{read.defined_at}; {how}; "
                        f"Python raises {read.error()}"
                    ),
                )
