"""FL205 server-name-missing-for-subdomains."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..flask_context import FLASK_BLUEPRINT
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


class ServerNameMissingForSubdomains(ProjectRule):
    """Blueprints use subdomains, but no production configuration sets `SERVER_NAME`.

    ## What it does
    Flags `app.register_blueprint(bp, subdomain=...)` and
    `Blueprint(..., subdomain=...)` when no production configuration (config
    module or class not named for development or testing, or app-level code)
    sets `SERVER_NAME`. Stays silent when the app also loads configuration
    flasklint cannot read (`from_envvar`, `from_prefixed_env`, a `from_pyfile` file
    outside the project, a `from_object` it cannot resolve).

    ## Why is this bad?
    Flask matches subdomains against `SERVER_NAME`; without it, subdomain routes
    never match and answer 404. *Explore Flask* 2.7.4 tells of subdomains that
    "were working fine in development, but not in production" because
    `SERVER_NAME` was set only in the development configuration.

    ## Example
    ```python
    # file: config.py
    class DevelopmentConfig:
        SERVER_NAME = "sitemaker.test:5000"


    class ProductionConfig:
        PREFERRED_URL_SCHEME = "https"
    # file: sitemaker/__init__.py
    from flask import Blueprint, Flask

    site = Blueprint("site", __name__)
    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")
    app.register_blueprint(site, subdomain="<site_subdomain>")  # [FL205]
    ```

    ## Use instead
    ```python
    # file: config.py
    class DevelopmentConfig:
        SERVER_NAME = "sitemaker.test:5000"


    class ProductionConfig:
        SERVER_NAME = "sitemaker.com"
    # file: sitemaker/__init__.py
    from flask import Blueprint, Flask

    site = Blueprint("site", __name__)
    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")
    app.register_blueprint(site, subdomain="<site_subdomain>")
    ```

    ## References
    - *Explore Flask* 2.7.4, ["Using a dynamic subdomain"](https://exploreflask.com/en/latest/blueprints.html)
    - Flask documentation,
      ["Configuration Handling: SERVER_NAME"](https://flask.palletsprojects.com/en/stable/config/#SERVER_NAME)
    """

    code = "FL205"
    needs = CONFIG_NEEDS
    name = "server-name-missing-for-subdomains"
    severity = Severity.WARNING
    help = "Set `SERVER_NAME` (the domain the app is served on) in the production configuration."
    tags = ("correctness",)
    precision = "medium"  # SERVER_NAME may come from configuration flasklint cannot read

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield each subdomain registration when production never sets ``SERVER_NAME``."""
        model = config_model(project)
        if not model.uses_flask or model.sets("SERVER_NAME") or model.loads_unseen():
            return
        for path, call in model.calls("subdomain"):
            if call.guards or not call.receiver or model.env.is_dev_path(path):
                continue
            owner, _, method = call.receiver.rpartition(".")
            if method == "register_blueprint" and (
                model.is_flask_app(owner) or project.index.instance_of(owner) == FLASK_BLUEPRINT
            ):
                what = f"`{owner.rpartition('.')[2]}.register_blueprint(..., subdomain=...)`"
            elif project.index.class_of(call.receiver) == FLASK_BLUEPRINT:
                what = "`Blueprint(..., subdomain=...)`"
            else:
                continue
            yield self.finding(
                path,
                (call.line, call.column),
                (call.end_line, call.end_column),
                f"{what} routes by subdomain, but no production configuration sets "
                f"`SERVER_NAME`, so these routes do not match in production",
            )
