"""FL102 view-decorator-without-wraps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..facts.decorators import KEY as DECORATORS
from ..facts.decorators import ClassFact
from ..facts.routes import KEY as ROUTES
from ..facts.routes import RouteFact
from ..findings import Finding, Severity
from ..model.decorators import DecoratorIndex, Effect
from ..model.project_facts import ProjectFacts
from ..model.routes import registered_routes
from ..rule import ProjectRule

#: Views named in a message before "and N more".
SHOWN = 3


@dataclass(frozen=True)
class _Use:
    """One view a decorator wraps: where it is registered and under which name."""

    route: RouteFact
    owner: str
    registered: Optional[str]


def _names(uses: list[_Use]) -> str:
    """Return the views of ``uses`` as a readable list."""
    labels = [use.route.label for use in uses]
    if len(labels) > SHOWN:
        labels = labels[:SHOWN] + [f"{len(uses) - SHOWN} more"]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _collision(uses: list[_Use]) -> list[_Use]:
    """Return the views of one app or blueprint that end up with one endpoint name, if any."""
    groups = defaultdict(list)
    for use in uses:
        if use.registered and not use.route.conditional:
            groups[(use.owner, use.registered)].append(use)
    return max(groups.values(), key=len, default=[])


class ViewDecoratorWithoutWraps(ProjectRule):
    """A decorator applied to views replaces them with an inner function that keeps its own name.

    ## What it does
    Flags a decorator applied to views of a Flask app or Blueprint (below the
    route decorator, also across modules) when the function it returns is
    defined inside it without `functools.wraps` (under any alias) or
    `functools.update_wrapper`, and without copying `__name__` by hand; also
    decorator factories (`@check("admin")`) whose innermost function lacks it,
    and classes used as decorators whose instances have no `__name__`. The
    finding sits at the decorator's definition and names the views it wraps.

    ## Why is this bad?
    Flask names a view's endpoint after the `__name__` of the function it
    registers. A wrapper without `@wraps(view)` is called `decorated_function`
    (or whatever its own name is) for every view it wraps: the second such
    view on an app or blueprint stops the app at start-up with
    `AssertionError: View function mapping is overwriting an existing endpoint
    function`, and a single one is registered under the wrapper's name, so
    `url_for("view")` fails. *Explore Flask* 2.6.1 writes `check_expired` with
    `@wraps(func)` for exactly this bookkeeping.

    ## Example
    ```python
    from flask import Flask, redirect

    app = Flask(__name__)


    def check_expired(func):  # [FL102]
        def decorated_function(*args, **kwargs):
            if account_expired():
                return redirect("/billing")
            return func(*args, **kwargs)

        return decorated_function


    @app.route("/use_app")
    @check_expired
    def use_app():
        return "app"


    @app.route("/reports")
    @check_expired
    def reports():
        return "reports"
    ```

    ## Use instead
    ```python
    from functools import wraps

    from flask import Flask, redirect

    app = Flask(__name__)


    def check_expired(func):
        @wraps(func)
        def decorated_function(*args, **kwargs):
            if account_expired():
                return redirect("/billing")
            return func(*args, **kwargs)

        return decorated_function


    @app.route("/use_app")
    @check_expired
    def use_app():
        return "app"


    @app.route("/reports")
    @check_expired
    def reports():
        return "reports"
    ```

    Giving every wrapped view an explicit `endpoint=` also avoids the clash,
    and such decorators are not flagged.

    ## References
    - *Explore Flask* 2.6.1, ["Views and routing: Custom decorators"](https://exploreflask.com/en/latest/views.html)
    - Flask documentation, ["View Decorators"](https://flask.palletsprojects.com/en/stable/patterns/viewdecorators/)
    - Python documentation, [`functools.wraps`](https://docs.python.org/3/library/functools.html#functools.wraps)
    """

    code = "FL102"
    needs = (DECORATORS, ROUTES)
    name = "view-decorator-without-wraps"
    severity = Severity.ERROR
    help = "Decorate the inner function with `@functools.wraps(view)` so that it keeps the view's name."
    tags = ("correctness",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield one finding per decorator that renames the views it wraps."""
        decorators = DecoratorIndex(project.modules, project.index)
        uses: dict[str, tuple[Effect, dict]] = {}
        for route, owner, _ in registered_routes(project.modules, project.index):
            applied = route.applied
            if not applied or route.endpoint is not None or project.index.is_class(route.view):
                continue
            for position, dotted in enumerate(applied):
                effect = decorators.effect(dotted)
                if effect.kind == "renames" or (effect.kind == "nameless" and position == 0):
                    assert effect.origin is not None, "a decorator that renames has a definition"
                    views = uses.setdefault(effect.origin.qualname, (effect, {}))[1]
                    views.setdefault(
                        (route.path, route.view_line, owner),
                        _Use(route, owner, decorators.registered_name(route.view_name, applied)),
                    )
        for effect, views in uses.values():
            yield self.report(effect, sorted(views.values(), key=lambda u: (u.route.path, u.route.line)))

    def report(self, effect: Effect, uses: list[_Use]) -> Finding:
        """Return the finding at the decorator's definition."""
        origin = effect.origin
        assert origin is not None, "only decorators that rename are reported"
        is_class = isinstance(origin, ClassFact)
        if effect.kind == "nameless":
            message = (
                f"instances of `{origin.name}` have no `__name__`, so Flask cannot name the "
                f"endpoint of {_names(uses)} and fails at start-up with AttributeError"
            )
        else:
            caller = f"{origin.name}.__call__" if is_class else origin.name
            why = f"`{caller}` returns `{effect.name}` without `functools.wraps`"
            clash = _collision(uses)
            if len(clash) > 1:
                owner = clash[0].owner.rpartition(".")[2]
                message = (
                    f"{why}, so {_names(clash)} all get the endpoint `{clash[0].registered}` on "
                    f'`{owner}` and Flask fails at start-up with "View function mapping is '
                    f'overwriting an existing endpoint function"'
                )
            else:
                message = (
                    f"{why}, so Flask registers {_names(uses)} under the wrapper's name "
                    f"and `url_for` cannot find {'it' if len(uses) == 1 else 'them'} by "
                    f"{'its' if len(uses) == 1 else 'their'} own name"
                )
        end = origin.column + len(f"{'class' if is_class else 'def'} {origin.name}")
        return self.finding(origin.path, (origin.line, origin.column), (origin.line, end), message)
