"""FL403 weak-password-hash."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from ..facts.models import KEY as MODELS
from ..facts.password_flow import KEY as PASSWORD_FLOW
from ..facts.password_flow import FlowEvent, events
from ..findings import Finding, Severity
from ..model.environment import NEEDS as ENVIRONMENT_NEEDS
from ..model.environment import environment
from ..model.orm import ModelIndex
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


class WeakPasswordHash(ProjectRule):
    """A password is hashed with a fast digest instead of a password hash.

    ## What it does
    Flags `hashlib` digests (`md5`, `sha1`, `sha256`, ..., `blake2b`, `hashlib.new(...)`,
    and `.update()` on such an object) applied to a password (a value from the request
    named like a password, a password-named parameter or variable), and werkzeug's
    `generate_password_hash(password, method=...)` with a method that is a bare digest
    (`"md5"`, `"sha1"`, `"sha256"`, `"plain"`) rather than `pbkdf2:...` or `scrypt:...`,
    when the result is stored or compared: kept on a database model (or an
    object of unknown class), inserted with SQL or PyMongo, or compared with a
    stored password or in a query. A digest returned by a function counts where
    a caller in the project stores or compares what the function returns. A
    digest used otherwise is not a stored password: sent to another service
    (`requests.post(url, data={"password": md5(pw)})`, kept on an API
    client object, returned from a view), or a breach-list lookup by prefix.

    ## Why is this bad?
    Fast digests are built to be fast: a GPU tries billions of guesses a second, and
    without a salt one precomputed table cracks every user at once. Password hashes
    (bcrypt, scrypt, argon2, PBKDF2) are salted and slow on purpose. *Explore Flask*
    2.12.2 asks for bcrypt with at least 12 rounds.

    ## Example
    ```python
    import hashlib
    import sqlite3
    from flask import Flask, request
    from werkzeug.security import generate_password_hash

    app = Flask(__name__)

    @app.route("/register", methods=["POST"])
    def register():
        content = request.get_json()
        digest = hashlib.md5(content["password"].encode()).hexdigest()  # [FL403]
        legacy = generate_password_hash(content["password"], method="sha256")  # [FL403]
        db = sqlite3.connect("app.db")
        db.execute("INSERT INTO user (password, legacy) VALUES (?, ?)", (digest, legacy))
        return "ok"
    ```

    ## Use instead
    ```python
    import hashlib
    import sqlite3
    from flask import Flask, request
    from werkzeug.security import generate_password_hash

    app = Flask(__name__)

    @app.route("/register", methods=["POST"])
    def register():
        content = request.get_json()
        stored = generate_password_hash(content["password"])
        avatar = hashlib.md5(content["email"].lower().encode()).hexdigest()
        db = sqlite3.connect("app.db")
        db.execute("INSERT INTO user (password, avatar) VALUES (?, ?)", (stored, avatar))
        return "ok"
    ```

    ## References
    - *Explore Flask* 2.12.2, ["Storing passwords"](https://exploreflask.com/en/latest/users.html)
    - Werkzeug,
      [`werkzeug.security.generate_password_hash`](https://werkzeug.palletsprojects.com/en/stable/utils/#werkzeug.security.generate_password_hash)
    - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    """

    code = "FL403"
    needs = (MODELS, PASSWORD_FLOW, *ENVIRONMENT_NEEDS)
    name = "weak-password-hash"
    severity = Severity.ERROR
    help = "Use `generate_password_hash` with its default method, bcrypt, scrypt or argon2"
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Report every fast digest of a password that is stored or compared."""
        models = ModelIndex(project.modules, project.index)
        modules = environment(project).flask_modules(project.config.include_tests)
        stored = self.stored_results(modules, project, models)
        for path, event in events(modules, "weak-hash"):
            if event.via is not None and project.index.expand(event.via) not in stored:
                continue  # returned, and no caller keeps it: sent somewhere, or nobody's business
            if event.via is None and not self.kept(models, event):
                continue
            filename = PurePosixPath(path).name
            kind = "a fast digest" if event.how == "digest" else "a single fast digest round"
            yield self.finding(
                path,
                event.start,
                event.end,
                f"`{event.sink}` ({filename}:{event.line}) hashes {event.origin.describe(filename)} "
                f"with {kind}, not a password hash",
            )

    @staticmethod
    def kept(models: ModelIndex, event: FlowEvent) -> bool:
        """Return whether a value reaching a sink is stored or compared.

        Kept on an object, it counts when the object is a database model; an
        attribute of an object of unknown class counts too. Given to another
        class (an HTTP request, an API client), it is sent, not stored.
        """
        if not event.store or (event.model is None and event.store == "attribute"):
            return True
        fact = models.lookup(event.model) if event.model else None
        return fact is not None and models.is_model(fact)

    def stored_results(self, modules, project: ProjectFacts, models: ModelIndex) -> set[str]:
        """Return the functions whose result some caller in ``modules`` stores or compares, directly or returned on."""
        stored, returned = set(), []
        for _, event in events(modules, "result"):
            callee = project.index.expand(event.sink)
            if event.via is not None:
                returned.append((callee, project.index.expand(event.via)))
            elif self.kept(models, event):
                stored.add(callee)
        while True:
            more = {callee for callee, via in returned if via in stored} - stored
            if not more:
                return stored
            stored |= more
