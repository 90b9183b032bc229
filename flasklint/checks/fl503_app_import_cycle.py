"""FL503 app-import-cycle."""

from __future__ import annotations

from collections.abc import Iterable

from ..facts.execution import KEY as EXECUTION
from ..findings import Finding, Severity
from ..flask_context import FLASK_APP, FLASK_BLUEPRINT
from ..model.import_order import partial_reads
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


class AppImportCycle(ProjectRule):
    """A module takes the app or a blueprint from a module that is still initialising.

    ## What it does
    Flags the module-level import of a Flask app or Blueprint object (`from . import
    app`, `from . import main`) that runs while the module defining it is still
    executing, part of an import cycle that works only because of statement order:
    the book's "import the views at the bottom of `__init__.py`". Off by default:
    it is advice, not a bug.

    ## Why is this bad?
    The cycle holds only as long as every import stays below the definitions it
    needs. Moving `from . import views` up (an import sorter does it on its own)
    breaks the app with FL502's `ImportError`. An application factory with
    blueprints removes the cycle: views import their blueprint, the factory
    imports the blueprints inside `create_app`, and nothing imports the app.

    ## Example
    ```python
    # file: yourapp/__init__.py
    from flask import Flask


    def create_app():
        app = Flask(__name__)
        from .main import main
        app.register_blueprint(main)
        return app
    # file: yourapp/main/__init__.py
    from flask import Blueprint

    main = Blueprint("main", __name__)

    from . import views  # noqa: E402
    # file: yourapp/main/views.py
    from . import main  # [FL503]


    @main.get("/")
    def index():
        return "hello"
    ```

    ## Use instead
    ```python
    # file: yourapp/__init__.py
    from flask import Flask


    def create_app():
        app = Flask(__name__)
        from .views import bp
        app.register_blueprint(bp)
        return app
    # file: yourapp/views.py
    from flask import Blueprint

    bp = Blueprint("main", __name__)


    @bp.route("/")
    def index():
        return "hello"
    ```

    ## References
    - *Explore Flask* 2.7, ["Blueprints"](https://exploreflask.com/en/latest/blueprints.html), and 2.6.2
      ([the circular import warning](https://exploreflask.com/en/latest/views.html))
    - Flask documentation, ["Application Factories"](https://flask.palletsprojects.com/en/stable/patterns/appfactories/)
    """

    code = "FL503"
    needs = (EXECUTION,)
    apart = True  # the import-order replay is read by no other rule
    name = "app-import-cycle"
    severity = Severity.INFO
    default_enabled = False
    help = "Build the app in an application factory and register blueprints there, so no module imports the app."
    tags = ("design",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield a finding for every working read of an app or blueprint from a half-run module."""
        for read in partial_reads(project):
            kind = project.index.instance_of(f"{read.module}.{read.name}")
            if read.fails or read.in_function or kind not in (FLASK_APP, FLASK_BLUEPRINT):
                continue
            what = "app" if kind == FLASK_APP else "blueprint"
            yield self.finding(
                read.path,
                read.span[:2],
                read.span[2:],
                (
                    f"The {what} `{read.name}` comes from `{read.module}` while it is still initialising, "
                    f"which works only because {read.module_path} defines it before the import that closes "
                    f"the cycle {read.cycle_text()}"
                ),
            )
