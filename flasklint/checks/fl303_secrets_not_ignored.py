"""FL303 secrets-not-ignored."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator

from ..findings import Finding, Severity
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..model.secrets import NEEDS as SECRET_NEEDS
from ..model.secrets import (
    env_secrets,
    ini_credentials,
    instance_folders,
    is_env_file,
    templates,
    uses_dotenv,
)
from ..rule import ProjectRule
from .gitignore import gitignore_fix, report_place


class SecretsNotIgnored(ProjectRule):
    """The repository's ignore rules do not cover a place that holds secrets.

    ## What it does
    Asks git (`git check-ignore`, once per run; `.gitignore` files read with
    `pathspec` outside a git work tree) whether the ignore rules cover:
    - the app's instance folder, when the app reads its configuration from it
      (`from_pyfile` on an app created with `instance_relative_config=True`) or
      the folder exists;
    - `.env`, when an app module imports python-dotenv, and every existing
      `.env` file that holds secrets (`.env.production`; not templates such as
      `.env.example`, nor development ones such as `.env.development`);
    - an `alembic.ini` that holds a database URI with a password.

    A place is covered when an ignore rule decides for it, including one that
    re-includes a file on purpose (`.env*` then `!.env.example`, or
    `instance/*` then `!instance/.gitkeep`): the authors chose to commit that
    file, and FL304 reports it if it holds a real-looking secret. Templates
    (`.env.example`, `.env.sample`, `.env.dist`) are never asked to be
    ignored.

    The finding is reported on the last line of the root `.gitignore` (it is
    about the whole file, and the fix appends there), or, when there is none, on
    the unprotected file or where the app uses the place.

    ## Why is this bad?
    These places exist to hold secrets outside the code. Without an ignore rule,
    one `git add .` commits them, and git history keeps them. *Explore Flask*
    2.3.2 starts every `.gitignore` with `instance/`, and 2.5.2: "You should also
    add the instance folder to your version control system's ignore list."

    ## Example
    ```python
    # file: .gitignore
    *.pyc
    # [FL303]
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("config")
    app.config.from_pyfile("config.py")
    ```

    ## Use instead
    ```python
    # file: .gitignore
    *.pyc
    instance/
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("config")
    app.config.from_pyfile("config.py")
    ```

    ## Fix safety
    The fix appends the missing pattern (`instance/`, `.env`, the `alembic.ini`
    path) to the root `.gitignore`, creating it if needed, and changes no other
    line. It is skipped when `.gitignore` changed since the run. Files git
    already tracks stay tracked: FL304 says so. The fix is safe: `--fix` applies it.

    ## References
    - *Explore Flask* 2.3.2,
      ["What to keep out of version control"](https://exploreflask.com/en/latest/environment.html), and 2.5.2,
      ["Instance folder"](https://exploreflask.com/en/latest/configuration.html)
    - git documentation, [`gitignore`](https://git-scm.com/docs/gitignore) and
      [`git check-ignore`](https://git-scm.com/docs/git-check-ignore)
    """

    code = "FL303"
    needs = SECRET_NEEDS
    name = "secrets-not-ignored"
    severity = Severity.ERROR
    help = "Add the place to `.gitignore` (the book's starting point: `*.pyc` and `instance/`)."
    fixable = True
    tags = ("security",)
    uses_git = True

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield one finding per secret-holding place the ignore rules leave uncovered."""
        if not config_model(project).uses_flask:
            return
        places = list(self.places(project))
        decided = project.project.ignore_patterns([probe for _, probes, _, _ in places for probe in probes])
        for pattern, probes, place, subject in places:
            if any(p not in decided for p in probes):
                path, line = report_place(project, place)
                yield self.finding(
                    path,
                    (line, 1),
                    (line, 1),
                    f"no ignore rule covers {subject}",
                    fix=gitignore_fix(project, [pattern]),
                )

    @staticmethod
    def places(project: ProjectFacts) -> Iterator[tuple[str, list[str], tuple[str, int], str]]:
        """Yield ``(pattern to ignore, paths to ask about, fallback place, what the place is)``."""
        files = project.project.all_files
        model = config_model(project)
        seen = set()
        for folder, module, (line, _), used in instance_folders(project):
            existing = [f for f in files if f.startswith(folder + "/")]
            if folder in seen or not (existing or used):
                continue
            seen.add(folder)
            subject = f"`{folder}/`, the instance folder " + (
                f"the app in `{module}` reads its configuration from" if used else f"of the app in `{module}`"
            )
            fallback = (existing[0], 1) if existing else (module, line)
            yield "instance/", existing or [f"{folder}/config.py"], fallback, subject
        env_files = [
            f
            for f in files
            if is_env_file(f)
            and posixpath.basename(f).startswith(".env")
            and model.env.counts_secrets(f, project.config.include_tests)
        ]
        template = templates(project, env_files)
        env_files = [f for f in env_files if f not in template and next(env_secrets(project.read_text(f)), None)]
        for rel in env_files:
            yield posixpath.basename(rel), [rel], (rel, 1), f"`{rel}`, a file of environment settings"
        dotenv = uses_dotenv(project)
        if dotenv and ".env" not in env_files:
            yield ".env", [".env"], dotenv, f"`.env`, which python-dotenv loads (`{dotenv[0]}:{dotenv[1]}`)"
        for rel in files:
            if posixpath.basename(rel) == "alembic.ini":
                found = next(ini_credentials(project.read_text(rel)), None)
                if found:
                    yield f"/{rel}", [rel], (rel, found.line), f"`{rel}`, which holds a database URI with a password"
