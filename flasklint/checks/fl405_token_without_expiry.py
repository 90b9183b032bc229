"""FL405 token-without-expiry."""

from __future__ import annotations

import re
from typing import Optional

from ..findings import Requirement, Severity
from ..flask_context import TIMED_SERIALIZERS, UNTIMED_SERIALIZERS, canonical, cst_dotted, local_target
from ..lazy import cst
from ..rule import FileRule

#: Words in a salt or an enclosing function's name that mark a confirmation or reset token.
#: ``<receiver>.loads(`` calls whose receiver may be a serializer: not a
#: well-known parsing module, which most ``.loads(`` calls are.
SERIALIZER_LOADS = re.compile(
    r"\b(?!(?:json|simplejson|ujson|orjson|rapidjson|pickle|cPickle|dill|cloudpickle|marshal|yaml|toml|"
    r"tomllib|tomli|msgpack|ast|jsonpickle)\.loads\()[A-Za-z_][\w.]*\.loads\("
)
ACCOUNT_TOKEN = re.compile(r"confirm|reset|recover|activat|verif|forgot|password|invit", re.IGNORECASE)


class TokenWithoutExpiry(FileRule):
    """An itsdangerous token is accepted however old it is.

    ## What it does
    Flags `loads()` on an itsdangerous `URLSafeTimedSerializer` or `TimedSerializer`
    without `max_age`, and `loads()` on an untimed `URLSafeSerializer`, `Serializer` or
    `JSONWebSignatureSerializer` used for confirmation or reset tokens (the salt or the
    function's name says confirm, reset, recover, activate, verify, forgot, password or
    invite). The serializer is resolved from imports and assignments, also when it is
    created in another module.

    ## Why is this bad?
    A reset or confirmation link that never expires works for whoever finds it later: in
    a mailbox, a proxy log, a browser history. *Explore Flask* 2.12.1 calls
    `ts.loads(token, salt="email-confirm-key", max_age=86400)` so that a token is
    rejected after 24 hours.

    ## Example
    ```python
    from flask import Flask, abort
    from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

    app = Flask(__name__)
    ts = URLSafeTimedSerializer(app.config["SECRET_KEY"])
    links = URLSafeSerializer(app.config["SECRET_KEY"])

    @app.route("/confirm/<token>")
    def confirm_email(token):
        email = ts.loads(token, salt="email-confirm-key")  # [FL405]
        return email

    @app.route("/reset/<token>")
    def reset_with_token(token):
        email = links.loads(token, salt="recover-key")  # [FL405]
        return email
    ```

    ## Use instead
    ```python
    from flask import Flask, abort
    from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

    app = Flask(__name__)
    ts = URLSafeTimedSerializer(app.config["SECRET_KEY"])
    cache_keys = URLSafeSerializer(app.config["SECRET_KEY"])

    @app.route("/confirm/<token>")
    def confirm_email(token):
        email = ts.loads(token, salt="email-confirm-key", max_age=86400)
        return email

    @app.route("/page/<key>")
    def page(key):
        return cache_keys.loads(key)
    ```

    ## References
    - *Explore Flask* 2.12.1, ["Email confirmation"](https://exploreflask.com/en/latest/users.html), and 2.12.4,
      ["Forgot your password"](https://exploreflask.com/en/latest/users.html)
    - itsdangerous documentation, ["Signing With Timestamps"](https://itsdangerous.palletsprojects.com/en/stable/timed/)
    """

    code = "FL405"
    needs = ()
    name = "token-without-expiry"
    severity = Severity.WARNING
    help = "Create tokens with `URLSafeTimedSerializer` and pass `max_age` to `loads()`"
    tags = ("security",)
    precision = "medium"  # an untimed serializer is judged a token's by its salt's or function's name

    @classmethod
    def applies(cls, text: str, facts) -> bool:
        """Return whether the file calls ``loads`` on something that may be a serializer."""
        return SERIALIZER_LOADS.search(text) is not None

    def visit_Call(self, node: cst.Call) -> None:
        """Check ``<serializer>.loads(...)``."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "loads"):
            return
        keywords = {arg.keyword.value for arg in node.args if arg.keyword}
        positional = [arg for arg in node.args if not arg.keyword and not arg.star]
        timed = "max_age" in keywords or len(positional) > 1
        account = self.account_token(node)
        receiver = func.value
        if isinstance(receiver, cst.Call):
            kind = self.constructed(receiver)
            if (kind in TIMED_SERIALIZERS and not timed) or (kind in UNTIMED_SERIALIZERS and account):
                self.report(node, _message(f"{cst_dotted(receiver.func)}(...)", kind in TIMED_SERIALIZERS))
            return
        dotted = cst_dotted(receiver)
        if dotted is None:
            return
        qualname = SERIALIZER_LOADS.match(f"{dotted}.loads(") and self.context.qualify(dotted)
        if not qualname:
            return
        if not timed:
            self.report(node, _message(dotted, True), requires=[Requirement(qualname, TIMED_SERIALIZERS)])
        if account:
            self.report(node, _message(dotted, False), requires=[Requirement(qualname, UNTIMED_SERIALIZERS)])

    def constructed(self, call: cst.Call) -> Optional[str]:
        """Return the serializer class an inline ``Serializer(...)`` call creates."""
        dotted = cst_dotted(call.func)
        facts = self.context.facts
        target = dotted and local_target(facts.bindings, facts.module, self.context.scope, dotted)
        return canonical(target) if target else None

    def account_token(self, node: cst.Call) -> bool:
        """Return whether the salt or an enclosing function's name marks a confirmation or reset token."""
        salts = [
            arg.value.value
            for arg in node.args
            if arg.keyword and arg.keyword.value == "salt" and isinstance(arg.value, cst.SimpleString)
        ]
        return any(ACCOUNT_TOKEN.search(text) for text in [*salts, *self.context.scope])


def _message(name: str, timed: bool) -> str:
    """Return the message for ``name.loads()`` on a timed or an untimed serializer."""
    if timed:
        return f"`{name}.loads()` has no `max_age`, so the tokens it accepts never expire"
    return f"`{name}` is an untimed serializer, so the account tokens it loads never expire"
