"""Shared pytest helpers."""

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: CI runs the bounded "ci" profile; `pytest --hypothesis-profile=soak`
# (applied by hypothesis' plugin after this file loads) tries many more examples.
settings.register_profile("ci", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("soak", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """Return the fixtures folder."""
    return FIXTURES


def _git(folder: Path, *args: str) -> None:
    """Run git in ``folder`` with a fixed identity, failing loudly."""
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=flasklint", "-c", "user.email=flasklint@example.com",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def poisoned_pickle(module: str, name: str, command: str) -> bytes:
    """Return a cache file whose unpickling calls ``module.name(command)`` (protocol 4 resolves dots)."""
    return (b"flasklint-cache-1\n\x80\x04c" + f"{module}\n{name}\n".encode()
            + b"(V" + command.encode() + b"\ntR.")


def build_project(source: Path, target: Path, git: bool = True, force: tuple = ()) -> Path:
    """Copy a fixture project to ``target``; with ``git``, make it a repository and commit it.

    Fixture files named ``gitignore`` become ``.gitignore`` (a real one would
    act on flasklint's own repository). ``git add .`` honours it; the paths in
    ``force`` are committed even so (``git add -f``), as a careless commit does.
    """
    shutil.copytree(source, target)
    for stand_in in target.rglob("gitignore"):
        stand_in.rename(stand_in.with_name(".gitignore"))
    if git:
        _git(target, "init", "-q")
        _git(target, "add", ".")
        if force:
            _git(target, "add", "-f", *force)
        _git(target, "commit", "-q", "-m", "fixture")
    return target


@pytest.fixture
def project(tmp_path):
    """Return :func:`build_project` writing under a fresh temporary folder."""
    def build(source: Path, git: bool = True, force: tuple = ()) -> Path:
        return build_project(source, tmp_path / source.name, git, force)
    return build


@pytest.fixture
def example_app(tmp_path) -> Path:
    """Return a writable copy of the example app, a project root of its own (no git)."""
    target = tmp_path / "exampleapp"
    shutil.copytree(FIXTURES / "projects" / "exampleapp", target)
    (target / "pyproject.toml").write_text("[project]\nname = 'exampleapp'\n")
    return target
