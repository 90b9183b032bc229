"""FL202 debug-dev-server."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model, production_server
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from .production import where

#: Hosts that expose the development server to other machines.
PUBLIC_HOSTS = frozenset({"0.0.0.0", "::", "[::]"})


class DebugDevServer(ProjectRule):
    """The development server runs with the interactive debugger on.

    ## What it does
    Flags `app.run(debug=True)` (or `use_debugger=True`) on a Flask app, and
    `app.run()` after `app.debug = True` or `app.config["DEBUG"] = True` on the
    same app (same function, under no `if` the call is not also under), when the
    server is bound to all interfaces (`host="0.0.0.0"` or `"::"`), or when nothing
    in the project serves the app with a production server: no `wsgi.py`, no
    Procfile, Dockerfile, compose file, shell script or requirements file naming
    gunicorn, uWSGI, waitress and the like. Files under `tests/` are not checked.

    ## Why is this bad?
    With the debugger on, any error page offers a Python console that runs code on
    the server. A script whose `app.run(debug=True)` is the only way the project
    starts is how the app ends up deployed; bound to `0.0.0.0`, the console is open
    to the whole network even on a developer's machine. *Explore Flask* 2.3.3:
    "Take care not to enable debug mode in production."

    ## Example
    ```python
    # file: app.py
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(debug=True)  # [FL202]
    # file: serve.py
    from app import app

    app.debug = True
    app.run()  # [FL202]
    ```

    ## Use instead
    ```python
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run()
    # file: Procfile
    web: gunicorn app:app
    ```

    ## References
    - *Explore Flask* 2.3.3, ["Debugging"](https://exploreflask.com/en/latest/environment.html), and 2.13
      ["Deployment"](https://exploreflask.com/en/latest/deployment.html)
    - Flask documentation, ["Debug Mode"](https://flask.palletsprojects.com/en/stable/quickstart/#debug-mode) and
      ["Deploying to Production"](https://flask.palletsprojects.com/en/stable/deploying/)
    """

    code = "FL202"
    needs = CONFIG_NEEDS
    name = "debug-dev-server"
    severity = Severity.WARNING
    help = (
        "Turn the debugger on with `flask run --debug` on your own machine only, and serve the "
        "app with a WSGI server such as gunicorn."
    )
    tags = ("security",)
    precision = "medium"  # a production server may be set up where flasklint cannot see it

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield each debug ``run`` call that is public or has no production alternative."""
        model = config_model(project)
        server = None
        for path, call in model.calls("run"):
            keywords = dict(call.keywords)
            switches = [keywords[k] for k in ("debug", "use_debugger") if k in keywords]
            if not model.is_flask_app(call.receiver):
                continue
            if switches:
                if not any(value.truthy() for value in switches):
                    continue
                since = ""
            else:
                turned_on = model.debug_before(path, call)
                if turned_on is None:
                    continue
                since = f" (debug mode turned on at {where(path, turned_on.setting.line)})"
            host = keywords.get("host")
            if host is not None and host.known and host.value in PUBLIC_HOSTS:
                reason = f"on `{host.value}`, so every machine that reaches it gets a Python console"
            else:
                server = server if server is not None else (production_server(project) or "")
                if server:
                    continue
                reason = (
                    "and nothing in the project runs a production server (no `wsgi.py`, and no "
                    "Procfile, Dockerfile or script naming gunicorn, uWSGI or waitress)"
                )
            yield self.finding(
                path,
                (call.line, call.column),
                (call.end_line, call.end_column),
                f"`{call.source}` starts the interactive debugger{since} {reason}",
            )
