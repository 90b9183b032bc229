"""FL401 plaintext-password-stored."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterable

from ..facts.models import ModelIndex
from ..facts.password_flow import events
from ..findings import Finding, Severity
from ..model.environment import environment
from ..rule import ProjectFacts, ProjectRule


class PlaintextPasswordStored(ProjectRule):
    """A password from the request is stored without hashing.

    ## What it does
    Follows values inside each function, from the request (`request.form["password"]`,
    `request.values.get(...)`, `request.get_json()["password"]`, a WTForms
    `form.password.data`), from a password-named parameter, or from a string literal,
    through assignments, unpacking, `.strip()`-like calls, f-strings and dict literals,
    to where they are stored: a `password`-like keyword of a model constructor, a
    `password`-like attribute of a model instance, a parameter bound into an
    `INSERT`/`UPDATE` statement, or a PyMongo document. Any call on the way (a hash
    function, `set_password()`) ends the flow. Models are Flask-SQLAlchemy `db.Model`,
    declarative-base and MongoEngine classes, and Flask-Login `UserMixin` classes; the
    rule stays silent when assigning the attribute goes through a `property` or
    `hybrid_property` setter, a descriptor or a SQLAlchemy `@validates` method that may
    hash, and in tests. The model may live in another module.

    ## Why is this bad?
    Whoever reads the database (a backup, an injection, a curious admin) gets every
    user's password, and with it their accounts elsewhere. *Explore Flask* 2.12.2:
    "We never store passwords in plain text."

    ## Example
    ```python
    from flask import Flask, request
    from flask_sqlalchemy import SQLAlchemy

    app = Flask(__name__)
    db = SQLAlchemy(app)

    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(64), unique=True)
        password = db.Column(db.String(128))

    @app.route("/signup", methods=["POST"])
    def signup():
        password = request.form["password"].strip()
        user = User(username=request.form["username"],
                    password=password)  # [FL401]
        db.session.add(user)
        db.session.commit()
        return "ok"
    ```

    ## Use instead
    The book's model hashes on assignment, so views can pass the password as it is:
    ```python
    from flask import Flask, request
    from flask_bcrypt import Bcrypt
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.ext.hybrid import hybrid_property

    app = Flask(__name__)
    db = SQLAlchemy(app)
    bcrypt = Bcrypt(app)

    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(64), unique=True)
        _password = db.Column(db.String(128))

        @hybrid_property
        def password(self):
            return self._password

        @password.setter
        def _set_password(self, plaintext):
            self._password = bcrypt.generate_password_hash(plaintext)

    @app.route("/signup", methods=["POST"])
    def signup():
        user = User(username=request.form["username"], password=request.form["password"])
        db.session.add(user)
        db.session.commit()
        return "ok"
    ```

    ## References
    - *Explore Flask* 2.12.2, "Storing passwords"
    - Werkzeug, `werkzeug.security.generate_password_hash`
    - OWASP Password Storage Cheat Sheet
    """

    code = "FL401"
    name = "plaintext-password-stored"
    severity = Severity.ERROR
    help = ("Hash the password with `generate_password_hash` (werkzeug or Flask-Bcrypt) before storing it, "
            "or give the model a setter that hashes")
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Report every store of a plaintext password the models do not hash."""
        models = ModelIndex(project.modules, project.index)
        for path, event in events(environment(project).flask_modules(project.config.include_tests), "store"):
            origin = event.origin
            sink = event.sink
            if event.model is not None:
                model = models.plaintext(event.model, event.attribute, event.how)
                if model is None:
                    continue
                short = model.name.rpartition(".")[2]
                sink = f"a new `{short}`" if event.how == "positional" else f"`{short}.{event.attribute}`"
            filename = PurePosixPath(path).name
            yield self.finding(
                path, event.start, event.end,
                f"{origin.describe(filename)} stored in {sink} ({filename}:{event.line}) without hashing",
                sensitive=origin.kind == "literal")
