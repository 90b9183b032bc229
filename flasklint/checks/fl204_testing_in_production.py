"""FL204 testing-in-production."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from .production import production_findings


class TestingInProduction(ProjectRule):
    """Testing mode is on in a configuration that runs in production.

    ## What it does
    Flags `TESTING` set to a true value in a production configuration (a config
    module or class not named for development or testing, inherited values
    included) or on the app outside test and debug guards (`app.testing = True`,
    `app.config["TESTING"] = True`).

    ## Why is this bad?
    `TESTING` makes Flask propagate exceptions instead of answering 500, and
    extensions read it to switch protections off: Flask-WTF skips CSRF checks,
    Flask-Login's `login_required` lets everyone in (`LOGIN_DISABLED` follows it in
    older versions), Flask-Mail stops sending. Testing settings belong in the
    testing configuration (*Explore Flask* 2.5.3).

    ## Example
    ```python
    # file: config.py
    class Config:
        TESTING = True  # [FL204]


    class ProductionConfig(Config):
        pass
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")
    ```

    ## Use instead
    ```python
    # file: config.py
    class Config:
        TESTING = False


    class TestingConfig(Config):
        TESTING = True


    class ProductionConfig(Config):
        pass
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")
    ```

    ## Options
    `dev-config-names`: the words that mark development and testing configs (see FL201).

    ## References
    - *Explore Flask* 2.5.3,
      ["Configuring based on environment variables"](https://exploreflask.com/en/latest/configuration.html)
    - Flask documentation,
      ["Configuration Handling: TESTING"](https://flask.palletsprojects.com/en/stable/config/#TESTING)
    """

    code = "FL204"
    needs = CONFIG_NEEDS
    name = "testing-in-production"
    severity = Severity.WARNING
    help = "Set `TESTING = True` only in the testing configuration."
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield every production place that turns testing mode on."""
        if config_model(project).uses_flask:
            yield from production_findings(self, project, "TESTING", lambda value: value.truthy())
