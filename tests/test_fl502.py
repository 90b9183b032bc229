"""FL502 circular-import and FL503 app-import-cycle, checked against Python itself.

Every fixture project is linted (markers give the lines) and also imported in
a subprocess, from each of its top-level packages and modules: flasklint's
verdict (crash or not) must be Python's, and the error it quotes must be the
one Python raises. Stand-ins for Flask, Flask-SQLAlchemy and Werkzeug are put
at the end of ``sys.path``, so they serve only where the real ones are absent.
"""

import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from flasklint.testing import expected_and_found, lint

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures" / "FL502"
BOOK = TESTS / "fixtures" / "book"
STUBS = TESTS / "import_stubs"
BOOK_PROJECTS = [BOOK / "2.6.2" / "converter_after_app", BOOK / "2.6.2" / "converter_before_app_crash",
                 BOOK / "2.8.5" / "filters_after_app"]
PROJECTS = sorted(FIXTURES.iterdir()) + BOOK_PROJECTS


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.parent == BOOK else path.name


@lru_cache(maxsize=None)
def python_error(folder: Path):
    """Import every top-level package and module of ``folder``; return the first error line, or None."""
    names = sorted(p.stem for p in folder.iterdir()
                   if (p / "__init__.py").is_file() or p.suffix == ".py")
    assert names
    for name in names:
        code = f"import sys; sys.path.append({str(STUBS)!r}); import {name}"
        done = subprocess.run([sys.executable, "-B", "-c", code], cwd=folder, capture_output=True,
                              text=True, timeout=60, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        if done.returncode != 0:
            return done.stderr.strip().splitlines()[-1]
    return None


@pytest.mark.parametrize("project", BOOK_PROJECTS, ids=_name)
@pytest.mark.parametrize("code", ["FL502", "FL503"])
def test_book_markers_match_findings(project, code):
    """The book's projects (the fixture projects' markers: test_fixtures.py)."""
    expected, found = expected_and_found(project, [code])
    assert found == expected


@pytest.mark.parametrize("project", PROJECTS, ids=_name)
def test_verdict_matches_python(project):
    error = python_error(project)
    findings = lint(project, select=["FL502"]).findings
    if project.name.endswith("_not_circular"):
        # A submodule is missing or does not parse: Python fails on that, which no cycle causes.
        assert error is not None and [f for f in findings if f.code == "FL502"] == [], (error, findings)
        return
    assert bool(findings) == (error is not None), error
    if error is None:
        return
    assert "partially initialized module" in error, error
    # Python names the module's absolute path; flasklint its root-relative one.
    quoted = re.sub(r" from '[^']*'", "", error.replace(str(project.resolve()) + os.sep, ""))
    assert any(quoted in finding.message for finding in findings), (quoted, findings)


def test_fixtures_cover_crashes_and_tolerated_cycles():
    verdicts = [python_error(project) is None for project in PROJECTS]
    assert len(PROJECTS) >= 12 and verdicts.count(True) >= 6 and verdicts.count(False) >= 6


def test_message_shows_the_whole_cycle():
    finding, = lint(FIXTURES / "top_import_crash", select=["FL502"]).findings
    assert (finding.path, finding.line) == ("yourapp/views.py", 1)
    assert finding.message == (
        "Importing `yourapp` fails here: `yourapp` is still initialising and defines `app` only at "
        "yourapp/__init__.py:5; cycle yourapp/views.py:1 -> yourapp/__init__.py:3 -> yourapp/views.py; "
        "Python raises ImportError: cannot import name 'app' from partially initialized module 'yourapp' "
        "(most likely due to a circular import) (yourapp/__init__.py)")


def test_cycle_through_factory_called_at_module_level():
    finding, = lint(FIXTURES / "factory_called_too_early_crash", select=["FL502"]).findings
    assert ("cycle yourapp/views.py:3 -> yourapp/__init__.py:12 -> yourapp/__init__.py:7 -> yourapp/views.py"
            in finding.message)


def test_three_module_cycle_names_every_hop():
    finding, = lint(FIXTURES / "three_module_cycle_crash", select=["FL502"]).findings
    assert ("cycle shop/emails.py:1 -> shop/orders.py:1 -> shop/billing.py:1 -> shop/emails.py"
            in finding.message)


def test_import_from_itself_is_not_called_a_cycle():
    finding, = lint(FIXTURES / "self_import_crash", select=["FL502"]).findings
    assert ("defines `create_app` only at yourapp/__init__.py:6; `yourapp/__init__.py` imports from itself; "
            "Python raises ImportError" in finding.message)


def test_fl503_is_off_by_default():
    assert lint(FIXTURES / "bottom_import_ok").findings == []
    assert [f.code for f in lint(FIXTURES / "bottom_import_ok", select=["FL503"]).findings] == ["FL503"]


def test_book_import_dot_views_is_a_parse_error():
    project = BOOK / "2.7.4" / "import_dot_views"
    expected, found = expected_and_found(project, ["FL000"])
    assert found == expected == {("sitemaker/site/__init__.py", 19, "FL000")}
    assert [f for f in lint(project, select=["FL502", "FL503"]).findings if f.code != "FL000"] == []
    assert "SyntaxError" in python_error(project)
