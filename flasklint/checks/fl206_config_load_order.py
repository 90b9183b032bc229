"""FL206 config-load-order."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import PurePosixPath

from ..findings import Finding, Severity
from ..model.config import NEEDS as CONFIG_NEEDS
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule


class ConfigLoadOrder(ProjectRule):
    """Configuration is loaded in an order that lets the defaults win.

    ## What it does
    Flags, on the same app in the same function:
    - `app.config.from_pyfile(...)` called before `app.config.from_object(...)`:
      the defaults loaded second override the instance configuration;
    - `app.config.from_pyfile("config.py")` (a relative file name) on an app created
      without `instance_relative_config=True` while the project has an `instance/`
      folder (on disk or in `.gitignore`): the file is then looked up next to the
      app package, not in `instance/`. A file that is there, beside the module that
      creates the app, and not in `instance/`, is the one meant (a package's own
      `settings.py`): that load is left alone.

    ## Why is this bad?
    Later loads override earlier ones. *Explore Flask* 2.5.2 loads the defaults
    first, then the instance folder, then the file an environment variable names:
    "You just need to make the call to `app.config.from_pyfile()` after
    `app.config.from_object()`." Reversed, the per-machine values (secret keys,
    production database) are silently replaced by the committed defaults.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_pyfile("config.py")  # [FL206]
    app.config.from_object("config")
    ```

    ## Use instead
    ```python
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("config")
    app.config.from_pyfile("config.py")
    app.config.from_envvar("APP_CONFIG_FILE")
    ```

    ## References
    - *Explore Flask* 2.5.2, ["Instance folder"](https://exploreflask.com/en/latest/configuration.html), and 2.5.3
    - Flask documentation, ["Instance Folders"](https://flask.palletsprojects.com/en/stable/config/#instance-folders)
    """

    code = "FL206"
    needs = CONFIG_NEEDS
    name = "config-load-order"
    severity = Severity.WARNING
    help = (
        "Load the defaults first (`from_object`), then the instance file (`from_pyfile` with "
        "`instance_relative_config=True`), then `from_envvar`."
    )
    tags = ("correctness",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield instance loads that come too early or read the wrong folder."""
        model = config_model(project)
        if not model.uses_flask:
            return
        instance = self.has_instance_folder(project)
        for module, facts in model.loads():
            if model.env.is_dev_path(module.path):
                continue
            for load in facts.loads:
                if load.method != "from_pyfile" or not load.receiver:
                    continue
                later = [
                    other
                    for other in facts.loads
                    if other.method == "from_object"
                    and other.receiver == load.receiver
                    and other.function == load.function
                    and other.order > load.order
                ]
                if later:
                    yield self.finding(
                        module.path,
                        (load.line, load.column),
                        (load.end_line, load.end_column),
                        f"`{load.source}` runs before `{later[0].source}` (line {later[0].line}), "
                        f"so the defaults override the instance configuration",
                    )
                    continue
                app = model.apps.get(project.index.expand(load.receiver))
                name = load.argument.partition(":")[2] if load.argument.startswith("str:") else ""
                if (
                    instance
                    and app is not None
                    and app.instance_relative is False
                    and name
                    and not PurePosixPath(name).is_absolute()
                    and project.index.class_of(app.callee)
                    and not self.meant_beside_app(project, model, app, name)
                ):
                    yield self.finding(
                        module.path,
                        (load.line, load.column),
                        (load.end_line, load.end_column),
                        f"`{load.source}` reads `{name}` next to the app package, not in `instance/`, because "
                        f"`{app.target.rpartition('.')[2]}` is created without `instance_relative_config=True` "
                        f"(line {app.line})",
                    )

    @staticmethod
    def meant_beside_app(project: ProjectFacts, model, app, name: str) -> bool:
        """Return whether ``name`` exists beside the module that creates ``app`` and in no ``instance/`` folder."""
        creator = next((module.path for module, facts in model.facts.values() if app in facts.apps), None)
        if creator is None:
            return False
        files = set(project.project.all_files)
        beside = posixpath.normpath(posixpath.join(posixpath.dirname(creator), name))
        in_instance = (project.root / "instance" / name).is_file() or any(
            rel == f"instance/{name}" or rel.endswith(f"/instance/{name}") for rel in files
        )
        return beside in files and not in_instance

    @staticmethod
    def has_instance_folder(project: ProjectFacts) -> bool:
        """Return whether the project has an ``instance/`` folder on disk or in a ``.gitignore``."""
        if (project.root / "instance").is_dir():
            return True
        for rel in project.project.all_files:
            if posixpath.basename(rel) == ".gitignore":
                text = project.read_text(rel) or ""
                if any(line.strip().strip("/") == "instance" for line in text.splitlines()):
                    return True
        return False
