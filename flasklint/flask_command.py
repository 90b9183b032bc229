"""``flask lint``: flasklint as a command of Flask's own CLI.

Flask adds the commands of the ``flask.commands`` entry point group to
``flask`` without loading the app, and imports this module on every
``flask`` invocation, so it imports click alone; flasklint itself is imported
when the command runs. The project is found without importing the app: from
the file or folder that ``--app``/``FLASK_APP`` names, if it is a path that
exists, else from the current directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional

import click


def app_folder(app_path: Optional[str], cwd: Path) -> Path:
    """Return the folder to start looking for the project from.

    ``app_path`` is what ``--app`` or ``FLASK_APP`` says (``src/shop/app.py``,
    ``shop:create_app()``, ``shop``); only the part before the ``:`` that
    names an object is a path. A module name that is no path gives ``cwd``.
    """
    if app_path:
        # As Flask splits it: a colon followed by a slash is a Windows drive, not an object name.
        candidate = cwd / re.split(r":(?![\\/])", app_path, maxsplit=1)[0]
        if candidate.is_file():
            return candidate.parent
        if candidate.is_dir():
            return candidate
    return cwd


@click.command(
    "lint", add_help_option=False, context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False}
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def lint(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Lint the app's project with flasklint (takes flasklint's options; see flask lint --help)."""
    from .cli import check
    from .config import find_root

    check_ctx = check.make_context(ctx.info_name, list(args), parent=ctx.parent)
    if not check_ctx.params["paths"]:
        app_path = getattr(ctx.obj, "app_import_path", None) or os.environ.get("FLASK_APP")
        check_ctx.params["paths"] = (find_root(app_folder(app_path, Path.cwd())),)
    with check_ctx:
        check.invoke(check_ctx)
