"""FL207 insecure-session-cookie."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from .production import unit_label, unit_reason


class InsecureSessionCookie(ProjectRule):
    """A production configuration lets cookies travel over plain HTTP.

    ## What it does
    Flags each production configuration (the topmost production config class of a
    hierarchy, or a config module, among those an app loads) that does not set `SESSION_COOKIE_SECURE = True`,
    nor `REMEMBER_COOKIE_SECURE = True` when the project uses Flask-Login. Silent
    when app-level code sets the key or the app loads configuration flasklint
    cannot read (`from_envvar`, `from_prefixed_env`, files outside the project).
    A base class that nothing loads is reported only when a production subclass
    keeps its insecure value, and the message names those subclasses.
    Off by default: select it with `--select FL207`.

    ## Why is this bad?
    Flask's default is `False`: the browser sends the session cookie (and
    Flask-Login's remember-me cookie) over plain HTTP too, where anyone on the
    network can read it and take over the session.

    ## Example
    ```python
    # file: config.py
    class ProductionConfig:  # [FL207]
        PREFERRED_URL_SCHEME = "https"
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")
    ```

    ## Use instead
    ```python
    # file: config.py
    class ProductionConfig:
        PREFERRED_URL_SCHEME = "https"
        SESSION_COOKIE_SECURE = True
    # file: app.py
    from flask import Flask

    app = Flask(__name__)
    app.config.from_object("config.ProductionConfig")
    ```

    ## References
    - *Explore Flask* 2.5, ["Configuration"](https://exploreflask.com/en/latest/configuration.html)
    - Flask documentation,
      ["Security Considerations: Set-Cookie options"](https://flask.palletsprojects.com/en/stable/web-security/#set-cookie-options)
    """

    code = "FL207"
    needs = CONFIG_NEEDS
    name = "insecure-session-cookie"
    severity = Severity.INFO
    help = "Set `SESSION_COOKIE_SECURE = True` (and `REMEMBER_COOKIE_SECURE = True`) in production."
    default_enabled = False
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield the topmost production configs that leave the cookies insecure."""
        model = config_model(project)
        if not model.uses_flask or model.loads_unseen():
            return
        keys = ["SESSION_COOKIE_SECURE"]
        if any(imp.module.startswith("flask_login") for m in project.modules for imp in m.imports):
            keys.append("REMEMBER_COOKIE_SECURE")
        keys = [key for key in keys if not model.sets_on_app(key)]
        used = model.in_use()
        for unit in model.production_units():
            if unit.qualname not in used:
                continue
            missing = [key for key in keys if not self.secure(model, unit, key)]
            reason = unit_reason(unit)
            if model.runs_through_heirs(unit):  # a base class counts through the subclasses that keep its value
                heirs = [
                    u.name
                    for u in model.heirs(unit)
                    if u.production and any(not self.secure(model, u, key) for key in missing)
                ]
                missing = [
                    key
                    for key in missing
                    if any(u.production and not self.secure(model, u, key) for u in model.heirs(unit))
                ]
                reason = "inherited by " + ", ".join(f"`{name}`" for name in heirs[:3])
            if not missing or any(
                model.units[q].production and all(not self.secure(model, model.units[q], k) for k in missing)
                for q in model.ancestry(unit)
            ):
                continue
            shown = " and ".join(f"`{key}`" for key in missing)
            yield self.finding(
                unit.path,
                (unit.line, unit.column),
                (unit.line, unit.column),
                f"production {unit_label(unit)} ({reason}) leaves {shown} at False, so the "
                f"browser also sends the cookie over plain HTTP",
            )

    @staticmethod
    def secure(model, unit, key: str) -> bool:
        """Return whether ``unit`` sets ``key`` to a true value (or to something unknown)."""
        found = model.resolve(unit, key)
        return found is not None and found.setting.value.truthy() is not False
