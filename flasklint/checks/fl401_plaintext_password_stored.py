"""FL401 plaintext-password-stored."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional

from ..facts.models import KEY as MODELS
from ..facts.password_flow import KEY as PASSWORD_FLOW
from ..facts.password_flow import FlowEvent, Origin, events
from ..findings import Finding, Severity
from ..model.environment import NEEDS as ENVIRONMENT_NEEDS
from ..model.environment import environment
from ..model.orm import ModelIndex
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


@dataclass(frozen=True)
class _Argument:
    """A value passed to a function (an ``argument`` flow event) and the file of the call."""

    path: str
    event: FlowEvent

    @property
    def origin(self) -> Origin:
        """Return where the passed value comes from."""
        return self.event.origin


def _parameter(project: ProjectFacts, origin: Origin) -> tuple[str, str, int]:
    """Return ``(callable, name, position)`` of a parameter; a class stands for its ``__init__``."""
    function = origin.function
    if function.endswith(".__init__"):
        function = function[: -len(".__init__")]
    return project.index.expand(function), origin.text, origin.index


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

    A value stored from a password parameter (`def __init__(self, name, password):
    self.password = password`, a `set_password(password)` that keeps it, an
    `add_user(cursor, name, password)` that inserts it) is judged by the
    project's callers of that function or class: each caller that passes
    request data or a string literal is reported at that argument; callers that
    pass a hash (`generate_password_hash(...)`, `bcrypt.hashpw(...)`, a variable
    holding one) are not (a fast digest there is FL403's), and neither is a
    function no caller in the project reaches. A caller that passes on its own
    password parameter is followed to its callers in turn. The options of a
    command-line command (`@app.cli.command`, `@click.option`) are typed by the
    user: stored as they are, they are reported where they are stored.

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
    - *Explore Flask* 2.12.2, ["Storing passwords"](https://exploreflask.com/en/latest/users.html)
    - Werkzeug,
      [`werkzeug.security.generate_password_hash`](https://werkzeug.palletsprojects.com/en/stable/utils/#werkzeug.security.generate_password_hash)
    - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    """

    code = "FL401"
    needs = (MODELS, PASSWORD_FLOW, *ENVIRONMENT_NEEDS)
    name = "plaintext-password-stored"
    severity = Severity.ERROR
    help = (
        "Hash the password with `generate_password_hash` (werkzeug or Flask-Bcrypt) before storing it, "
        "or give the model a setter that hashes"
    )
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Report every store of a plaintext password the models do not hash.

        A value stored from a password parameter is judged at the callers: a
        finding where one passes request data or a literal, none when they all
        pass hashes or none is found.
        """
        models = ModelIndex(project.modules, project.index)
        modules = environment(project).flask_modules(project.config.include_tests)
        stores: dict[tuple[str, str, int], tuple[str, FlowEvent, str]] = {}
        for path, event in events(modules, "store"):
            sink = self.sink(models, event)
            if sink is None:
                continue
            origin = event.origin
            if origin.kind == "param" and not origin.command:  # a command's options are typed by the user
                stores.setdefault(_parameter(project, origin), (path, event, sink))
                continue
            filename = PurePosixPath(path).name
            yield self.finding(
                path,
                event.start,
                event.end,
                f"{origin.describe(filename)} stored in {sink} ({filename}:{event.line}) without hashing",
                sensitive=origin.kind == "literal",
            )
        arguments = list(events(modules, "argument"))
        for _ in range(5):  # a function passing its own password parameter on stores it too
            forwarded = {
                _parameter(project, arg.origin): reached
                for arg, reached in self.reaching(arguments, stores, project)
                if arg.origin.kind == "param"
            }
            if forwarded.keys() <= stores.keys():
                break
            stores = {**forwarded, **stores}
        for arg, (path, event, sink) in self.reaching(arguments, stores, project):
            if arg.origin.kind == "param":
                continue
            filename = PurePosixPath(arg.path).name
            callee = arg.event.sink.rpartition(".")[2]
            yield self.finding(
                arg.path,
                arg.event.start,
                arg.event.end,
                f"{arg.origin.describe(filename)} stored in {sink} ({PurePosixPath(path).name}:{event.line}) "
                f"without hashing (through parameter `{event.origin.text}` of `{callee}`)",
                sensitive=arg.origin.kind == "literal",
            )

    @staticmethod
    def sink(models: ModelIndex, event: FlowEvent) -> Optional[str]:
        """Return how messages name where a store keeps the value, None when the model hashes it."""
        if event.model is None:
            return event.sink
        model = models.plaintext(event.model, event.attribute, event.how)
        if model is None:
            return None
        short = model.name.rpartition(".")[2]
        return f"a new `{short}`" if event.how == "positional" else f"`{short}.{event.attribute}`"

    @staticmethod
    def reaching(arguments, stores, project: ProjectFacts) -> Iterator[tuple[_Argument, tuple[str, FlowEvent, str]]]:
        """Yield each argument that a function keeps unhashed, with that store.

        A method of an object whose class is unknown (``current_user.set_password(pw)``)
        is matched by name when one storing function of the project has that name.
        """
        by_name: dict[str, set[str]] = {}
        for function, _, _ in stores:
            by_name.setdefault(function.rpartition(".")[2], set()).add(function)
        index = project.index
        for path, event in arguments:
            function = index.expand(event.sink) if not event.sink.startswith(".") else ""
            owner, _, method = (function or event.sink).rpartition(".")
            if owner not in index.modules and not index.is_class(owner):  # an object of unknown class
                candidates = by_name.get(method, set())
                function = next(iter(candidates)) if len(candidates) == 1 else function
            for (name, param, position), store in stores.items():
                if name == function and event.attribute in (param, str(position)):
                    yield _Argument(path, event), store
                    break
