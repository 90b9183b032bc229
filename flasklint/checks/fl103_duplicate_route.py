"""FL103 duplicate-route."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..facts.decorators import KEY as DECORATORS
from ..facts.routes import KEY as ROUTES
from ..facts.routes import RouteFact
from ..findings import Finding, Severity
from ..model.decorators import DecoratorIndex
from ..model.environment import is_test_path
from ..model.project_facts import ProjectFacts
from ..model.routes import registered_routes
from ..rule import ProjectRule

#: Route options that change which requests a rule matches; rules with them are not compared.
MATCHING_OPTIONS = frozenset({"subdomain", "host", "redirect_to", "**"})
#: Methods two views of one rule may share: an OPTIONS request (a CORS preflight, or Flask's
#: automatic reply) asks about the whole rule, so which of its views answers does not matter.
SHARED_METHODS = frozenset({"OPTIONS"})


def same_behaviour(first: RouteFact, second: RouteFact) -> bool:
    """Return whether two view functions do the same thing: equal bodies, parameters and applied decorators.

    The second of two such views serving one rule is a second name to build
    the URL with (``url_for``), not a view that never runs.
    """
    return bool(first.behaviour) and first.behaviour == second.behaviour and first.applied == second.applied


@dataclass(frozen=True)
class _Registration:
    """One route as FL103 compares it: which view object, which endpoint, which requests."""

    route: RouteFact
    view: tuple
    endpoint: Optional[str]
    methods: Optional[frozenset]


def _methods(route: RouteFact, is_class: bool) -> Optional[frozenset]:
    """Return the HTTP methods a route serves, None when they cannot be read."""
    if route.methods is not None:
        return frozenset(route.methods)
    if "methods" in route.keywords or route.by_reference or is_class:
        return None  # unreadable, or taken from the view (``view_func.methods``, a MethodView)
    return frozenset({"GET"})


class DuplicateRoute(ProjectRule):
    """Two views of one app or blueprint share an endpoint name, or a URL rule and a method.

    ## What it does
    Flags a route registration (`@app.route`, `@bp.get`, `add_url_rule`, ...)
    on a Flask app or Blueprint when an earlier registration on the same
    object, by a different view, has the same endpoint name (the function's
    name after its decorators, or an explicit `endpoint=`), or the same URL
    rule with an HTTP method in common (`methods` defaults to `GET`; `.get()`
    and `.post()` shortcuts are understood; `OPTIONS`, which every view of a
    CORS API lists for the preflight, does not count). Registrations under an `if` are
    left alone: which of them runs depends on configuration. So are the
    registrations in tests (`tests/`, `test_*.py`), unless `include-tests` is on.
    A second view of the same rule that does exactly what the first does (the same
    parameters, body and decorators; only its name and docstring differ) is a second
    name to build the URL with `url_for`, and is left alone too.

    ## Why is this bad?
    Two views with one endpoint name stop the app at start-up with
    `AssertionError: View function mapping is overwriting an existing endpoint
    function`, typically after a view was copied and its function not renamed.
    Two views with the same rule and method start fine, but the router always
    picks the first one: the second view never runs. *Explore Flask* 2.7.5:
    "No two blueprints should define a view for the same route."

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def index():
        return "home"


    @app.route("/about")  # [FL103]
    def index():
        return "about"


    @app.route("/contact")
    def contact():
        return "contact"


    @app.route("/contact", methods=["GET", "POST"])  # [FL103]
    def contact_form():
        return "form"
    ```

    ## Use instead
    ```python
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def index():
        return "home"


    @app.route("/about")
    def about():
        return "about"


    @app.get("/contact")
    def contact():
        return "contact"


    @app.post("/contact")
    def contact_form():
        return "form"
    ```

    ## References
    - *Explore Flask* 2.7.5,
      ["Refactoring small apps to use blueprints"](https://exploreflask.com/en/latest/blueprints.html)
    - Flask documentation,
      ["URL Route Registrations"](https://flask.palletsprojects.com/en/stable/api/#url-route-registrations)
    """

    code = "FL103"
    needs = (DECORATORS, ROUTES)
    name = "duplicate-route"
    severity = Severity.ERROR
    help = "Rename one of the views (or give it its own `endpoint=`), or change its rule or methods."
    tags = ("correctness",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield one finding per registration that clashes with an earlier one."""
        index = project.index
        decorators = DecoratorIndex(project.modules, index)
        owners = defaultdict(list)
        for route, owner, _ in registered_routes(project.modules, index):
            if route.conditional or route.view == "?":
                continue  # uncertain, or no plain view (``build_only``, ``view_func=deco(f)``)
            if is_test_path(route.path) and not project.config.include_tests:
                continue
            is_class = index.is_class(route.view)
            view: tuple
            if route.by_reference:
                view, endpoint = ("ref", index.expand(route.view)), route.endpoint
            else:
                view = ("def", route.path, route.view_line)
                endpoint = route.endpoint or (
                    None if is_class else decorators.registered_name(route.view_name, route.applied or ())
                )
            owners[owner].append(_Registration(route, view, endpoint, _methods(route, is_class)))
        for owner, registrations in owners.items():
            yield from self.clashes(owner.rpartition(".")[2], registrations)

    def clashes(self, owner: str, registrations: list[_Registration]) -> Iterable[Finding]:
        """Yield the findings among the registrations of one app or blueprint, in file order."""
        decorated = {r.route.view for r in registrations if r.view[0] == "def"}
        endpoints: dict[str, _Registration] = {}
        rules: dict[Optional[str], list[_Registration]] = defaultdict(list)
        for current in sorted(registrations, key=lambda r: (r.route.path, r.route.line)):
            if current.view[0] == "ref" and current.view[1] in decorated:
                continue  # ``add_url_rule`` of a view that a route decorator registers too
            earlier = endpoints.setdefault(current.endpoint, current) if current.endpoint else current
            message: Optional[str]
            if earlier.view != current.view:
                message = (
                    f"endpoint `{current.endpoint}` of `{owner}` is already taken by "
                    f'{earlier.route.label}, so Flask fails at start-up with "View function '
                    f'mapping is overwriting an existing endpoint function"'
                )
            else:
                message = next(
                    filter(None, (self.rule_clash(e, current, owner) for e in rules[current.route.rule])), None
                )
            if current.route.rule is not None:
                rules[current.route.rule].append(current)
            if message:
                route = current.route
                length = len(f"{route.receiver.rpartition('.')[2]}.{route.call}")
                yield self.finding(route.path, (route.line, route.column), (route.line, route.column + length), message)

    @staticmethod
    def rule_clash(earlier: _Registration, current: _Registration, owner: str) -> Optional[str]:
        """Return the message when ``current`` serves a rule and method ``earlier`` serves, else None."""
        if (
            earlier.view == current.view
            or same_behaviour(earlier.route, current.route)
            or not current.methods
            or not earlier.methods
            or MATCHING_OPTIONS & set(current.route.keywords + earlier.route.keywords)
        ):
            return None
        shared = sorted((current.methods & earlier.methods) - SHARED_METHODS)
        if not shared:
            return None
        return (
            f"rule `{current.route.rule}` of `{owner}` already serves {', '.join(shared)} with "
            f"{earlier.route.label}, so `{current.route.view_name}` never runs for "
            f"{'it' if len(shared) == 1 else 'them'}"
        )
