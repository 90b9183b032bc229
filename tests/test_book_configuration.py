"""The book's configuration listings (2.5) and subdomain listing (2.7.4), linted with FL2xx."""

import shutil
from pathlib import Path

import pytest

from flasklint.testing import expected_and_found, lint

BOOK = Path(__file__).parent / "fixtures" / "book"
FL2 = ["FL201", "FL202", "FL203", "FL204", "FL205", "FL206", "FL207"]
LISTINGS = ["2.5/simple_case", "2.5/instance_folder", "2.5/config_directory", "2.7.4/sitemaker"]

#: The book's instance/config.py (2.5.2, "Minor environment-based configuration"):
#: git ignores it, so it never reaches the repository, nor flasklint.
INSTANCE_CONFIG = "# instance/config.py\nDEBUG = True\nSQLALCHEMY_ECHO = True\n"


@pytest.mark.parametrize("listing", LISTINGS)
def test_book_listing(listing, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(BOOK / listing, project)
    if (project / ".gitignore").exists():
        (project / "instance").mkdir()
        (project / "instance" / "config.py").write_text(INSTANCE_CONFIG)
    expected, found = expected_and_found(project, FL2)
    assert found == expected


def test_simple_config_is_production_because_every_environment_loads_it():
    finding = lint(BOOK / "2.5" / "simple_case", select=["FL201"]).findings[0]
    assert finding.message == ("`DEBUG = True` in production config module `config.py` "
                               "(loaded by `from_object` at app.py:5)")


def test_subdomains_need_server_name_in_production(tmp_path):
    project = tmp_path / "sitemaker"
    shutil.copytree(BOOK / "2.7.4" / "sitemaker", project)
    (project / "config.py").rename(project / "config_development.py")
    findings = lint(project, select=["FL205"]).findings
    assert [(f.path, f.line) for f in findings] == [("sitemaker/__init__.py", 7)]
