"""FL601 form-without-csrf-token."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.project_facts import ProjectFacts
from ..model.templates import NEEDS as TEMPLATE_NEEDS
from ..model.templates import STATE_CHANGING, Templates
from ..rule import ProjectRule
from ..templates import is_external_url


class FormWithoutCsrfToken(ProjectRule):
    """A template's POST form renders no CSRF token.

    ## What it does
    Flags a `<form method="post">` (any case, or a method given as a Jinja
    literal such as `{{ 'post' }}`) in a Jinja template of a Flask app when
    nothing between `<form>` and `</form>` renders a CSRF token:
    `{{ form.csrf_token }}`, `{{ form.hidden_tag() }}`, `{{ csrf_token() }}`,
    an input or form field whose name contains `csrf`, `xsrf` or `nonce`, an
    `{% include %}` of a partial that renders one, or a call of a macro (of the
    same template or an imported one) whose body renders one. A macro whose
    body flasklint cannot find counts only when its name says it renders a
    token (`render_csrf`, `csrf_field`, `hidden_fields`: a name containing
    `csrf`, `xsrf`, `nonce`, `token` or `hidden`) or it is a form library's
    whole-form macro (`quick_form`, `render_form`); `render_icon("x")` does not.

    Templates are parsed with Jinja2's own parser. They are looked for in each
    app's and Blueprint's `template_folder` and in any `templates/` folder that a
    Flask app or Blueprint of the project can own; a `template_folder` computed
    from something flasklint cannot read (`os.path.join(BASE, "templates")`)
    is looked for beside the module and beside its package. Not flagged: GET
    forms, forms whose `action` is an external URL, forms opened in one
    template and closed in another, and templates of an app none of whose
    views accepts POST, PUT, PATCH or DELETE. Views count however they are
    registered: route decorators, `bp.route("/x", methods=["POST"])(view)`,
    `add_url_rule(..., methods=...)`, a `MethodView` with `post()` or a `View`
    with `methods = [...]` (also through `as_view()` kept in a variable), and
    routes on an app passed to a function (`register(app)`). An include
    flasklint cannot find counts as rendering a token.

    ## Why is this bad?
    Without the token, any other site can make a signed-in user's browser submit
    the form (cross-site request forgery): delete the account, change the
    password. Flask-WTF's `CSRFProtect` and `form.validate_on_submit()` reject a
    request without the token, so a form that forgets it is either broken or
    unprotected. *Explore Flask* 2.11: "`{{ form.csrf_token }}` renders a hidden
    field containing one of those fancy CSRF tokens".

    ## Example
    ```python
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)

    @app.route("/account/delete", methods=["GET", "POST"])
    def delete_account():
        return "deleted"
    # file: yourapp/templates/delete_account.html
    <form action="{{ url_for('delete_account') }}" method="POST">  {# [FL601] #}
      <button type="submit">Delete my account</button>
    </form>
    ```

    ## Use instead
    ```python
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)

    @app.route("/account/delete", methods=["GET", "POST"])
    def delete_account():
        return "deleted"
    # file: yourapp/templates/delete_account.html
    <form action="{{ url_for('delete_account') }}" method="POST">
      {{ form.csrf_token }}
      <button type="submit">Delete my account</button>
    </form>
    ```

    ## Options
    `csrf-field-names`: substrings of input and form field names that carry a
    CSRF token. Default: `["csrf", "xsrf", "nonce"]` (CTFd names its token
    `nonce`); add your own and keep these.

    ## References
    - *Explore Flask* 2.11.1,
      ["Handling forms: CSRF Protection and validation"](https://exploreflask.com/en/latest/forms.html)
    - Flask-WTF documentation, ["CSRF Protection"](https://flask-wtf.readthedocs.io/en/stable/csrf/)
    - OWASP,
      ["Cross-Site Request Forgery Prevention Cheat Sheet"](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)
    """

    code = "FL601"
    needs = TEMPLATE_NEEDS
    name = "form-without-csrf-token"
    severity = Severity.ERROR
    help = (
        "Render `{{ form.csrf_token }}` (or `{{ csrf_token() }}`) inside the form and protect the app with Flask-WTF."
    )
    tags = ("security",)
    precision = "medium"  # a macro or script flasklint does not follow may render the token

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield a finding for each unprotected POST form of a state-changing app."""
        templates = Templates.of(project)
        for rel, parsed in templates.reported():
            for form in parsed.forms:
                if (
                    form.method in STATE_CHANGING
                    and not is_external_url(form.action)
                    and templates.changes_state(templates.scope[rel])
                    and not templates.covered(rel, form)
                ):
                    yield self.finding(
                        rel,
                        (form.line, form.column),
                        (form.line, form.column + 5),
                        f"This `{form.method}` form (lines {form.line}-{form.end_line}) renders no CSRF "
                        "token such as `form.csrf_token`, `form.hidden_tag()` or `csrf_token()`",
                    )
