"""FL306 clutter-not-ignored."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import PurePosixPath

from ..findings import Finding, Severity
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..model.secrets import NEEDS as SECRET_NEEDS
from ..rule import ProjectRule
from .gitignore import gitignore_fix, report_place

#: The name Python gives a module's cached bytecode, for asking the ignore rules.
CACHE_TAG = sys.implementation.cache_tag or "cpython"


class ClutterNotIgnored(ProjectRule):
    """Compiled Python files or a virtualenv are not ignored.

    ## What it does
    Asks git (`git check-ignore`; `.gitignore` files without git) whether the
    ignore rules cover the `__pycache__/` folder Python writes beside each module
    that is imported (every package, every module another module imports), and
    every virtual environment folder (one holding `pyvenv.cfg`) in the project.
    The message also counts compiled files git already tracks. Off by default:
    select it with `--select FL306`.

    ## Why is this bad?
    *Explore Flask* 2.3.2: "Compiled `.pyc` files and virtual environments [...]
    are examples of clutter. They don't need to be in version control because
    they can be recreated from the `.py` files and your `requirements.txt`
    files." Committed, they bloat the history and cause conflicts on every run.

    ## Example
    ```python
    # file: .gitignore
    instance/
    # [FL306]
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Use instead
    ```python
    # file: .gitignore
    *.pyc
    instance/
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Fix safety
    The fix appends `__pycache__/` and `*.py[cod]` (or the virtualenv folder) to
    the root `.gitignore`, creating it if needed, and changes no other line.
    Files git already tracks stay tracked until `git rm --cached`. The fix is safe:
    `--fix` applies it.

    ## References
    - *Explore Flask* 2.3.2,
      ["What to keep out of version control"](https://exploreflask.com/en/latest/environment.html)
    - Python documentation, [PEP 3147 "PYC Repository Directories"](https://peps.python.org/pep-3147/)
    """

    code = "FL306"
    needs = SECRET_NEEDS
    name = "clutter-not-ignored"
    severity = Severity.INFO
    help = "Ignore compiled files and virtualenvs in `.gitignore` (`*.pyc`, `__pycache__/`, `venv/`)."
    fixable = True
    default_enabled = False
    uses_git = True

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield a finding for uncovered bytecode caches and one per uncovered virtualenv."""
        if not config_model(project).uses_flask:
            return
        caches = self.caches(project)
        venvs = {f"{folder}/pyvenv.cfg": folder for folder in project.project.venvs}
        ignored = project.project.ignored([*caches, *venvs])
        tracked = sorted(
            t for t in project.project.tracked or () if t.endswith((".pyc", ".pyo")) or "__pycache__" in t.split("/")
        )
        uncovered = [probe for probe in caches if probe not in ignored]
        if uncovered or tracked:
            probe = (uncovered or tracked)[0]
            parent = PurePosixPath(probe).parent
            path, line = report_place(project, (caches.get(probe, probe), 1))
            count = (
                f"git tracks {len(tracked)} compiled file{'s' if len(tracked) != 1 else ''}, such as `{tracked[0]}`"
                if tracked
                else ""
            )
            what = f"no ignore rule covers `{parent}/`, where Python caches `{caches[probe]}`" if uncovered else ""
            yield self.finding(
                path,
                (line, 1),
                (line, 1),
                "; ".join(filter(None, (what, count))),
                fix=gitignore_fix(project, ["__pycache__/", "*.py[cod]"]) if uncovered else None,
            )
        for probe, folder in venvs.items():
            if probe not in ignored:
                path, line = report_place(project, (probe, 1))
                yield self.finding(
                    path,
                    (line, 1),
                    (line, 1),
                    f"no ignore rule covers `{folder}/`, a virtual environment",
                    fix=gitignore_fix(project, [f"/{folder}/"]),
                )

    @staticmethod
    def caches(project: ProjectFacts) -> dict[str, str]:
        """Return the bytecode path Python writes for each imported module, mapped to the module's file."""
        by_name = {m.module: m for m in project.modules}
        imported = {m.module for m in project.modules if m.is_package}
        for module in project.modules:
            for imp in module.imports:
                imported.add(imp.module)
                imported.update(f"{imp.module}.{name}" for name, _ in imp.names)
        found = {}
        for name in sorted(imported & set(by_name)):
            path = PurePosixPath(by_name[name].path)
            found[str(path.parent / "__pycache__" / f"{path.stem}.{CACHE_TAG}.pyc")] = str(path)
        return found
