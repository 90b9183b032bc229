"""FL201 debug-in-production."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model, debug_flags, environment_files, flask_env_ignored
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from .production import production_findings


class DebugInProduction(ProjectRule):
    """Debug mode is on in a configuration that runs in production.

    ## What it does
    Flags `DEBUG` set to a true value in a production configuration: a config
    module or class that is not named for development or testing (a class
    inherits its bases' `DEBUG` unless it overrides it, across modules), the
    flasky-style `config = {"production": ProductionConfig}` dict, `app.debug =
    True`, `app.config["DEBUG"] = True` and `app.config.update(DEBUG=True)` outside
    test and debug guards or in the production branch of an `if` (the test
    compares with `"production"`, or is the `else` of a test for development,
    or the other branch loads a development config), and environment reads
    whose fallback turns debug on (`os.environ.get("DEBUG", True)`). A string
    is truthy: `DEBUG = "False"` turns debug mode on, and the message says so.
    It also reads the committed `.flaskenv`, `.env`, `Procfile`, `Dockerfile*` and
    `docker-compose*.yml`/`compose*.yml` files for `FLASK_DEBUG=1`,
    `FLASK_ENV=development` and `flask run --debug`. Flask 2.3 removed `FLASK_ENV` and
    the `ENV` key: where the project pins Flask 2.3 or later (see FL702 for the pin
    files read), they switch nothing on and are not reported.

    A class is configuration when it is used as one (loaded with
    `from_object`, listed in a config dict, a base or subclass of such a class)
    or, in a config module, built like one: every base is `object` or another
    such class. An `Enum`, a pydantic model or a `NamedTuple` with a `DEBUG`
    member is not configuration. A base class that nothing loads runs in
    production only through its production subclasses: it is flagged only when
    one of them inherits its `DEBUG` without overriding it, and the message names
    those subclasses only.

    Only the configuration of a Flask application counts: code that imports
    Flask, uses its app, or that such code imports or loads. In a monorepo, a
    Django project's `settings/base.py` or a plain package's `DEBUG = True`
    constant is not a Flask config (see "What flasklint knows" in the README).

    Not flagged: development and testing configs, files under `tests/`,
    `instance/` files that git ignores (flasklint never reads them), values
    under an `if` that flasklint cannot tell is production, and
    `app.run(debug=True)` (that is FL202).

    ## Why is this bad?
    Debug mode serves the Werkzeug debugger, whose interactive console runs any
    Python code a visitor types. *Explore Flask* 2.5.1: "Make sure `DEBUG` is set
    to `False` in production. Leaving it on will allow users to run arbitrary
    Python code on your server."

    ## Example
    ```python
    # file: config.py
    class Config:
        DEBUG = True  # [FL201]


    class ProductionConfig(Config):
        SQLALCHEMY_DATABASE_URI = "postgresql:///app"


    config = {"production": ProductionConfig}
    # file: app.py
    from flask import Flask

    from config import config

    app = Flask(__name__)
    app.config.from_object(config["production"])
    # file: .flaskenv
    FLASK_DEBUG=1  # [FL201]
    ```

    ## Use instead
    ```python
    # file: config.py
    import os


    class Config:
        DEBUG = os.environ.get("DEBUG", "false").lower() == "true"


    class DevelopmentConfig(Config):
        DEBUG = True


    class ProductionConfig(Config):
        SQLALCHEMY_DATABASE_URI = "postgresql:///app"


    config = {"development": DevelopmentConfig, "production": ProductionConfig}
    # file: app.py
    from flask import Flask

    from config import config

    app = Flask(__name__)
    app.config.from_object(config["production"])
    ```

    ## Options
    `dev-config-names`: words that mark a config class, module or file as
    development or testing (matched against the words of `DevelopmentConfig`,
    `config/dev.py`, `docker-compose.dev.yml`). Default: `development`, `develop`,
    `dev`, `local`, `test`, `testing`, `debug`.

    ## References
    - *Explore Flask* 2.5, ["Configuration"](https://exploreflask.com/en/latest/configuration.html) (2.5.1 and 2.5.2),
      and 2.3.3 ["Debugging"](https://exploreflask.com/en/latest/environment.html)
    - Flask documentation, ["Debug Mode"](https://flask.palletsprojects.com/en/stable/quickstart/#debug-mode) and
      ["Configuration Handling"](https://flask.palletsprojects.com/en/stable/config/)
    """

    code = "FL201"
    needs = CONFIG_NEEDS
    name = "debug-in-production"
    severity = Severity.ERROR
    help = (
        "Set `DEBUG = True` only in the development configuration (or read it from the "
        "environment with a false fallback) and keep it out of committed deployment files."
    )
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield every place debug mode is on for production."""
        model = config_model(project)
        if not model.uses_flask:
            return
        yield from production_findings(self, project, "DEBUG", lambda value: value.truthy(), flag=True)
        for finding in production_findings(self, project, "ENV", lambda value: value.value == "development"):
            if not flask_env_ignored(project, finding.path):
                yield finding
        for rel in environment_files(project):
            for flag in debug_flags(rel, project.read_text(rel) or "", not flask_env_ignored(project, rel)):
                yield self.finding(
                    rel,
                    (flag.line, flag.column),
                    (flag.line, flag.end_column),
                    f"`{flag.text}` in committed `{rel}` turns debug mode on wherever this file is used",
                )
