"""FL402 plaintext-password-compare."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from ..facts.models import KEY as MODELS
from ..facts.password_flow import KEY as PASSWORD_FLOW
from ..facts.password_flow import events
from ..findings import Finding, Severity
from ..model.environment import NEEDS as ENVIRONMENT_NEEDS
from ..model.environment import environment
from ..model.orm import ModelIndex
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


class PlaintextPasswordCompare(ProjectRule):
    """A password from the request is compared with a stored password as plain text.

    ## What it does
    Flags, inside one function, a password from the request (or a password-named
    parameter) compared with a stored password using `==`/`!=`
    (`user.password == form.password.data`, `row["password"] != password`), or
    matched in the database: `filter_by(password=...)`, a `SELECT ... WHERE password = ?`
    bound to it, a PyMongo `find_one({"password": ...})`. It stays silent when the
    compared attribute has a setter or descriptor that may hash (on that model, or on any
    model of the project when the object's class is unknown), and in tests. Only
    code of a Flask application is read: a Django app beside a Flask service has
    its own password hashers.

    ## Why is this bad?
    A plain comparison works only if the password is stored as it was typed, so the
    database holds plaintext passwords; `==` also leaks through timing how much of the
    value matched. *Explore Flask* 2.12.3 checks a login with
    `bcrypt.check_password_hash` against the stored hash.

    ## Example
    ```python
    from flask import Flask, request, session
    from .models import User

    app = Flask(__name__)

    @app.route("/signin", methods=["POST"])
    def signin():
        user = User.query.filter_by(username=request.form["username"]).first_or_404()
        if user.password == request.form["password"]:  # [FL402]
            session["user_id"] = user.id
        return "ok"

    @app.route("/api/signin", methods=["POST"])
    def api_signin():
        data = request.get_json()
        user = User.query.filter_by(username=data["username"],
                                    password=data["password"]).first()  # [FL402]
        return {"ok": user is not None}
    ```

    ## Use instead
    ```python
    from flask import Flask, request, session
    from werkzeug.security import check_password_hash
    from .models import User

    app = Flask(__name__)

    @app.route("/signin", methods=["POST"])
    def signin():
        user = User.query.filter_by(username=request.form["username"]).first_or_404()
        if check_password_hash(user.password_hash, request.form["password"]):
            session["user_id"] = user.id
        if request.form["password"] != request.form["confirm"]:
            return "the two passwords differ"
        return "ok"
    ```

    ## References
    - *Explore Flask* 2.12.3, ["Authentication"](https://exploreflask.com/en/latest/users.html)
    - Werkzeug,
      [`werkzeug.security.check_password_hash`](https://werkzeug.palletsprojects.com/en/stable/utils/#werkzeug.security.check_password_hash)
    """

    code = "FL402"
    needs = (MODELS, PASSWORD_FLOW, *ENVIRONMENT_NEEDS)
    name = "plaintext-password-compare"
    severity = Severity.ERROR
    help = "Store a hash and check it with `check_password_hash` (werkzeug or Flask-Bcrypt)"
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Report every plaintext comparison of a password."""
        models = ModelIndex(project.modules, project.index)
        for path, event in events(environment(project).flask_modules(project.config.include_tests), "compare"):
            if event.attribute and models.hashes(event.model, event.attribute):
                continue  # a setter or descriptor of that name may hash, and compare hashes too
            filename = PurePosixPath(path).name
            where = f"({filename}:{event.line})"
            if event.how in ("==", "!="):
                how = f"compared in plaintext with `{event.sink}` using `{event.how}` {where}"
            elif event.how == "query":
                how = f"matched in plaintext by `{event.sink}` {where}"
            else:
                how = f"matched in plaintext by {event.sink} {where}"
            yield self.finding(path, event.start, event.end, f"{event.origin.describe(filename)} {how}")
