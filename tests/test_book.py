"""The book's listings that import `flask.ext` or `werkzeug.contrib`: flagged, fixed, importable."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.testing import expected_and_found

BOOK = Path(__file__).parent / "fixtures" / "book"

#: The modules of each section that the test imports after the fix.
MODULES = {
    "2.6": ["myapp.views", "myapp.util", "authentication", "caching"],
    "2.9": ["myapp.util.assets"],
    "2.10": ["ourapp.models"],
    "2.11": ["ourapp.forms", "ourapp.signup_forms", "ourapp.unique_forms"],
    "2.12": ["ourapp.views", "ourapp.signout", "ourapp.reset_forms", "benchmark"],
    "2.13": ["app"],
}


@pytest.fixture
def section(request, tmp_path) -> Path:
    """Return a writable copy of one section's listings, a project root of its own."""
    target = tmp_path / request.param
    shutil.copytree(BOOK / request.param, target)
    (target / "pyproject.toml").write_text("[project]\nname = 'book'\n")
    return target


def import_modules(root: Path, modules: list[str]) -> subprocess.CompletedProcess:
    """Import ``modules`` in a fresh interpreter run in ``root``."""
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    return subprocess.run([sys.executable, "-c", code, *modules], cwd=root, capture_output=True,
                          text=True, timeout=120)


def fix(root: Path):
    """Run ``flasklint --fix --unsafe-fixes`` on ``root`` for FL702 (its fixes are unsafe)."""
    return CliRunner().invoke(main, [str(root), "--select", "FL702", "--fix", "--unsafe-fixes", "--format", "concise"],
                              catch_exceptions=False)


def test_every_section_is_here():
    assert set(MODULES) <= {p.name for p in BOOK.iterdir() if p.is_dir()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_listings_are_flagged(name):
    expected, found = expected_and_found(BOOK / name, ["FL702"])
    assert expected
    assert found == expected


@pytest.mark.parametrize("section", sorted(MODULES), indirect=True)
def test_listings_fail_as_printed_and_import_once_fixed(section):
    modules = MODULES[section.name]
    before = import_modules(section, modules)
    assert before.returncode != 0
    assert "ModuleNotFoundError" in before.stderr or "ImportError" in before.stderr

    first = fix(section)
    assert first.exit_code == 0, first.output
    files = {p: p.read_bytes() for p in section.rglob("*.py")}
    after = import_modules(section, modules)
    assert after.returncode == 0, after.stderr

    second = fix(section)
    assert second.exit_code == 0 and "Fixed" not in second.output
    assert {p: p.read_bytes() for p in section.rglob("*.py")} == files


@pytest.mark.parametrize("section", ["2.11"], indirect=True)
def test_form_is_renamed_at_import_and_uses(section):
    fix(section)
    text = (section / "ourapp" / "forms.py").read_text()
    assert "from flask_wtf import FlaskForm  # [FL702]\n" in text
    assert "from wtforms import StringField, PasswordField\nfrom wtforms.validators import DataRequired, Email" in text
    assert "class EmailPasswordForm(FlaskForm):" in text
    assert "email = StringField('Email', validators=[DataRequired(), Email()])" in text
