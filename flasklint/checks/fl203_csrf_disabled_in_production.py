"""FL203 csrf-disabled-in-production."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..flask_context import FORM_CLASSES
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from .production import production_findings

#: Flask-WTF keys whose false value switches CSRF protection off.
CSRF_KEYS = ("WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT")


def _switched_off(value) -> bool:
    """Return whether a value is a literal ``False`` or ``0``."""
    return value.known and not isinstance(value.value, str) and value.value is not None and not value.value


class CsrfDisabledInProduction(ProjectRule):
    """CSRF protection is switched off outside tests.

    ## What it does
    Flags `WTF_CSRF_ENABLED = False` and `WTF_CSRF_CHECK_DEFAULT = False` in a
    production configuration (a config module or class not named for development
    or testing, inherited values included, or set on the app outside test and
    debug guards), and Flask-WTF/WTForms forms that switch CSRF off themselves
    (`class Meta: csrf = False`, `MyForm(meta={"csrf": False})`,
    `MyForm(csrf_enabled=False)`) outside `tests/`. A form given its data
    (`formdata=request.args`, a positional argument) is not flagged: it does not
    read a posted body.

    ## Why is this bad?
    Without the token, another site can make a signed-in user's browser submit
    your forms: change the e-mail address, transfer money, delete the account.
    Tests switch CSRF off because they post forms directly; production must not.
    *Explore Flask* 2.11 "Handling forms" relies on Flask-WTF's CSRF protection.

    ## Example
    ```python
    # file: config.py
    class Config:
        WTF_CSRF_ENABLED = False  # [FL203]


    class ProductionConfig(Config):
        pass
    # file: forms.py
    from flask_wtf import FlaskForm


    class CommentForm(FlaskForm):
        class Meta:  # [FL203]
            csrf = False
    ```

    ## Use instead
    ```python
    # file: config.py
    class Config:
        WTF_CSRF_ENABLED = True


    class TestingConfig(Config):
        WTF_CSRF_ENABLED = False


    class ProductionConfig(Config):
        pass
    ```

    ## Options
    `dev-config-names`: the words that mark development and testing configs (see FL201).

    ## References
    - *Explore Flask* 2.11, ["Handling forms"](https://exploreflask.com/en/latest/forms.html)
    - Flask-WTF documentation, ["CSRF Protection"](https://flask-wtf.readthedocs.io/en/stable/csrf/) and
      ["Configuration"](https://flask-wtf.readthedocs.io/en/stable/config/)
    """

    code = "FL203"
    needs = CONFIG_NEEDS
    name = "csrf-disabled-in-production"
    severity = Severity.ERROR
    help = "Disable CSRF only in the testing configuration; keep `WTF_CSRF_ENABLED` true elsewhere."
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield production configs and forms that switch CSRF off."""
        model = config_model(project)
        if not model.uses_flask:
            return
        for key in CSRF_KEYS:
            yield from production_findings(self, project, key, _switched_off)
        for path, call in model.calls("csrf-off"):
            if (
                model.env.is_dev_path(path)
                or call.guards
                or not call.receiver
                or not project.index.derives_from(call.receiver, FORM_CLASSES)
            ):
                continue
            form = call.receiver.rpartition(".")[2]
            if call.source:
                yield self.finding(
                    path,
                    (call.line, call.column),
                    (call.end_line, call.end_column),
                    f"form `{form}` is created with CSRF protection off",
                )
            else:
                yield self.finding(
                    path,
                    (call.line, call.column),
                    (call.line, call.column + len("class Meta")),
                    f"`class Meta: csrf = False` turns CSRF protection off for form `{form}`",
                )
