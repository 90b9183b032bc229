"""FL404 low-bcrypt-rounds."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ..facts.passwords import MIN_BCRYPT_ROUNDS, is_test_path
from ..findings import Severity
from ..flask_context import cst_dotted, local_target
from ..rule import FileRule

SETTING = "BCRYPT_LOG_ROUNDS"
#: An ``if`` whose test mentions one of these guards test or debug code.
GUARD = re.compile(r"test|debug", re.IGNORECASE)


def _words(name: str) -> set[str]:
    """Return the lower-case words of a path or a CamelCase/snake_case name."""
    return {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)}


def _rounds(node: Optional[cst.BaseExpression]) -> Optional[int]:
    """Return an integer literal's value when it is below the book's minimum."""
    if isinstance(node, cst.Integer) and node.evaluated_value < MIN_BCRYPT_ROUNDS:
        return node.evaluated_value
    return None


class LowBcryptRounds(FileRule):
    """bcrypt is configured with fewer than 12 rounds outside tests.

    ## What it does
    Flags `BCRYPT_LOG_ROUNDS` set below 12 in a production configuration (a module
    constant, a config class attribute, `app.config["BCRYPT_LOG_ROUNDS"] = ...`,
    `app.config.update(BCRYPT_LOG_ROUNDS=...)`), and bcrypt calls with a literal round
    count below 12: `bcrypt.gensalt(10)`, `bcrypt.gensalt(rounds=10)`, Flask-Bcrypt's
    `generate_password_hash(password, 10)`, passlib's `bcrypt.using(rounds=10)`. Test
    code and configurations named for development or testing (`TestingConfig`,
    `config/dev.py`, the `dev-config-names` setting) are not production.

    ## Why is this bad?
    Every round doubles the work of one guess. Low counts make tests fast and cracking
    fast too. *Explore Flask* 2.12.2: "We should try to use at least 12 rounds though."

    ## Example
    ```python
    class Config:
        BCRYPT_LOG_ROUNDS = 10  # [FL404]

    class TestingConfig(Config):
        BCRYPT_LOG_ROUNDS = 4
    ```

    ## Use instead
    ```python
    class Config:
        BCRYPT_LOG_ROUNDS = 12

    class TestingConfig(Config):
        BCRYPT_LOG_ROUNDS = 4
    ```

    ## Options
    `dev-config-names`: the words that mark a configuration as development or testing.

    ## References
    - *Explore Flask* 2.12.2, "Storing passwords"
    - Flask-Bcrypt documentation, `BCRYPT_LOG_ROUNDS`
    """

    code = "FL404"
    name = "low-bcrypt-rounds"
    severity = Severity.WARNING
    help = "Use at least 12 bcrypt rounds in production (Flask-Bcrypt's default is 12)"
    tags = ("security",)
    triggers = (SETTING, "gensalt(", "rounds=", "generate_password_hash(")

    def __init__(self, context):
        super().__init__(context)
        self.guards: list[bool] = []

    def visit_If(self, node: cst.If) -> None:
        """Remember whether this ``if`` guards test or debug code."""
        self.guards.append(bool(GUARD.search(self.context.module.code_for_node(node.test))))

    def leave_If(self, node: cst.If) -> None:
        """Leave the ``if``."""
        self.guards.pop()

    def production(self) -> bool:
        """Return whether the current place is production code."""
        if is_test_path(self.context.path) or any(self.guards):
            return False
        names = set(self.context.config.dev_config_names)
        place = _words(self.context.path) | {w for part in self.context.scope for w in _words(part)}
        return not place & names

    def visit_Assign(self, node: cst.Assign) -> None:
        """Check ``BCRYPT_LOG_ROUNDS = N`` and ``app.config["BCRYPT_LOG_ROUNDS"] = N``."""
        rounds = _rounds(node.value)
        if rounds is None or not self.production():
            return
        for target in node.targets:
            expr = target.target
            if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
                index = expr.slice[0].slice
                expr = index.value if isinstance(index, cst.Index) else None
                named = isinstance(expr, cst.SimpleString) and expr.evaluated_value == SETTING
            else:
                named = isinstance(expr, cst.Name) and expr.value == SETTING
            if named:
                self.report(node, self.setting_message(rounds))

    def visit_Call(self, node: cst.Call) -> None:
        """Check ``config.update(BCRYPT_LOG_ROUNDS=N)`` and bcrypt calls with a literal round count."""
        dotted = cst_dotted(node.func) or ""
        facts = self.context.facts
        target = local_target(facts.bindings, facts.module, self.context.scope, dotted) or dotted
        last = target.rpartition(".")[2]
        keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword}
        positional = [arg.value for arg in node.args if not arg.keyword and not arg.star]
        if last in ("update", "from_mapping") and _rounds(keywords.get(SETTING)) is not None:
            if self.production():
                self.report(node, self.setting_message(_rounds(keywords[SETTING])))
            return
        if target == "bcrypt.gensalt":
            given = keywords.get("rounds", positional[0] if positional else None)
        elif last == "generate_password_hash":
            given = keywords.get("rounds", positional[1] if len(positional) > 1 else None)
        elif last == "using" and target.startswith("passlib.hash.bcrypt"):
            given = keywords.get("rounds")
        else:
            return
        rounds = _rounds(given)
        if rounds is not None and self.production():
            self.report(node, f"`{dotted}` hashes with {rounds} bcrypt rounds, fewer than {MIN_BCRYPT_ROUNDS}")

    def setting_message(self, rounds: int) -> str:
        """Return the message for the setting."""
        where = f" in `{self.context.scope[-1]}`" if self.context.scope else ""
        return f"`{SETTING}` is {rounds}{where}, fewer than {MIN_BCRYPT_ROUNDS} rounds in production"
