"""FL302 credentials-in-database-uri."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..model.secrets import NEEDS as SECRET_NEEDS
from ..model.secrets import credential_uris
from ..rule import ProjectRule
from .secret_phrases import tracked_phrase


class CredentialsInDatabaseUri(ProjectRule):
    """A database URI with its password is written in a file that goes into version control.

    ## What it does
    Flags a string literal that is a whole URI with a password
    (`scheme://user:password@host/...`) in a Python file git does not ignore,
    wherever it is written (`SQLALCHEMY_DATABASE_URI`, an environment fallback,
    `create_engine(...)`), and such a URI as a value in an `.ini` or `.cfg` file,
    such as `sqlalchemy.url` in a tracked `alembic.ini`. The message shows the
    password redacted: its first 2 characters, `…` and its length.

    Not flagged: URIs without a password, `sqlite://` URIs, passwords that are
    templates or stand-ins (`${DB_PASSWORD}`, `%(password)s`, `<password>`,
    `password`), URIs inside longer text (docstrings, messages) or built with
    f-strings, files git ignores, development files (`config_local.py`,
    `settings/development.py`: their URIs point at a developer's own database, as
    FL301 leaves their keys alone) and files under `tests/` (reported with
    `--include-tests`).

    ## Why is this bad?
    The password opens the database to anyone who can read the repository, and
    git history keeps it after the line is changed. *Explore Flask* 2.5.2 keeps
    `SQLALCHEMY_DATABASE_URI` with its password in `instance/config.py`, which
    git ignores.

    ## Example
    ```python
    # file: config.py
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = "postgresql://app:Xk29fLqPz7@db.internal/app"  # [FL302]
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config")
    ```

    ## Use instead
    ```python
    # file: config.py
    import os

    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///app.db")
    REPORTING_URI = "postgresql://readonly@db.internal/app"
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config")
    ```

    ## References
    - *Explore Flask* 2.5.2,
      ["Instance folder" and "Secret keys"](https://exploreflask.com/en/latest/configuration.html)
    - Flask-SQLAlchemy documentation, ["Configuration"](https://flask-sqlalchemy.readthedocs.io/en/stable/config/);
      Alembic documentation, ["Tutorial"](https://alembic.sqlalchemy.org/en/latest/tutorial.html) (`sqlalchemy.url`)
    """

    code = "FL302"
    needs = SECRET_NEEDS
    name = "credentials-in-database-uri"
    severity = Severity.ERROR
    help = (
        'Read the URI from the environment (`os.environ["DATABASE_URL"]`; in Alembic\'s `env.py`, '
        "`config.set_main_option`) and change the password: git history keeps it."
    )
    tags = ("security",)
    uses_git = True

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield each URI with a password in a file that is not ignored."""
        if not config_model(project).uses_flask:
            return
        for path, literal in credential_uris(project):
            assert literal.uri is not None, "credential_uris yields the literals with a password"
            scheme, password = literal.uri
            yield self.finding(
                path,
                (literal.line, literal.column),
                (literal.end_line, literal.end_column),
                f"`{scheme}://` URI with the password `{password}` in `{path}`, {tracked_phrase(project, path)}",
                sensitive=True,
            )
