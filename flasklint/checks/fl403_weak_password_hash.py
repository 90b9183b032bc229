"""FL403 weak-password-hash."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterable

from ..facts.password_flow import events
from ..findings import Finding, Severity
from ..model.environment import environment
from ..rule import ProjectFacts, ProjectRule


class WeakPasswordHash(ProjectRule):
    """A password is hashed with a fast digest instead of a password hash.

    ## What it does
    Flags `hashlib` digests (`md5`, `sha1`, `sha256`, ..., `blake2b`, `hashlib.new(...)`,
    and `.update()` on such an object) applied to a password (a value from the request
    named like a password, a password-named parameter or variable), and werkzeug's
    `generate_password_hash(password, method=...)` with a method that is a bare digest
    (`"md5"`, `"sha1"`, `"sha256"`, `"plain"`) rather than `pbkdf2:...` or `scrypt:...`,
    when the result is stored, compared or returned in the same function. A digest used
    otherwise (a breach-list lookup by prefix) is not a stored password.

    ## Why is this bad?
    Fast digests are built to be fast: a GPU tries billions of guesses a second, and
    without a salt one precomputed table cracks every user at once. Password hashes
    (bcrypt, scrypt, argon2, PBKDF2) are salted and slow on purpose. *Explore Flask*
    2.12.2 asks for bcrypt with at least 12 rounds.

    ## Example
    ```python
    import hashlib
    from flask import Flask, request
    from werkzeug.security import generate_password_hash

    app = Flask(__name__)

    @app.route("/register", methods=["POST"])
    def register():
        content = request.get_json()
        digest = hashlib.md5(content["password"].encode()).hexdigest()  # [FL403]
        legacy = generate_password_hash(content["password"], method="sha256")  # [FL403]
        return {"stored": [digest, legacy]}
    ```

    ## Use instead
    ```python
    import hashlib
    from flask import Flask, request
    from werkzeug.security import generate_password_hash

    app = Flask(__name__)

    @app.route("/register", methods=["POST"])
    def register():
        content = request.get_json()
        stored = generate_password_hash(content["password"])
        avatar = hashlib.md5(content["email"].lower().encode()).hexdigest()
        return {"stored": stored, "avatar": avatar}
    ```

    ## References
    - *Explore Flask* 2.12.2, "Storing passwords"
    - Werkzeug, `werkzeug.security.generate_password_hash`
    - OWASP Password Storage Cheat Sheet
    """

    code = "FL403"
    name = "weak-password-hash"
    severity = Severity.ERROR
    help = "Use `generate_password_hash` with its default method, bcrypt, scrypt or argon2"
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Report every fast digest of a password."""
        for path, event in events(environment(project).flask_modules(project.config.include_tests), "weak-hash"):
            filename = PurePosixPath(path).name
            kind = "a fast digest" if event.how == "digest" else "a single fast digest round"
            yield self.finding(
                path, event.start, event.end,
                f"`{event.sink}` ({filename}:{event.line}) hashes {event.origin.describe(filename)} "
                f"with {kind}, not a password hash")
