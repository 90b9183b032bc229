"""Shared pytest helpers."""

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """Return the fixtures folder."""
    return FIXTURES


@pytest.fixture
def example_app(tmp_path) -> Path:
    """Return a writable copy of the example app, a project root of its own (no git)."""
    target = tmp_path / "exampleapp"
    shutil.copytree(FIXTURES / "projects" / "exampleapp", target)
    (target / "pyproject.toml").write_text("[project]\nname = 'exampleapp'\n")
    return target
