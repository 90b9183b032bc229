"""Every rule fixture, ``tests/fixtures/FL*/*``: its markers name exactly the findings.

Each entry of a rule's folder (a file or a project folder) is one case, such
as ``FL101/login_required_above_route.py``. A case checks the folder's code
and every code that a marker anywhere in that folder names (so FL601's
folder also checks FL000, FL502's also FL503); markers of other codes are
not checked. A fixture declares what it needs in itself:

- settings: a project folder's ``pyproject.toml`` holds them in
  ``[tool.flasklint]``, as for any project (ruff's ``ban-relative-imports``
  is read too, nothing else of the project's configuration); a single
  file holds them in comment lines
  ``# flasklint-fixture: extend-select = ["FL"]`` (a key of
  ``[tool.flasklint]`` and its TOML value);
- a git repository: ``[tool.flasklint-fixture]`` with ``git = true`` in the
  folder's ``pyproject.toml`` makes the case lint a committed copy, built by
  conftest's :func:`build_project`.
"""

import re
from pathlib import Path

import pytest

from flasklint.config import parse_settings, read_file, read_toml, ruff_relative_ban, tomllib
from flasklint.testing import expected_and_found, markers

from conftest import FIXTURES, build_project

RULE_FOLDERS = sorted(FIXTURES.glob("FL[0-9][0-9][0-9]"))
CASES = [entry for folder in RULE_FOLDERS for entry in sorted(folder.iterdir())]
FILE_SETTING = re.compile(r"^#\s*flasklint-fixture:\s*(.+)$", re.MULTILINE)


def case_id(fixture: Path) -> str:
    """Return ``FL101/name``: the rule folder and the entry."""
    return f"{fixture.parent.name}/{fixture.name}"


def codes_of(folder: Path) -> list[str]:
    """Return the folder's code and every code its fixtures' markers name."""
    codes = {folder.name}
    for file in (p for p in folder.rglob("*") if p.is_file()):
        try:
            codes.update(code for _, code in markers(file.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return sorted(codes)


def settings_of(fixture: Path) -> dict:
    """Return the Config settings a fixture declares (see the module docstring)."""
    if fixture.is_file():
        table = tomllib.loads("\n".join(FILE_SETTING.findall(fixture.read_text(encoding="utf-8"))))
        return parse_settings(table, str(fixture))
    pyproject = fixture / "pyproject.toml"
    settings = parse_settings(read_file(pyproject), str(pyproject)) if pyproject.is_file() else {}
    return {**settings, "ruff_ban_relative_imports": ruff_relative_ban(fixture)}


def needs_git(fixture: Path) -> bool:
    """Return whether a fixture asks to be linted as a committed git repository."""
    pyproject = fixture / "pyproject.toml"
    return pyproject.is_file() and read_toml(pyproject).get("tool", {}).get("flasklint-fixture", {}).get("git") is True


def test_every_rule_folder_entry_is_a_case():
    entries = {case_id(entry) for entry in FIXTURES.glob("FL*/*")}
    assert entries == {case_id(fixture) for fixture in CASES}
    assert len(RULE_FOLDERS) == len(list(FIXTURES.glob("FL*"))) > 20


@pytest.mark.parametrize("fixture", CASES, ids=case_id)
def test_markers_match_findings(fixture, tmp_path):
    codes = codes_of(fixture.parent)
    settings = settings_of(fixture)
    if needs_git(fixture):
        fixture = build_project(fixture, tmp_path / fixture.name)
    expected, found = expected_and_found(fixture, codes, **settings)
    assert found == expected
