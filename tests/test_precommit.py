"""The pre-commit hooks, run for real with ``pre-commit try-repo`` (slow: it installs flasklint)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
from conftest import build_project

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "tests" / "fixtures" / "projects" / "exampleapp"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]


def stage(folder: Path) -> None:
    """Stage every change, as pre-commit checks what is staged."""
    subprocess.run(["git", "add", "."], cwd=folder, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """Return a git repository with this checkout's hooks and package, committed.

    A copy rather than the checkout itself, so the test sees the working files
    whatever the checkout's git state (worktree, uncommitted edits, no git).
    """
    files = tmp_path_factory.mktemp("hookfiles")
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, files / name)
    shutil.copytree(REPO / "flasklint", files / "flasklint", ignore=shutil.ignore_patterns("__pycache__"))
    return build_project(files, tmp_path_factory.mktemp("hookrepo") / "flasklint")


@pytest.fixture
def app_repo(tmp_path) -> Path:
    """Return a git repository holding the example app (one FL101 finding)."""
    return build_project(EXAMPLE, tmp_path / "project")


def pre_commit(project: Path, *args: str, home: Optional[Path] = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_COLOR": "never"}
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_try_repo_fails_on_a_finding_and_passes_when_clean(app_repo, hook_repo):
    bad = pre_commit(app_repo, "try-repo", str(hook_repo), "flasklint", "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "yourapp/views.py:12:1: FL101 [error] `@login_required` is above the route decorator" in bad.stdout
    views = app_repo / "yourapp" / "views.py"
    views.write_text(views.read_text().replace("@login_required  # [FL101]\n", ""))
    stage(app_repo)
    good = pre_commit(app_repo, "try-repo", str(hook_repo), "flasklint", "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """Return a pre-commit cache shared by the tests below, so flasklint installs once.

    (``try-repo`` always installs into a fresh cache; ``run`` reuses this one.)
    """
    return tmp_path_factory.mktemp("pre-commit-home")


def run_hook(project: Path, hook_repo: Path, home: Path, hook: str, *args: str) -> subprocess.CompletedProcess:
    """Run one hook of ``hook_repo`` in ``project`` through a .pre-commit-config.yaml."""
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo.as_uri()}\n  rev: {rev}\n  hooks:\n  - id: {hook}\n")
    stage(project)
    return pre_commit(project, "run", hook, *args, home=home)


def test_given_files_are_reported_with_their_project_as_context(app_repo, hook_repo, pre_commit_home):
    # views.py imports `app` from the package: only the context says it is a Flask app.
    views = run_hook(app_repo, hook_repo, pre_commit_home, "flasklint", "--files", "yourapp/views.py")
    assert views.returncode == 1, views.stdout + views.stderr
    assert "yourapp/views.py:12:1: FL101" in views.stdout
    other = run_hook(app_repo, hook_repo, pre_commit_home, "flasklint", "--files", "yourapp/__init__.py")
    assert other.returncode == 0, other.stdout + other.stderr


def test_fix_hook_fixes_then_passes(app_repo, hook_repo, pre_commit_home):
    fixed = run_hook(app_repo, hook_repo, pre_commit_home, "flasklint-fix", "--all-files")
    assert fixed.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fixed.stdout
    assert '@app.route("/admin")\n@login_required' in (app_repo / "yourapp" / "views.py").read_text()
    stage(app_repo)
    again = run_hook(app_repo, hook_repo, pre_commit_home, "flasklint-fix", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
