"""FL701 dev-server-public."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..facts.servers import ALL_INTERFACES, KEY, ServerFact
from ..findings import Finding, Severity
from ..flask_context import FLASK_APP
from ..model.environment import PRODUCTION, environment
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule

#: The book's stack, and the case flasklint leaves alone; ends every message.
STACK = (
    "; the book's stack runs gunicorn on 127.0.0.1 behind nginx with `ProxyFix`, and "
    "binding every interface inside a container is a different case that flasklint does not judge"
)

#: ``gunicorn ... -b 0.0.0.0:8000`` / ``--bind=[::]:80`` / ``-b :8000`` in a command.
GUNICORN = re.compile(r"\bgunicorn\b")
GUNICORN_BIND = re.compile(r"(?<!\S)(?:-b|--bind)(?:\s+|=)['\"]?(" + ALL_INTERFACES.pattern + r")(?=['\"\s;&|]|$)")
#: ``flask run --host 0.0.0.0`` / ``-h 0.0.0.0``.
FLASK_RUN = re.compile(r"\bflask\s+run\b")
FLASK_HOST = re.compile(r"(?<!\S)(?:--host|-h)(?:\s+|=)['\"]?(0\.0\.0\.0|::|\[::\])(?=['\"\s;&|]|$)")

#: Path words that mean a file belongs to a container or cluster setup.
CONTAINER_WORDS = ("docker", "k8s", "kubernetes", "helm", "entrypoint", "container")


def is_container_file(rel: str) -> bool:
    """Return whether ``rel`` describes a container or cluster (Dockerfile, compose, manifests)."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name.startswith(("dockerfile", "containerfile")) or name.endswith((".dockerfile", ".containerfile")):
        return True
    if name.endswith((".yml", ".yaml")):
        return "compose" in name or any(word in rel.lower() for word in CONTAINER_WORDS)
    return False


def is_script(rel: str) -> bool:
    """Return whether ``rel`` is a Procfile or a shell script, the files scanned for commands."""
    name = rel.rsplit("/", 1)[-1]
    return name == "Procfile" or name.startswith("Procfile.") or name.endswith((".sh", ".bash"))


def commands(text: str) -> Iterator[list[tuple[int, str]]]:
    """Yield each command of a script as its physical ``(line number, text)`` lines.

    Backslash continuations join lines; comment lines are skipped.
    """
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not current and line.lstrip().startswith("#"):
            continue
        current.append((number, line))
        if not line.rstrip().endswith("\\"):
            yield current
            current = []
    if current:
        yield current


