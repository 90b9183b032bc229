"""``flask lint``: registered through the ``flask.commands`` entry point, run as a user runs it.

The app named by FLASK_APP is a tripwire: importing it writes a marker file
and raises, so a test passes only if Flask's CLI never imports it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flasklint.flask_command import app_folder

EXAMPLE = Path(__file__).parent / "fixtures" / "projects" / "exampleapp"
TRIPWIRE = '''\
from pathlib import Path

Path(__file__).with_name("IMPORTED").write_text("flask imported the app")
raise RuntimeError("flask lint must not import the app")
'''
FL101 = ("FL101", "yourapp/views.py", 12)


@pytest.fixture
def project(tmp_path) -> Path:
    """Return a copy of the example app (one FL101) whose FLASK_APP module must never be imported."""
    root = tmp_path / "exampleapp"
    shutil.copytree(EXAMPLE, root)
    (root / "tripwire.py").write_text(TRIPWIRE)
    return root


def flask(*args, cwd: Path, flask_app=None) -> subprocess.CompletedProcess:
    """Run ``flask ARGS`` in ``cwd`` in a subprocess, with FLASK_APP set when given."""
    env = {key: value for key, value in os.environ.items() if key != "FLASK_APP"}
    env["NO_COLOR"] = "1"
    if flask_app:
        env["FLASK_APP"] = flask_app
    return subprocess.run([sys.executable, "-m", "flask", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True)


def findings(completed: subprocess.CompletedProcess) -> list:
    """Return ``(code, path, line)`` of every finding of a JSON run."""
    return [(f["code"], f["path"], f["line"]) for f in json.loads(completed.stdout)["findings"]]


def test_flask_lint_lints_the_current_project_without_importing_the_app(project):
    completed = flask("lint", "--no-cache", cwd=project, flask_app="tripwire.py")
    assert completed.returncode == 1, completed.stderr
    assert "yourapp/views.py:12:1: FL101" in completed.stdout
    assert "Found 1 finding in 4 files." in completed.stdout
    assert not (project / "IMPORTED").exists()


def test_flask_lint_passes_flasklints_options_through(project):
    completed = flask("lint", "--format", "json", "--no-cache", cwd=project / "yourapp", flask_app="tripwire")
    assert completed.returncode == 1, completed.stderr
    assert findings(completed) == [FL101]
    clean = flask("lint", "--ignore", "FL101", "--no-cache", cwd=project, flask_app="tripwire.py")
    assert clean.returncode == 0
    assert not (project / "IMPORTED").exists()


@pytest.mark.parametrize("option", ["env", "--app"])
def test_the_project_is_found_from_the_app_path(project, tmp_path, option):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app_path = str(project / "tripwire.py") + ":create_app()"
    if option == "env":
        completed = flask("lint", "--format", "json", "--no-cache", cwd=elsewhere, flask_app=app_path)
    else:
        completed = flask("--app", app_path, "lint", "--format", "json", "--no-cache", cwd=elsewhere)
    assert completed.returncode == 1, completed.stderr
    assert findings(completed) == [FL101]
    assert not (project / "IMPORTED").exists()


def test_paths_given_to_flask_lint_win(project, tmp_path):
    (tmp_path / "other.py").write_text("x = 1\n")
    completed = flask("lint", tmp_path / "other.py", "--no-cache", cwd=project, flask_app="tripwire.py")
    assert completed.returncode == 0, completed.stderr
    assert "FL101" not in completed.stdout


def test_flask_lint_help_is_flasklints(project):
    completed = flask("lint", "--help", cwd=project, flask_app="tripwire.py")
    assert completed.returncode == 0
    assert "flask lint [OPTIONS] [PATHS]..." in completed.stdout.splitlines()[0]  # "python -m flask" here
    assert "--format" in completed.stdout


def test_the_command_module_imports_click_alone():
    script = ("import sys\nimport flasklint.flask_command\n"
              "print(sorted(m for m in ('flask', 'flasklint.cli', 'libcst', 'rich') if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


@pytest.mark.parametrize(("app_path", "expected"), [
    (None, "."),
    ("shop", "."),                     # a module name, not a path
    ("shop:create_app()", "."),
    ("src/shop/app.py", "src/shop"),
    ("src/shop/app.py:create_app('prod')", "src/shop"),
    ("src/shop", "src/shop"),
    ("src/missing.py", "."),
])
def test_app_folder(tmp_path, app_path, expected):
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "app.py").write_text("")
    assert app_folder(app_path, tmp_path) == tmp_path / expected
