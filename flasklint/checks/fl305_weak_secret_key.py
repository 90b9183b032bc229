"""FL305 weak-secret-key."""

from __future__ import annotations

from collections.abc import Iterable

from ..facts.secrets import MIN_SECRET_KEY_LENGTH
from ..findings import Finding, Severity
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..model.secrets import NEEDS as SECRET_NEEDS
from ..model.secrets import ignored_instance_keys, is_signing_key, secret_values
from ..rule import ProjectRule
from .secret_phrases import described


class WeakSecretKey(ProjectRule):
    """The app's `SECRET_KEY` is a placeholder or too short.

    ## What it does
    Flags a literal `SECRET_KEY` (or another signing key: `JWT_SECRET_KEY`,
    `WTF_CSRF_SECRET_KEY`, `SECRET_KEY_*`) that is a known placeholder (`dev`,
    `secret`, `changeme`, `your-secret-key`, ...) or shorter than 24 characters,
    wherever a production configuration sets it: config modules and classes, settings on the
    Flask app (`app.secret_key`, `app.config.from_mapping(SECRET_KEY=...)`), and
    `instance/` config files, including those git ignores (flasklint reads them
    for this rule only). The message shows the value redacted: its first 2
    characters (none for short values), `…` and its length.

    Not flagged: keys read from the environment (a literal fallback is FL301's
    business), keys built at run time (`os.urandom(24)`, `secrets.token_hex()`),
    development and test configurations, and files under `tests/` (reported with
    `--include-tests`).

    ## Why is this bad?
    Flask signs the session cookie with `SECRET_KEY`. A key someone can guess
    (Flask's own tutorial uses `"dev"`, and is copied into production) lets them
    forge a session: log in as any user, skip CSRF checks, tamper with anything
    the app keeps in the session. *Explore Flask* 2.5.2 keeps a random key in
    `instance/config.py`.

    ## Example
    ```python
    # file: yourapp/__init__.py
    from flask import Flask


    def create_app():
        app = Flask(__name__, instance_relative_config=True)
        app.config.from_mapping(SECRET_KEY="dev")  # [FL305]
        app.config.from_pyfile("config.py", silent=True)
        return app
    ```

    ## Use instead
    ```python
    # file: yourapp/__init__.py
    import os

    from flask import Flask


    def create_app():
        app = Flask(__name__, instance_relative_config=True)
        app.config.from_mapping(SECRET_KEY=os.environ["SECRET_KEY"])
        app.config.from_pyfile("config.py", silent=True)
        return app
    ```

    ## References
    - *Explore Flask* 2.5.2, ["Secret keys"](https://exploreflask.com/en/latest/configuration.html)
    - Flask documentation, ["Configuration Handling"](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
      (`SECRET_KEY`: "a long random string")
    """

    code = "FL305"
    needs = SECRET_NEEDS
    name = "weak-secret-key"
    severity = Severity.ERROR
    help = (
        f"Generate the key (`python -c 'import secrets; print(secrets.token_hex())'`, at least "
        f"{MIN_SECRET_KEY_LENGTH} characters) and read it from the environment or an ignored instance config."
    )
    tags = ("security",)
    uses_git = True

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield each guessable literal ``SECRET_KEY`` of a production configuration."""
        if not config_model(project).uses_flask:
            return
        candidates = [s for s in secret_values(project) if is_signing_key(s.key)]
        for secret in [*candidates, *ignored_instance_keys(project)]:
            why = secret.literal.weakness
            if why and secret.env is None:
                yield self.finding(
                    secret.path,
                    secret.start,
                    secret.end,
                    f"`{secret.key}` is {why}: {described(project, secret)}",
                    sensitive=True,
                )