class DevServerPublic(ProjectRule):
    """A server listens on every network interface outside a container.

    ## What it does
    Flags `app.run(host="0.0.0.0")` (or `"::"`) where `app` is a Flask app
    (resolved from imports and assignments, also across modules), `flask run --host
    0.0.0.0` and gunicorn bound to every interface in a gunicorn config file
    (`bind = "0.0.0.0:8000"`), a `Procfile` or a shell script (`-b 0.0.0.0:8000`,
    `--bind :8000`). Files of a container or cluster setup are never judged: Dockerfiles,
    compose files, Kubernetes and Helm manifests, files under a folder named for
    them, entrypoint scripts and any file a Dockerfile or compose file names. A bind
    to the platform's `$PORT` (Heroku, Render, Cloud Run) is such a contract too.
    gunicorn is judged only where it is deployed: a gunicorn config or command in a
    file for development or tests (`gunicorn_local.py`, `scripts/dev.sh`) is a
    developer's own machine, not the deployment. The development server is judged
    wherever it is started, since it belongs on no network at all.

    ## Why is this bad?
    `app.run` starts Werkzeug's development server: single-process, not hardened, and
    with `debug=True` a remote Python console. On 0.0.0.0 anyone on the network reaches
    it. *Explore Flask* 2.13 puts gunicorn on 127.0.0.1 behind nginx (with Werkzeug's
    `ProxyFix` for the forwarded headers) and warns that gunicorn exposed to the public
    "makes an easy target for denial of service attacks". Inside a container, 0.0.0.0
    is how the container's port is published at all; that case is not this rule's.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(host="0.0.0.0", debug=True)  # [FL701]
    ```

    ```python
    # file: gunicorn.conf.py
    bind = "0.0.0.0:8000"  # [FL701]
    workers = 3
    ```

    ## Use instead
    ```python
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(debug=True)
    ```

    ```python
    # file: gunicorn.conf.py
    bind = "127.0.0.1:8000"
    workers = 3
    ```

    ## References
    - *Explore Flask* 2.13.2, ["Deployment: The stack"](https://exploreflask.com/en/latest/deployment.html)
      (Gunicorn, "Making Gunicorn public", Nginx, ProxyFix)
    - Flask documentation, ["Deploying to Production"](https://flask.palletsprojects.com/en/stable/deploying/)
    - Gunicorn documentation, ["Deploying Gunicorn"](https://docs.gunicorn.org/en/stable/deploy.html)
    """

    code = "FL701"
    needs = (KEY,)
    name = "dev-server-public"
    severity = Severity.WARNING
    help = (
        "Listen on 127.0.0.1 behind a reverse proxy such as nginx (book 2.13); "
        "open 0.0.0.0 only inside a container or for a short debugging session."
    )
    tags = ("security", "deployment")
    precision = "medium"  # a container may run the server from files flasklint does not recognise

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield servers on every interface, outside container contexts."""
        files = project.project.all_files
        stage = environment(project).stage
        container_texts = [project.read_text(rel) or "" for rel in files if is_container_file(rel)]

        def in_container(rel: str) -> bool:
            """Return whether ``rel`` belongs to, or is named by, a container setup."""
            if any(word in rel.lower() for word in CONTAINER_WORDS):
                return True
            name = rel.rsplit("/", 1)[-1]
            return any(name in text for text in container_texts)

        for module in project.modules:
            for fact in module.get(KEY) or ():
                if in_container(fact.path):
                    continue
                if fact.kind == "run" and project.index.instance_of(fact.receiver) == FLASK_APP:
                    receiver = fact.receiver.rpartition(".")[2]
                    yield self.from_fact(
                        fact,
                        f'`{receiver}.run(host="{fact.address}")` exposes Flask\'s '
                        f"development server on every network interface",
                    )
                elif fact.kind == "gunicorn-bind" and stage(module) == PRODUCTION:
                    yield self.from_fact(
                        fact, f'`bind = "{fact.address}"` makes gunicorn listen on every network interface'
                    )
        for rel in files:
            if is_script(rel) and not in_container(rel):
                yield from self.scan_script(rel, project.read_text(rel) or "", stage(rel) == PRODUCTION)

    def scan_script(self, rel: str, text: str, deployed: bool) -> Iterator[Finding]:
        """Yield the commands of a script that bind every interface (gunicorn ones only when ``deployed``)."""
        servers = [(FLASK_RUN, FLASK_HOST, "exposes Flask's development server")]
        if deployed:
            servers.append((GUNICORN, GUNICORN_BIND, "makes gunicorn listen"))
        for command in commands(text):
            joined = " ".join(line for _, line in command)
            for program, option, what in servers:
                if not program.search(joined):
                    continue
                for number, line in command:
                    for match in option.finditer(line.split(" #", 1)[0]):
                        if "PORT" in match.group(1):
                            continue  # a platform-assigned port: a PaaS or container contract
                        yield self.finding(
                            rel,
                            (number, match.start() + 1),
                            (number, match.end() + 1),
                            f"`{match.group(0)}` {what} on every network interface",
                        )

    def from_fact(self, fact: ServerFact, message: str) -> Finding:
        """Return the finding at a fact's place."""
        return self.finding(fact.path, (fact.line, fact.column), (fact.end_line, fact.end_column), message)

    def finding(self, path: str, start: tuple[int, int], end: tuple[int, int], message: str, **kwargs) -> Finding:
        """Return a finding of this rule; every message ends with the book's stack."""
        return super().finding(path, start, end, message + STACK, **kwargs)
