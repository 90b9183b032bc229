"""FL602 autoescape-disabled."""

from __future__ import annotations

from collections.abc import Iterable

from ..facts.request_data import DATA_ATTRIBUTES
from ..facts.templates import RENDERS_KEY, UNSAFE_KEY
from ..findings import Finding, Severity
from ..flask_context import ROUTE_OWNERS
from ..model.project_facts import ProjectFacts
from ..model.templates import NEEDS as TEMPLATE_NEEDS
from ..model.templates import Templates
from ..rule import ProjectRule
from ..templates import UnescapedOutput


class AutoescapeDisabled(ProjectRule):
    """Request data reaches the page without HTML escaping.

    ## What it does
    Flags the places where request data, which the client controls, escapes
    Jinja's autoescaping:

    - `{{ value|safe }}`, or `{{ value }}` inside `{% autoescape false %}`, where
      `value` is request data: `request.args...`, `request.form...` in the
      template, or a variable that a view fills from the request
      (`render_template("page.html", q=request.args["q"])`, also through local
      variables and text URL variables of the view's route);
    - `Markup(<request data>)` in Python, which marks the data as safe HTML;
    - `render_template_string(<request data>)`, which compiles the data as a
      template (server-side template injection).

    `|safe` and `{% autoescape false %}` on literals or on values the app builds
    itself (a plain-text mail subject, HTML from the database) are not flagged,
    nor is request data that went through a function or filter flasklint does
    not know to keep markup (`escape()`, `|e`, a sanitizer).

    ## Why is this bad?
    Flask turns on autoescaping for `.html` templates so that `<script>` in
    user input is shown, not run. Marking request data safe undoes that: anyone
    who gets a user to open a crafted link runs JavaScript in your site's origin
    (cross-site scripting). A template compiled from request data lets the client
    run code on the server. *Explore Flask* 2.11 notes that WTForms renders
    HTML-safe strings, so `|safe` is not needed for forms.

    ## Example
    ```python
    # file: yourapp/__init__.py
    from flask import Flask, Markup, render_template, request

    app = Flask(__name__)

    @app.route("/search")
    def search():
        return render_template("search.html", query=request.args.get("q", ""))

    @app.route("/hello")
    def hello():
        return Markup("<b>%s</b>" % request.args["name"])  # [FL602]
    # file: yourapp/templates/search.html
    <p>Results for {{ query|safe }}</p>  {# [FL602] #}
    ```

    ## Use instead
    ```python
    # file: yourapp/__init__.py
    from flask import Flask, Markup, render_template, request

    app = Flask(__name__)

    @app.route("/search")
    def search():
        return render_template("search.html", query=request.args.get("q", ""))

    @app.route("/hello")
    def hello():
        return Markup("<b>{}</b>").format(request.args["name"])
    # file: yourapp/templates/search.html
    <p>Results for {{ query }}</p>
    ```

    ## References
    - *Explore Flask* 2.11.1, ["Handling forms: Rendering forms"](https://exploreflask.com/en/latest/forms.html)
    - Flask documentation,
      ["Templates: Controlling Autoescaping"](https://flask.palletsprojects.com/en/stable/templating/#controlling-autoescaping)
    - Jinja documentation, ["HTML Escaping"](https://jinja.palletsprojects.com/en/stable/templates/#html-escaping)
    """

    code = "FL602"
    needs = (RENDERS_KEY, UNSAFE_KEY, *TEMPLATE_NEEDS)
    name = "autoescape-disabled"
    severity = Severity.WARNING
    help = "Let Jinja escape request data: drop `|safe`, `Markup()` and `autoescape false` around it."
    tags = ("security",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield the template and Python places where request data escapes autoescaping."""
        templates = Templates.of(project)
        for rel, parsed in templates.reported():
            for output in parsed.unescaped:
                parts = output.expression.split(".")
                if output.variable == "request" and len(parts) > 1 and parts[1] in DATA_ATTRIBUTES:
                    yield self.unescaped(rel, output, f"`request.{parts[1]}`")
        for module in project.modules:
            for render in module.get(RENDERS_KEY) or ():
                yield from self.rendered(project, templates, render)
            for sink in module.get(UNSAFE_KEY) or ():
                if not templates.reportable(sink.path) or (
                    sink.receiver and project.index.instance_of(sink.receiver) not in ROUTE_OWNERS
                ):
                    continue
                what = (
                    "marks {} as safe HTML, so it is rendered unescaped"
                    if "Markup" in sink.sink
                    else "compiles {} as a template (server-side template injection)"
                )
                yield self.finding(
                    sink.path,
                    (sink.line, sink.column),
                    (sink.end_line, sink.end_column),
                    f"`{sink.sink}()` " + what.format(f"request data from {sink.source}"),
                )

    def rendered(self, project: ProjectFacts, templates: Templates, render) -> Iterable[Finding]:
        """Yield ``|safe`` outputs of variables a view fills with request data."""
        filled = {
            name: source
            for name, source, receiver in render.variables
            if not receiver or project.index.instance_of(receiver) in ROUTE_OWNERS
        }
        view = render.view.rpartition(".")[2]
        for rel in filter(templates.reportable, templates.resolve(render.template, render.path)):
            for output in templates.parsed[rel].unescaped:
                if output.variable in filled:
                    yield self.unescaped(
                        rel, output, f"{filled[output.variable]} (view `{view}`, {render.path}:{render.line})"
                    )

    def unescaped(self, path: str, output: UnescapedOutput, source: str) -> Finding:
        """Return the finding for request data rendered without escaping in a template."""
        return self.finding(
            path,
            (output.line, output.column),
            (output.line, output.column + 1),
            f"`{output.expression}` is rendered without HTML escaping (`{output.via}`) "
            f"and holds request data from {source}",
        )
