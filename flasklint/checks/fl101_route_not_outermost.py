"""FL101 route-not-outermost."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Union

from ..facts.routes import KEY as ROUTES
from ..findings import Edit, Fix, Requirement, Severity
from ..flask_context import decorator_target, route_receiver
from ..lazy import cst
from ..rule import FileRule

#: Flask-RESTX documentation decorators: on a Resource class they only mark
#: the class, so their order relative to ``@ns.route`` does not matter.
RESTX_CLASS_MARKERS = frozenset(
    {
        "doc",
        "expect",
        "response",
        "param",
        "header",
        "deprecated",
        "hide",
        "produces",
        "vendor",
    }
)

if TYPE_CHECKING:
    Decorated = Union[cst.FunctionDef, cst.ClassDef]


class RouteNotOutermost(FileRule):
    """A decorator sits above the route decorator, so Flask never applies it.

    ## What it does
    Flags a function or class whose decorator stack has another decorator above a
    route decorator (`@app.route`, `@bp.route`, `@app.get`/`.post`/`.put`/`.patch`/
    `.delete`, or `@ns.route` of Flask-RESTX and flask-smorest), when the receiver
    is a Flask app, Blueprint, Flask-RESTX `Namespace`/`Api` or flask-smorest
    `Blueprint` (resolved from imports and assignments, also across modules).

    ## Why is this bad?
    Decorators apply from the bottom up. The route decorator registers the function
    as it is at that moment; whatever is stacked above it wraps a function Flask never
    calls. With `@login_required` above `@app.route`, the page is public: requests
    reach the unwrapped view. *Explore Flask* 2.6.1: "the route decorator must be
    the outermost".

    ## Example
    ```python
    from flask import Flask
    from flask_login import login_required

    app = Flask(__name__)

    @login_required  # [FL101]
    @app.route("/admin")
    def admin():
        return "secret"
    ```

    ## Use instead
    ```python
    from flask import Flask
    from flask_login import login_required

    app = Flask(__name__)

    @app.route("/admin")
    @login_required
    def admin():
        return "secret"
    ```

    ## Options
    `allow-above-route`: decorators that may sit above a route because they only
    record the view and return it unchanged, as glob patterns over the decorator's
    dotted name. Default: `["*.exempt", "swag_from"]` (Flask-WTF's `csrf.exempt`,
    Flask-Limiter's `limiter.exempt`, Flasgger's `swag_from`).

    ## Fix safety
    The fix moves the route decorators to the top, keeping their order and every
    other decorator's order, with comments. It changes behaviour on purpose: the
    decorators above the route start to apply (a public page becomes protected).
    That change is the defect's remedy, so the fix is safe: `--fix` applies it.

    ## References
    - *Explore Flask* 2.6.1, ["Views and routing: Decorators"](https://exploreflask.com/en/latest/views.html)
    - Flask documentation, ["View Decorators"](https://flask.palletsprojects.com/en/stable/patterns/viewdecorators/)
    """

    code = "FL101"
    needs = (ROUTES,)
    name = "route-not-outermost"
    severity = Severity.ERROR
    help = "Move the route decorator to the top of the stack, above every other decorator."
    fixable = True
    tags = ("security", "correctness")
    precision = "very-high"  # the decorator order is read from the source, on a resolved route

    @classmethod
    def applies(cls, text: str, facts) -> bool:
        """Return whether some route decorator of the file is not the topmost decorator."""
        return any(
            route.decorators[:1] != (f"{route.receiver}.{route.call}",)
            for route in facts.get(ROUTES) or ()
            if route.decorators
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Check a function's decorators."""
        self.check_decorators(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Check a class's decorators (Flask-RESTX resources, MethodViews)."""
        self.check_decorators(node)

    def check_decorators(self, node: Decorated) -> None:
        """Report the decorators above the lowest route decorator, if any."""
        decorators = list(node.decorators)
        receivers_at = {i: route_receiver(d) for i, d in enumerate(decorators)}
        routes = {i: found for i, found in receivers_at.items() if found}
        if not routes:
            return
        lowest = max(routes)
        receivers = {receiver for receiver, _ in routes.values()}
        offenders = [i for i in range(lowest) if i not in routes and not self.allowed(decorators[i], node, receivers)]
        if not offenders:
            return
        receiver, kinds = routes[lowest]
        qualname = self.context.qualify(receiver)
        if qualname is None:
            return
        names = ", ".join(f"`@{decorator_target(decorators[i]) or '...'}`" for i in offenders)
        route = f"`@{decorator_target(decorators[lowest])}`"
        verb = "is" if len(offenders) == 1 else "are"
        self.report(
            decorators[offenders[0]],
            f"{names} {verb} above the route decorator {route}, so Flask registers "
            f"`{node.name.value}` without {'it' if len(offenders) == 1 else 'them'}",
            fix=self.fix(decorators, routes),
            requires=[Requirement(qualname, kinds)],
        )

    def allowed(self, decorator: cst.Decorator, node: Decorated, receivers: set) -> bool:
        """Return whether a decorator may stand above a route.

        Allowed are the configured patterns, the route owner's own
        decorators (``@bp.errorhandler``, ``@bp.endpoint``: Flask's
        registering decorators return the function unchanged), and
        Flask-RESTX documentation markers on resource classes.
        """
        target = decorator_target(decorator) or ""
        if any(fnmatch.fnmatchcase(target, pattern) for pattern in self.context.config.allow_above_route):
            return True
        owner, _, attribute = target.rpartition(".")
        if owner in receivers:
            return True
        return isinstance(node, cst.ClassDef) and attribute in RESTX_CLASS_MARKERS

    def fix(self, decorators: list[cst.Decorator], routes: dict) -> Fix:
        """Return the edit that puts the route decorators first, keeping all else in order."""
        blocks = []
        for index, decorator in enumerate(decorators):
            where = self.context.position(decorator)
            comments = 0 if index == 0 else len(decorator.leading_lines)
            blocks.append((where.start.line - comments, where.end.line))
        lines = self.context.source.lines
        order = sorted(range(len(decorators)), key=lambda i: (i not in routes, i))
        text = "".join("".join(lines[start - 1 : end]) for start, end in (blocks[i] for i in order))
        first, last = blocks[0][0], blocks[-1][1]
        return Fix("Move the route decorators above the other decorators", (Edit(first, 1, last + 1, 1, text),))
