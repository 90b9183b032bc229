"""ACME001: every view of a Flask app or blueprint says what it does."""

import ast

from flasklint.api import ROUTE_OWNERS, FileRule, Requirement, Severity, module_routes


class ViewWithoutDocstring(FileRule):
    """A view function has no docstring.

    ## What it does
    Flags functions registered as views of a Flask app or blueprint
    (`@app.route`, `@bp.get`, ...) that have no docstring.

    ## Why is this bad?
    ACME's API reference is generated from view docstrings; a view without
    one is an endpoint nobody can find.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def index():  # [ACME001]
        return "hello"
    ```

    ## Use instead
    ```python
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def index():
        \"\"\"Greet the visitor.\"\"\"
        return "hello"
    ```
    """

    code = "ACME001"
    name = "view-without-docstring"
    severity = Severity.WARNING
    help = "Say in one line what the view shows or does."
    uses_cst = False  # decides from CPython's tree and the route facts

    @classmethod
    def applies(cls, text, facts):
        """Only files that register routes can have views."""
        return bool(module_routes(facts))

    def check(self):
        """Report each view function without a docstring."""
        views = {route.view_line: route for route in module_routes(self.context.facts)}
        for node in ast.walk(self.context.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno in views:
                if ast.get_docstring(node) is None:
                    # Only if the route's receiver is proven to be a Flask app or blueprint.
                    owner = Requirement(views[node.lineno].receiver, ROUTE_OWNERS)
                    self.report_ast(node, f"view `{node.name}` has no docstring", requires=[owner])
