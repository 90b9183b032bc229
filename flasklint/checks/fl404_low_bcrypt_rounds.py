"""FL404 low-bcrypt-rounds."""

from __future__ import annotations

from collections.abc import Iterable

from ..facts.bcrypt_rounds import KEY
from ..facts.config import Value
from ..facts.passwords import MIN_BCRYPT_ROUNDS
from ..findings import Finding, Severity
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from .production import production_findings

SETTING = "BCRYPT_LOG_ROUNDS"


def too_few(value: Value) -> bool:
    """Return whether a setting's value is a round count below the book's minimum."""
    return value.known and type(value.value) is int and value.value < MIN_BCRYPT_ROUNDS


class LowBcryptRounds(ProjectRule):
    """bcrypt is configured with fewer than 12 rounds outside tests.

    ## What it does
    Flags `BCRYPT_LOG_ROUNDS` set below 12 in a production configuration, as the
    configuration model judges it (see FL201): a config module or class not named
    for development or testing, inherited values included, the flasky-style
    `config = {"production": ProductionConfig}` dict, and
    `app.config["BCRYPT_LOG_ROUNDS"] = ...` or `app.config.update(BCRYPT_LOG_ROUNDS=...)`
    outside test and debug guards. It also flags bcrypt calls with a literal round
    count below 12: `bcrypt.gensalt(10)`, `bcrypt.gensalt(rounds=10)`, Flask-Bcrypt's
    `generate_password_hash(password, 10)`, passlib's `bcrypt.using(rounds=10)`,
    unless they stand in test code or in a file, function, class or `if` named for
    development or testing (the `dev-config-names` setting).

    ## Why is this bad?
    Every round doubles the work of one guess. Low counts make tests fast and cracking
    fast too. *Explore Flask* 2.12.2: "We should try to use at least 12 rounds though."

    ## Example
    ```python
    # file: config.py
    class Config:
        BCRYPT_LOG_ROUNDS = 10  # [FL404]


    class ProductionConfig(Config):
        pass


    class TestingConfig(Config):
        BCRYPT_LOG_ROUNDS = 4
    # file: app.py
    import bcrypt
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")


    def hash_api_key(key):
        return bcrypt.hashpw(key, bcrypt.gensalt(10))  # [FL404]
    ```

    ## Use instead
    ```python
    # file: config.py
    class Config:
        BCRYPT_LOG_ROUNDS = 12


    class ProductionConfig(Config):
        pass


    class TestingConfig(Config):
        BCRYPT_LOG_ROUNDS = 4
    # file: app.py
    import bcrypt
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")


    def hash_api_key(key):
        return bcrypt.hashpw(key, bcrypt.gensalt(12))
    ```

    ## Options
    `dev-config-names`: the words that mark a configuration, file, function or `if`
    as development or testing (see FL201).

    ## References
    - *Explore Flask* 2.12.2, ["Storing passwords"](https://exploreflask.com/en/latest/users.html)
    - [Flask-Bcrypt documentation](https://flask-bcrypt.readthedocs.io/), `BCRYPT_LOG_ROUNDS`
    """

    code = "FL404"
    needs = (KEY, *CONFIG_NEEDS)
    name = "low-bcrypt-rounds"
    severity = Severity.WARNING
    help = "Use at least 12 bcrypt rounds in production (Flask-Bcrypt's default is 12)"
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield each production setting and each bcrypt call with too few rounds."""
        yield from production_findings(self, project, SETTING, too_few, note=f", fewer than {MIN_BCRYPT_ROUNDS} rounds")
        model = config_model(project)
        for module in project.modules:
            for call in module.get(KEY) or ():
                if not model.env.is_dev_code(module.path, call.places):
                    yield self.finding(
                        module.path,
                        (call.line, call.column),
                        (call.end_line, call.end_column),
                        f"`{call.callee}` hashes with {call.rounds} bcrypt rounds, fewer than {MIN_BCRYPT_ROUNDS}",
                    )
