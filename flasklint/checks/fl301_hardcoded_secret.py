"""FL301 hardcoded-secret."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..model.secrets import NEEDS as SECRET_NEEDS
from ..model.secrets import secret_values
from ..rule import ProjectRule
from .secret_phrases import described


class HardcodedSecret(ProjectRule):
    """A secret is written in a file that goes into version control.

    ## What it does
    Flags a non-empty string literal given to a secret-looking configuration key
    (`SECRET_KEY`, `*_SECRET`, `*_SECRET_KEY`, `*_API_KEY`, `*_TOKEN`,
    `*_PASSWORD`, `SECURITY_PASSWORD_SALT`, ...) in a file git does not ignore:
    module constants of config modules, config class attributes, `app.secret_key
    = "..."`, `app.config["SECRET_KEY"] = "..."`, `app.config.update(...)` and
    `from_mapping(...)` keywords, and the literal fallback of an environment read
    such as `os.environ.get("SECRET_KEY", "...")` or `os.getenv("API_TOKEN") or
    "..."`. The message shows the value redacted: its first 2 characters, `…`
    and its length. Secrets count in the whole repository, not only in the
    Flask application: a Django project's `SECRET_KEY = "django-insecure-..."`
    (the random key `startproject` writes, which Django's own deployment
    checklist rejects) is flagged too, and the message calls such a file a
    "settings module" rather than the Flask app's config.

    Not flagged: values read from the environment without a fallback, empty
    strings, `None`, placeholders (`changeme`, `your-api-key`, `${SECRET}`, a
    value that spells its own key or variable: `AWS_SECRET_ACCESS_KEY =
    "AWS_SECRET_ACCESS_KEY"`), file paths (`SECRET_KEY_FILE =
    "/run/secrets/key"`), keys that only contain a secret word
    (`PASSWORD_MIN_LENGTH`, `CSRF_TOKEN_HEADER`), files git ignores
    (`instance/`), test configurations and files under `tests/` (reported with
    `--include-tests`). A placeholder `SECRET_KEY` is FL305's business.

    ## Why is this bad?
    Whoever can read the repository (every clone, fork, CI log and backup) has the
    secret, and git keeps it in history after the line is changed. *Explore
    Flask* 2.3.2: "API keys, application secret keys and database credentials are
    examples of secrets. They shouldn't be in version control because their
    exposure would be a massive breach of security." A leaked `SECRET_KEY` lets
    anyone forge session cookies.

    ## Example
    ```python
    # file: config.py
    import os


    class Config:
        SECRET_KEY = os.environ.get("SECRET_KEY") or "hard to guess string"  # [FL301]
        STRIPE_API_KEY = "sk_live_51HxQeVJ2n8Tq0Lp"  # [FL301]
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.Config")
    ```

    ## Use instead
    ```python
    # file: config.py
    import os


    class Config:
        SECRET_KEY = os.environ["SECRET_KEY"]
        STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY")
        SECRET_KEY_FILE = "/run/secrets/secret_key"
        PASSWORD_MIN_LENGTH = 12
    # file: app.py
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("config.Config")
    app.config.from_pyfile("config.py", silent=True)
    ```

    ## References
    - *Explore Flask* 2.3.2,
      ["What to keep out of version control"](https://exploreflask.com/en/latest/environment.html), and 2.5.2,
      ["Secret keys"](https://exploreflask.com/en/latest/configuration.html)
    - Flask documentation, ["Configuration Handling"](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
      (`SECRET_KEY`) and
      ["Configuring from Environment Variables"](https://flask.palletsprojects.com/en/stable/config/#configuring-from-environment-variables)
    """

    code = "FL301"
    needs = SECRET_NEEDS
    name = "hardcoded-secret"
    severity = Severity.ERROR
    help = (
        'Read the secret from the environment (`os.environ["SECRET_KEY"]`) or from an instance config '
        "that git ignores, and replace it where it was exposed: git history keeps it."
    )
    tags = ("security",)
    uses_git = True

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield each literal secret in a file that is not ignored."""
        if not config_model(project).uses_flask:
            return
        for secret in secret_values(project):
            if secret.literal.placeholder:
                continue
            yield self.finding(
                secret.path, secret.start, secret.end, f"`{secret.key}` is {described(project, secret)}", sensitive=True
            )
