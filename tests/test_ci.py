"""CI: `.ci/run` runs exactly the README's test command, which installs and runs the self-checks."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def readme_commands() -> list:
    """Return the commands of the README's set-up section, one per ``sh`` fence."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Set up\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def ci_command() -> str:
    """Return the one command `.ci/run` runs after its shell options and ``cd``."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "set -euo pipefail" in lines
    commands = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    assert len(commands) == 1, commands
    return commands[0]


def test_readme_has_two_set_up_commands_and_the_second_is_what_ci_runs():
    commands = readme_commands()
    assert len(commands) == 2 and all("\n" not in command for command in commands), commands
    assert commands[1] == ci_command()


def test_ci_runs_ruff_mypy_and_the_tests_and_fails_when_any_fails():
    steps = ci_command().split(" && ")
    assert not any(re.search(r"[;|&]", step) for step in steps), steps  # one chain: any failure stops it
    for check in (
        ".venv/bin/ruff check flasklint",
        ".venv/bin/ruff format --check flasklint",
        ".venv/bin/mypy flasklint",
        ".venv/bin/python -m pytest",
    ):
        assert check in steps


def test_the_test_extra_installs_every_tool_the_command_runs():
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extra = {
        re.match(r"[\w-]+", requirement).group()
        for requirement in pyproject["project"]["optional-dependencies"]["test"]
    }
    tools = set(re.findall(r"\.venv/bin/([\w-]+)", ci_command())) - {"pip", "python"}
    assert tools == {"ruff", "mypy"} and tools <= extra
